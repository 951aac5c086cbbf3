#!/usr/bin/env bash
# Lint the collection: ansible-lint (production profile, from .ansible-lint) over the
# whole repository (collection metadata, plugins' YAML, playbooks/, roles/,
# molecule/), the changelog fragments, and the shell scripts.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"

status=0

# The JSON schemas shipped with ansible-lint are used as they are: refreshing them
# needs a host CI machines cannot reach. (`offline: true` is not used because it
# also stops ansible-lint from making this collection importable for syntax-check.)
export ANSIBLE_LINT_SKIP_SCHEMA_UPDATE=1

echo "== ansible-lint"
ansible-lint --profile production || status=1

echo "== antsibull-changelog lint"
antsibull-changelog lint || status=1

if command -v shellcheck >/dev/null; then
    echo "== shellcheck"
    shellcheck scripts/*.sh .ci/run || status=1
else
    echo "== shellcheck not installed; skipped (make deps-system installs it)"
fi

exit "$status"
