#!/usr/bin/env bash
# The main job: apply playbooks/vars/example.yml with playbooks/configure.yml, twice, to show that the
# second run changes nothing. Against the bundled Harbor emulator by default, or against a real
# Harbor when HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD (and HARBOR_CA_PATH) are set.
#   CONFIG=my_harbor.yml scripts/demo.sh     applies your own variables file instead of the example
set -euo pipefail
cd "$(dirname "$0")/.."
config=${CONFIG:-playbooks/vars/example.yml}
collections=$(python3 -c 'import conftest; print(conftest.COLLECTIONS_ROOT)')
export ANSIBLE_COLLECTIONS_PATH="$collections" ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0

emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if [ -z "${HARBOR_URL:-}" ]; then
  state_dir=$(mktemp -d)
  python3 -m tests.harbor_emulator --port 0 --admin-password Harbor12345 --state-dir "$state_dir" > "$state_dir/start.json" &
  emulator_pid=$!
  for _ in $(seq 100); do [ -s "$state_dir/start.json" ] && break; sleep 0.1; done
  HARBOR_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$state_dir/start.json")
  export HARBOR_URL HARBOR_USERNAME=admin HARBOR_PASSWORD=Harbor12345
  echo "Harbor emulator at $HARBOR_URL (set HARBOR_URL, HARBOR_USERNAME, HARBOR_PASSWORD to use a real Harbor)"
else
  echo "Using Harbor at $HARBOR_URL"
fi

inventory=playbooks/inventory.ini
if [ -z "$emulator_pid" ]; then
  # A real Harbor: show what would change first, and write only when asked to
  echo "== check run (--check --diff): nothing is written to $HARBOR_URL =="
  ansible-playbook -i "$inventory" playbooks/configure.yml -e "@$config" --check --diff
  if [ "${HARBOR_DEMO_APPLY:-}" != yes ]; then
    if [ -t 0 ]; then
      read -r -p "Apply $config to $HARBOR_URL now (it creates and changes what the check run listed)? [yes/no] " answer
    else
      answer=no
    fi
    if [ "$answer" != yes ]; then
      echo "Nothing was written. HARBOR_DEMO_APPLY=yes make demo applies it without asking."
      exit 0
    fi
  fi
fi
for run in first second; do
  echo "== $run run =="
  ansible-playbook -i "$inventory" playbooks/configure.yml -e "@$config" | tee "/tmp/harbor_ops_demo_$run.log"
done
if grep -Eq 'changed=[1-9]' /tmp/harbor_ops_demo_second.log; then
  echo "The second run changed something: the configuration did not converge" >&2
  exit 1
fi
echo "Converged: the second run changed nothing."
