#!/usr/bin/env bash
# tests/decode/tshark.t - cross-check the decoders against tshark on every
# capture of tests/golden/list that names packets to compare: session ID /
# VNI, GRE sequence, ERSPAN VLAN/COS/T/index/hwid/direction, innermost IP
# addresses and ports, and that no tunnel tshark decodes stays undecoded
# (tests/decode/tshark_cmp.py holds the rules). tshark takes about a second
# to start, so all captures are merged and read by one tshark run.
source "$(dirname "$0")/../lib.sh"
scratch
TOOLS=$MS_BUILD
[ -x "$TOOLS/decodedump" ] && [ -x "$TOOLS/mkpcap" ] || TOOLS=${MS_BUILD_ASAN:-$ROOT/build-asan}
DD=$TOOLS/decodedump
MK=$TOOLS/mkpcap
LIST=$TESTS_DIR/golden/list

for tool in tshark mergecap python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		fail "$tool" "$tool not installed (scripts/install-deps.sh installs it)"
		done_testing
	fi
done
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
# tshark wants a writable home for its profile; keep it in the scratch dir.
export HOME=$T_TMP

manifest=$T_TMP/manifest
: >"$manifest"
tsopts=""
compared=""
while read -r cap opts exp pkts ts; do
	[[ -z "$cap" || "$cap" == \#* ]] && continue
	[ "$pkts" = - ] && continue
	case $cap in
	corpus:*) f=$CORPUS/${cap#corpus:} ;;
	mk:*) f=$T_TMP/mk/${cap#mk:}.pcap ;;
	*) continue ;;
	esac
	o=${opts//+/ }
	[ "$opts" = - ] && o=""
	[ "$ts" != - ] && tsopts="$tsopts ${ts//+/ }"
	printf '%s\t%s\t%s\t%s\n' "${exp%.txt}" "$f" "$o" "$pkts" >>"$manifest"
	compared="$compared ${cap#corpus:mirror/}"
done <"$LIST"

# Results go to the private scratch directory first (runs of the suite in
# the same tree must not share files), then to $T_OUT for reading.
cmp=$T_TMP/cmp.out
python3 "$TESTS_DIR/decode/tshark_cmp.py" "$DD" --manifest "$manifest" "$T_TMP" \
	"$tsopts" >"$cmp" 2>&1
rc=$?
cp "$cmp" "$T_OUT/" 2>/dev/null
check_eq tshark_cmp_ran yes "$([ "$rc" -le 1 ] && echo yes || echo "no (rc $rc): $(head -c 300 "$cmp")")"
while IFS=$'\t' read -r name _rest; do
	if grep -qx "RESULT $name ok" "$cmp"; then
		pass "$name"
	else
		fail "$name" "$(grep "^$name: " "$cmp" | head -5 | tr '\n' ' ')"
	fi
done <"$manifest"
check_not_contains packet_total "$cmp" "^RESULT packet_total"

# Every corpus mirror capture was compared with tshark at least once.
missing=""
for f in "$CORPUS"/mirror/*; do
	[[ " $compared " == *" $(basename "$f") "* ]] || missing="$missing $(basename "$f")"
done
check_eq corpus_covered "" "$missing"
done_testing
