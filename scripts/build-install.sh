#!/usr/bin/env bash
# Build the collection tarball, install it into a throwaway collections path, and
# check that `ansible-doc` renders the documentation of every module in
# plugins/modules from the installed copy. Fails if any of these steps fails.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/collection-build.XXXXXX")
trap 'rm -rf "$work_dir"' EXIT

read -r namespace name < <("$python" -c \
    'import sys, yaml; g = yaml.safe_load(open(sys.argv[1])); print(g["namespace"], g["name"])' \
    "$repo_root/galaxy.yml")

ansible-galaxy collection build "$repo_root" --output-path "$work_dir/dist"
tarball=$(find "$work_dir/dist" -name "${namespace}-${name}-*.tar.gz" -print -quit)
# The artifact must carry what ansible-builder reads, and none of the local caches.
contents=$(tar -tzf "$tarball")
for needed in meta/runtime.yml meta/execution-environment.yml requirements.txt bindep.txt; do
    if ! grep -qx "$needed" <<<"$contents"; then
        echo "The built collection lacks $needed (see build_ignore in galaxy.yml)."
        exit 1
    fi
done
if stray=$(grep -E '^(\.ansible|\.cache|\.venv|tests/output)/' <<<"$contents"); then
    echo "The built collection holds local cache files; add them to build_ignore in galaxy.yml:"
    echo "$stray" | head -20
    exit 1
fi

ANSIBLE_COLLECTIONS_PATH="$work_dir/collections" \
    ansible-galaxy collection install --offline --force -p "$work_dir/collections" "$tarball"

# Modules are listed from the source tree, so one left out of the build fails too.
mapfile -t modules < <(find "$repo_root/plugins/modules" -maxdepth 1 -name '*.py' ! -name '__init__.py' \
    -printf '%f\n' 2>/dev/null | sed 's/\.py$//' | sort)

if ((${#modules[@]} == 0)); then
    echo "No modules in plugins/modules: nothing to render."
    exit 0
fi

failed=()
for module in "${modules[@]}"; do
    fqcn="$namespace.$name.$module"
    # ansible-doc exits 0 with only a warning for a module it cannot load, so a
    # render counts only if it exits 0, prints nothing on stderr and names the module.
    if output=$(ANSIBLE_COLLECTIONS_PATH="$work_dir/collections" ANSIBLE_NOCOLOR=1 \
        ansible-doc -t module "$fqcn" 2>"$work_dir/stderr") \
        && [[ ! -s "$work_dir/stderr" ]] && grep -q "$fqcn" <<<"$output"; then
        echo "ok      ansible-doc $fqcn"
    else
        echo "FAILED  ansible-doc $fqcn"
        cat "$work_dir/stderr"
        failed+=("$fqcn")
    fi
done

echo "Rendered $((${#modules[@]} - ${#failed[@]})) of ${#modules[@]} module docs."
if ((${#failed[@]})); then
    echo "Docs that did not render: ${failed[*]}"
    exit 1
fi
