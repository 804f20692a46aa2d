#!/usr/bin/env bash
# tests/run.sh [PATTERN] - run every tests/*/*.t script (or those whose path
# matches PATTERN), print their result lines, then "N passed, N failed".
set -u
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
cd "$TESTS_DIR/.." || exit 2
pattern=${1:-}
log=$(mktemp)
start=$(date +%s)
for t in $(ls tests/*/*.t | sort); do
	[ -n "$pattern" ] && [[ "$t" != *$pattern* ]] && continue
	t0=$(date +%s)
	# Each script gets a hard time limit so one hang cannot stall the suite.
	timeout -k 10 ${MS_TEST_TIMEOUT:-600} bash "$t" 2>"$log.err" | tee -a "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ] && ! grep -q "^FAIL ${t#tests/}" "$log" 2>/dev/null; then
		name=${t#tests/}; name=${name%.t}
		echo "FAIL $name/script: exited $rc; stderr tail: $(tail -c 400 "$log.err" | tr '\n' ' ')" | tee -a "$log"
	fi
	echo "     ($t: $(( $(date +%s) - t0 ))s)"
done
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
skipped=$(grep -c '^SKIP ' "$log")
if [ "$failed" -gt 0 ]; then
	echo; echo "failures:"; grep '^FAIL ' "$log" | sed 's/^/  /'
fi
echo "suite time: $(( $(date +%s) - start ))s"
echo "$passed passed, $failed failed, $skipped skipped"
rm -f "$log" "$log.err"
[ "$failed" -eq 0 ]
