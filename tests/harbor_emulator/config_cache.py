"""core's configuration cache: what Harbor answers about its settings can be a minute old.

Harbor's core reads its settings through a cache in Redis (src/pkg/config/db/cache.go): `Load` answers the
`cfgs` key when present and otherwise reads the database and keeps the result for one minute
(`cache.FetchOrSave(..., time.Minute)`); only core's own `Save` (a PUT /configurations) deletes the key. Redis
is not core: the key survives a restart of core and a database restored underneath it, so for up to a minute
Harbor answers (and enforces, read_only included) the settings it had before, while the database holds the
restored ones. Harbor keeps Redis's data in `<data_volume>/redis`; so does the emulator (`redis/cfgs.json`,
with the wall-clock time the entry expires), when it has a data volume. Without one there is nothing that
outlives the process and every change goes through a PUT, so the cache is left out.
"""

import json
import os
import threading
import time

DEFAULT_TTL = 60.0  # seconds: time.Minute in cache.go
# password-type settings are never answered by the API; they stay out of the file
SECRET_KEYS = ('ldap_search_password', 'oidc_client_secret')


class ConfigCache:
    """The `cfgs` entry: `view(state)` is what core's Load answers, `invalidate()` is what Save does."""

    def __init__(self, data_volume_root=None, ttl=DEFAULT_TTL):
        self.path = os.path.join(data_volume_root, 'redis', 'cfgs.json') if data_volume_root else None
        self.ttl = ttl

    def _read(self):
        try:
            with open(self.path, encoding='utf-8') as handle:
                entry = json.load(handle)
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get('expires_at', 0) <= time.time():
            return None
        return entry.get('config')

    def view(self, state):
        """The settings as core sees them: the cached entry while it lasts, else the state (cached anew)."""
        if self.path is None or self.ttl <= 0:
            return state.config
        cached = self._read()
        if isinstance(cached, dict):
            return dict(state.config, **cached)
        config = {key: value for key, value in state.config.items() if key not in SECRET_KEYS}
        os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
        temporary = '%s.%d.tmp' % (self.path, threading.get_ident())
        with open(temporary, 'w', encoding='utf-8') as handle:
            json.dump({'expires_at': time.time() + self.ttl, 'config': config}, handle)
        os.replace(temporary, self.path)
        return state.config

    def invalidate(self):
        if self.path is not None:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass
