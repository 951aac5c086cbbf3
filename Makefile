# Development tasks for the harbor_ops.harbor collection. `make test` runs every check.

PYTHON ?= python3

# Tools that pip installs (ansible-test, ansible-lint, ...) are run from the same
# Python's scripts directory, even where no pyenv shim exists for them yet.
PYTHON_SCRIPTS := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
export PATH := $(PYTHON_SCRIPTS):$(PATH)
export PYTHON

# Interpreter discovery can pick a broken pyenv shim on localhost. Modules that the
# tests, molecule, the demo and the benchmarks run on localhost use the Python that
# runs them; an inventory's ansible_python_interpreter still takes precedence.
export ANSIBLE_PYTHON_INTERPRETER := $(shell $(PYTHON) -c 'import sys; print(sys.executable)')

PYTEST := $(PYTHON) -m pytest

.PHONY: deps deps-system unit emulator-tests integration pytest sanity lint build test demo bench molecule

deps:
	$(PYTHON) -m pip install --quiet --root-user-action=ignore -r requirements-dev.txt
	@# New console scripts get pyenv shims only after a rehash.
	@if command -v pyenv >/dev/null; then pyenv rehash; fi

deps-system:
	scripts/deps-system.sh

unit:
	$(PYTEST) tests/unit

emulator-tests:
	$(PYTEST) tests/emulator

integration:
	$(PYTEST) tests/integration

pytest:
	$(PYTEST) tests

sanity:
	scripts/ansible-test-sanity.sh

lint:
	scripts/lint.sh

build:
	scripts/build-install.sh

# pytest over tests/, lint, sanity and build all run even when one fails.
test: deps-system deps
	scripts/test-all.sh

demo:
	scripts/demo.sh

bench:
	$(PYTHON) benchmarks/run.py

# One molecule scenario (or all of them without SCENARIO) with this checkout as harbor_ops.harbor.
molecule:
	HARBOR_OPS_COLLECTIONS_ROOT=$$($(PYTHON) -c 'import conftest; print(conftest.COLLECTIONS_ROOT)') \
		molecule test $(if $(SCENARIO),-s $(SCENARIO),--all)
