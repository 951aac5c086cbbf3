#!/usr/bin/env bash
# Install the Debian packages bindep.txt lists for this platform (the test suite's
# docker-registry, skopeo, postgresql, shellcheck) when some are missing. Needs root
# and apt-get; anywhere else it says what is missing and leaves the machine alone.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    exit 0
fi

# bindep lines look like `name [platform:dpkg test]`; read the dpkg ones without
# needing bindep itself on the machine.
mapfile -t wanted < <(awk '!/^[[:space:]]*#/ && /platform:dpkg/ { print $1 }' "$repo_root/bindep.txt")

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

if ((EUID != 0)); then
    echo "Not root: skipped installing missing Debian packages: ${missing[*]}"
    exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
