# Development tasks for the harbor_ops.harbor collection. `make test` runs every check, `make demo` the main job.
# Both create and use a project virtualenv (.venv, ignored by git and by the build): Debian 12's system
# Python refuses `pip install` (PEP 668). `make help` lists the targets.

# The Python that creates the virtualenv (on Debian it needs python3-venv: `make deps-system` installs it as root)
SYSTEM_PYTHON ?= python3
VENV ?= .venv
VENV_DIR := $(abspath $(VENV))
PYTHON := $(VENV_DIR)/bin/python
DEPS_STAMP := $(VENV_DIR)/.deps-installed

# Tools that pip installs (ansible-playbook, ansible-test, ansible-lint, molecule, ...) come from the virtualenv.
export PATH := $(VENV_DIR)/bin:$(PATH)
export PYTHON
export VIRTUAL_ENV := $(VENV_DIR)

# Interpreter discovery can pick a broken pyenv shim on localhost. Modules that the
# tests, molecule, the demo and the benchmarks run on localhost use the Python that
# runs them; an inventory's ansible_python_interpreter still takes precedence.
export ANSIBLE_PYTHON_INTERPRETER := $(PYTHON)

PYTEST := $(PYTHON) -m pytest

.PHONY: help deps deps-system venv unit emulator-tests integration pytest sanity lint build test demo bench molecule clean-venv

help:  ## this list
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(PYTHON)  ## create the project virtualenv .venv (no packages yet)

$(PYTHON):
	@$(SYSTEM_PYTHON) -m venv $(VENV_DIR) || { rm -rf $(VENV_DIR); \
		echo "$(SYSTEM_PYTHON) -m venv failed. On Debian/Ubuntu install python3-venv (make deps-system does, as root)." >&2; \
		exit 1; }

deps: $(DEPS_STAMP)  ## install the Python packages of requirements-dev.txt into .venv

$(DEPS_STAMP): requirements-dev.txt requirements.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet -r requirements-dev.txt
	@touch $@

clean-venv:  ## remove .venv
	rm -rf $(VENV_DIR)

deps-system:  ## as root, the Debian packages of bindep.txt (python3-venv, docker-registry, skopeo, postgresql, restic, ...)
	scripts/deps-system.sh

unit: deps  ## unit tests (scripted HTTP)
	$(PYTEST) tests/unit

emulator-tests: deps  ## the emulator's own tests
	$(PYTEST) tests/emulator

integration: deps  ## ansible-playbook targets: the emulator, or the real Harbor HARBOR_URL names (it writes there)
	$(PYTEST) tests/integration

pytest: deps  ## every pytest test
	$(PYTEST) tests

sanity: deps  ## ansible-test sanity, no ignore file
	scripts/ansible-test-sanity.sh

lint: deps  ## ansible-lint (production profile) and the other linters
	scripts/lint.sh

build: deps  ## build the collection tarball, install it and ansible-doc every module
	scripts/build-install.sh

# pytest over tests/, lint, sanity and build all run even when one fails.
test: deps-system deps  ## every test: pytest (unit, emulator, integration, molecule), lint, sanity, build
	scripts/test-all.sh

demo: deps-system deps  ## the main job: configure.yml with the example, twice (emulator, or HARBOR_URL's Harbor)
	scripts/demo.sh

bench: deps  ## benchmarks (figures, never asserted)
	$(PYTHON) benchmarks/run.py

# One molecule scenario (or all of them without SCENARIO) with this checkout as harbor_ops.harbor.
molecule: deps  ## molecule scenarios (SCENARIO=name for one)
	HARBOR_OPS_COLLECTIONS_ROOT=$$($(PYTHON) -c 'import conftest; print(conftest.COLLECTIONS_ROOT)') \
		molecule test $(if $(SCENARIO),-s $(SCENARIO),--all)
