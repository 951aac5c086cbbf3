#!/usr/bin/env bash
# Run every check (pytest over tests/, lint, ansible-test sanity, build and install),
# even after one fails; print a summary with each stage's result and duration; exit
# non-zero if any stage failed or if pytest ran no test at all.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
python=${PYTHON:-python3}

junit_xml="$repo_root/tests/output/junit/pytest.xml"
summary=()
failed=0

run_stage() {
    local name=$1 started status
    shift
    echo
    echo "===== $name: $*"
    started=$SECONDS
    status=0
    "$@" || status=$?
    if ((status == 0)); then
        summary+=("$(printf '%-10s ok      %4ds' "$name" $((SECONDS - started)))")
    else
        summary+=("$(printf '%-10s FAILED  %4ds  (exit %d)' "$name" $((SECONDS - started)) "$status")")
        failed=1
    fi
}

pytest_counts() {
    "$python" - "$junit_xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    sys.exit(1)
suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
total = sum(int(s.get('tests', 0)) for s in suites)
failed = sum(int(s.get('failures', 0)) + int(s.get('errors', 0)) for s in suites)
skipped = sum(int(s.get('skipped', 0)) for s in suites)
print(total - failed - skipped, failed, skipped)
PY
}

# pytest exits 5 when it collects nothing, a failed stage here; a run whose every
# test was skipped fails too (checked from the JUnit report below).
rm -f "$junit_xml"
# Two pytest-xdist workers (PYTEST_WORKERS to change it; 0 runs in this process): most time goes to
# ansible-playbook runs, which use one core each. --dist loadfile keeps every file on one worker, in order:
# some files share a module-scoped site whose tests build on each other, or run molecule scenarios.
run_stage pytest "$python" -m pytest tests -n "${PYTEST_WORKERS:-2}" --dist loadfile --junitxml="$junit_xml"
run_stage lint scripts/lint.sh
run_stage sanity scripts/ansible-test-sanity.sh
run_stage build scripts/build-install.sh

echo
echo "===== summary"
printf '%s\n' "${summary[@]}"
if counts=$(pytest_counts); then
    read -r passed pytest_failed skipped <<<"$counts"
    echo "pytest: $passed passed, $pytest_failed failed, $skipped skipped"
    if ((passed == 0)); then
        echo "pytest ran no test that passed: counted as a failure."
        failed=1
    fi
else
    echo "pytest: no result file ($junit_xml)"
    failed=1
fi

if ((failed)); then
    echo "RESULT: FAILED"
else
    echo "RESULT: all checks passed"
fi
exit "$failed"
