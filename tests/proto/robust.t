#!/usr/bin/env bash
# tests/proto/robust.t - malformed and truncated OT messages are counted
# events, never a crash: every capture of the OT corpus, hostile generated
# traffic on every registered port / EtherType (gen_hostile.py, fixed
# seeds) and captures cut by a small snap length go through the ASan/UBSan
# build of protodump and of `mirrorsense read --db` (parsers + inventory).
. "$(dirname "$0")/../lib.sh"
PD=${MS_BUILD_ASAN:-$ROOT/build-asan}/protodump
[ -x "$PD" ] || PD=$MS_BUILD/protodump
OT=$CORPUS/ot
scratch

clean() { ! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehavior' "$1"; }

# 1. Every OT capture: exit 0, no sanitizer report.
bad=""
for f in "$OT"/*; do
	"$PD" "$f" >/dev/null 2>"$T_TMP/err" && clean "$T_TMP/err" || bad="$bad $(basename "$f")"
done
check_eq corpus_no_crash "" "$bad"

# 2. Known malformed traffic is counted under its parser's name, exactly.
"$PD" "$OT/zeek_modbus-and-non-modbus-p502.pcap" >"$T_TMP/m"
check_eq non_modbus_on_502_counted "# event proto.modbus.malformed 11" "$(grep '^# event' "$T_TMP/m")"
"$PD" "$OT/iti_TestDissectIec104.pcap" >"$T_TMP/i"
check_eq iec104_bad_apdus_counted "# event proto.iec104.malformed 17" "$(grep '^# event' "$T_TMP/i")"

# 3. Hostile generated traffic: parsers and the inventory survive, and
# every parser's malformed counter moved.
for seed in 1 2; do
	python3 "$ROOT/tests/proto/gen_hostile.py" "$T_TMP/h$seed.pcap" "$seed"
	"$PD" "$T_TMP/h$seed.pcap" >"$T_TMP/h$seed.out" 2>"$T_TMP/err"
	rc=$?
	if [ $rc -eq 0 ] && clean "$T_TMP/err"; then pass "hostile_protodump_seed$seed"
	else fail "hostile_protodump_seed$seed" "exit $rc: $(head -c 300 "$T_TMP/err")"; fi
	"$MS_BIN" read --db "$T_TMP/h$seed.db" "$T_TMP/h$seed.pcap" >/dev/null 2>"$T_TMP/err"
	rc=$?
	if [ $rc -eq 0 ] && clean "$T_TMP/err"; then pass "hostile_inventory_seed$seed"
	else fail "hostile_inventory_seed$seed" "exit $rc: $(head -c 300 "$T_TMP/err")"; fi
done
missing=""
for p in modbus dnp3 iso enip cipio bacnet iec104 goose profinet opcua fins melsec hartip \
	 arp dhcp dns nbns lldp cdp stp; do
	grep -q "^# event proto.$p.malformed [1-9]" "$T_TMP/h1.out" "$T_TMP/h2.out" || missing="$missing $p"
done
check_eq hostile_every_parser_counts "" "$missing"
check rc_inventory_after_hostile "$MS_BIN" inventory --db "$T_TMP/h1.db" --json

# 4. Captures cut by the snap length: "truncated", not "malformed".
editcap -s 70 "$OT/sv_enip-alert_enip_test1.pcap" "$T_TMP/cut.pcap" >/dev/null 2>&1
"$PD" "$T_TMP/cut.pcap" >"$T_TMP/cut.out" 2>"$T_TMP/err"
if clean "$T_TMP/err" && grep -q '^# event proto.truncated [1-9]' "$T_TMP/cut.out" &&
   ! grep -q 'proto.enip.malformed' "$T_TMP/cut.out"; then pass snaplen_cut_is_truncated
else fail snaplen_cut_is_truncated "$(grep '^#' "$T_TMP/cut.out" | tr '\n' ' ')"; fi
editcap -s 64 "$OT/icsnpp-s7comm_s7ident.pcap" "$T_TMP/cut2.pcap" >/dev/null 2>&1
"$PD" "$T_TMP/cut2.pcap" >/dev/null 2>"$T_TMP/err"
check snaplen_cut_s7_no_crash clean "$T_TMP/err"

done_testing
