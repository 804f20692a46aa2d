#!/usr/bin/env bash
# verify/unit: the C unit cases of the health accumulator and the checks
# (tests/tools/verify_unit.c), from the ASan+UBSan build when there is one.
source "$(dirname "$0")/../lib.sh"
bin=${MS_BUILD_ASAN:-$MS_BUILD}/verify_unit
[ -x "$bin" ] || bin=$MS_BUILD/verify_unit
if [ ! -x "$bin" ]; then
	fail verify_unit "$bin not built"
	done_testing
fi
"$bin" >"$T_OUT/verify_unit.out" 2>"$T_OUT/verify_unit.err"
rc=$?
grep -E '^(PASS|FAIL) ' "$T_OUT/verify_unit.out"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$T_OUT/verify_unit.out"; then
	fail verify_unit "exit $rc: $(tail -c 300 "$T_OUT/verify_unit.err" | tr '\n' ' ')"
elif ! grep -q '^PASS ' "$T_OUT/verify_unit.out"; then
	fail verify_unit "no cases ran"
fi
done_testing
