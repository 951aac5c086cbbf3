"""A stateful emulator of Harbor v2.15.2's REST API for the collection's tests (see README.md)."""
