#!/usr/bin/env bash
# tests/unit/unit.t - run the C unit test programs (tests/unit/unit_*.c).
# Each prints its own PASS/FAIL lines (group unit) and exits non-zero on a
# failure. Programs come from the ASan+UBSan build when MS_BUILD_ASAN is set,
# else from the release build MS_BUILD.
. "$(dirname "$0")/../lib.sh"

dir=${MS_BUILD_ASAN:-$MS_BUILD}
for prog in unit_session unit_dedup unit_flow; do
	bin=$dir/$prog
	if [ ! -x "$bin" ]; then
		fail "$prog" "$bin not built"
		continue
	fi
	out=$T_OUT/$prog.out
	"$bin" >"$out" 2>"$T_OUT/$prog.err"
	rc=$?
	grep -E '^(PASS|FAIL|SKIP) ' "$out"
	npass=$(grep -c '^PASS ' "$out")
	nfail=$(grep -c '^FAIL ' "$out")
	# A crash, sanitizer report or a non-zero exit without a FAIL line.
	if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		fail "$prog" "exit $rc after $npass cases: $(tail -c 300 "$T_OUT/$prog.err" | tr '\n' ' ')"
	elif [ "$npass" -eq 0 ]; then
		fail "$prog" "no cases ran"
	fi
done
done_testing
