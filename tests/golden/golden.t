#!/usr/bin/env bash
# tests/golden/golden.t - decoder golden files: every capture in
# tests/golden/list (each $CORPUS/mirror capture, plus the crafted captures
# tests/tools/mkpcap writes) goes through decodedump --stats, and the output
# must equal tests/golden/expected/NAME byte for byte.
# MS_UPDATE_GOLDEN=1 rewrites the expected files (review them before
# committing). Uses the ASan+UBSan test tools when they were built.
source "$(dirname "$0")/../lib.sh"
scratch
TOOLS=${MS_BUILD_ASAN:-$ROOT/build-asan}
[ -x "$TOOLS/decodedump" ] && [ -x "$TOOLS/mkpcap" ] || TOOLS=$MS_BUILD
DD=$TOOLS/decodedump
MK=$TOOLS/mkpcap
LIST=$TESTS_DIR/golden/list
EXP=$TESTS_DIR/golden/expected

if [ ! -x "$DD" ] || [ ! -x "$MK" ]; then
	fail tools "decodedump/mkpcap not built in $TOOLS"
	done_testing
fi
if [ ! -d "$CORPUS/mirror" ]; then
	skip corpus "no corpus at $CORPUS"
	done_testing
fi
mkdir -p "$T_TMP/mk"
check_rc mkpcap 0 "$MK" "$T_TMP/mk"

while read -r cap opts exp _rest; do
	[[ -z "$cap" || "$cap" == \#* ]] && continue
	case $cap in
	corpus:*) f=$CORPUS/${cap#corpus:} ;;
	mk:*) f=$T_TMP/mk/${cap#mk:}.pcap ;;
	*) fail "list" "bad capture '$cap'"; continue ;;
	esac
	o=${opts//+/ }
	[ "$opts" = - ] && o=""
	name=${exp%.txt}
	# Work in the private scratch directory (runs of the suite in the same
	# tree must not share files); keep what failed under $T_OUT.
	out=$T_TMP/$exp
	# shellcheck disable=SC2086
	"$DD" "$f" $o --stats >"$out" 2>"$T_TMP/$name.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		cp "$T_TMP/$name.err" "$T_OUT/" 2>/dev/null
		fail "$name" "decodedump exited $rc: $(tail -c 300 "$T_TMP/$name.err" | tr '\n' ' ')"
		continue
	fi
	if [ -n "${MS_UPDATE_GOLDEN:-}" ]; then
		cp "$out" "$EXP/$exp"
		pass "$name"
		continue
	fi
	if [ ! -f "$EXP/$exp" ]; then
		fail "$name" "no expected file $EXP/$exp"
	elif diff -u "$EXP/$exp" "$out" >"$T_TMP/$name.diff"; then
		pass "$name"
	else
		cp "$out" "$T_TMP/$name.diff" "$T_OUT/" 2>/dev/null
		fail "$name" "output differs: $(head -c 400 "$T_TMP/$name.diff" | tr '\n' ' ')"
	fi
done <"$LIST"

# Every mirror capture of the corpus has a golden case.
missing=""
for f in "$CORPUS"/mirror/*; do
	grep -q "^corpus:mirror/$(basename "$f") " "$LIST" || missing="$missing $(basename "$f")"
done
check_eq corpus_covered "" "$missing"
done_testing
