#!/usr/bin/env bash
# Run `ansible-test sanity` on a copy of this repository.
#
# ansible-test only works on a collection checked out at
# .../ansible_collections/<namespace>/<name> (a symlink to it is rejected), so the
# git-tracked and untracked-but-not-ignored files are copied into such a path under
# $TMPDIR; tests/output/, .venv/ and the tool caches .ansible/ (ansible-lint's copy
# of the collection) and .cache/ stay out. Results are copied back to
# tests/output/ of this repository.
#
# Usage: scripts/ansible-test-sanity.sh [extra ansible-test sanity options, e.g. --test pep8]
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
python_version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# ansible-test bootstraps pip in each of its virtual environments with get-pip.py
# from a host these machines cannot reach; it runs a cached copy first.
install_get_pip_standin() {
    local pip_version cache_path
    pip_version=$("$python" - <<'PY'
import re
from pathlib import Path

import ansible_test

source = Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
match = re.search(r"pip='([0-9.]+)'", source.read_text())
print(match.group(1) if match else '24.2')
PY
)
    cache_path="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
    mkdir -p "$(dirname "$cache_path")"
    if ! cmp -s "$repo_root/scripts/get_pip_standin.py" "$cache_path"; then
        cp "$repo_root/scripts/get_pip_standin.py" "$cache_path"
        echo "Installed the get-pip stand-in as $cache_path"
    fi
}

read_galaxy_name() {
    "$python" -c 'import sys, yaml; g = yaml.safe_load(open(sys.argv[1])); print(g["namespace"], g["name"])' \
        "$repo_root/galaxy.yml"
}

# Sanity findings are fixed in the code, never ignored.
for ignore_file in "$repo_root"/tests/sanity/ignore-*.txt; do
    if [[ -s "$ignore_file" ]]; then
        echo "ERROR: ${ignore_file#"$repo_root"/} must stay empty: fix the code instead of ignoring a finding."
        exit 1
    fi
done

install_get_pip_standin
read -r namespace name < <(read_galaxy_name)

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/${namespace}-${name}-sanity.XXXXXX")
trap 'rm -rf "$work_dir"' EXIT
collection_dir="$work_dir/ansible_collections/$namespace/$name"
mkdir -p "$collection_dir"

# Copy what git would commit (deleted-but-tracked files are skipped).
git -C "$repo_root" ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' path; do
        case "$path" in
            tests/output/* | .venv/* | .ansible/* | .cache/*) continue ;;
        esac
        if [[ -e "$repo_root/$path" || -L "$repo_root/$path" ]]; then
            printf '%s\0' "$path"
        fi
    done \
    | tar -C "$repo_root" --null --files-from=- -cf - \
    | tar -C "$collection_dir" -xf -

status=0
(cd "$collection_dir" && ansible-test sanity --local --python "$python_version" --color "$@") || status=$?

if [[ -d "$collection_dir/tests/output" ]]; then
    mkdir -p "$repo_root/tests/output"
    cp -r "$collection_dir/tests/output/." "$repo_root/tests/output/"
fi
exit "$status"
