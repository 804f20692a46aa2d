#!/usr/bin/env bash
# tests/inventory/inventory.t - the device inventory end to end:
# `mirrorsense read --db` over real OT captures, `mirrorsense inventory`
# in text (golden file, reviewed by eye), JSON and CSV, device types with
# their evidence, merging of successive runs (the same capture twice gives
# the same inventory), SQLite schema / WAL, nDPI classification, VLANs and
# mirror sources, and the error exits.
. "$(dirname "$0")/../lib.sh"
OT=$CORPUS/ot
MIR=$CORPUS/mirror
EXP=$ROOT/tests/inventory/expected
scratch
DB=$T_TMP/inv.db
SET1=("$OT/iti_s7comm_reading_plc_status.pcap" "$OT/iti_EIP-RebootorRestart.pcap"
      "$OT/iti_modicon_test.pcap" "$OT/zeek_dnp3.pcap" "$OT/iti_ChangeIPUsingDCP.pcap"
      "$OT/iti_GOOSE.pcap" "$OT/sv_enip-alert_enip_test1.pcap")

# --- one run over several captures ---
check_rc read_db_rc 0 "$MS_BIN" read --db "$DB" "${SET1[@]}"
"$MS_BIN" inventory --db "$DB" >"$T_OUT/set1.txt" 2>"$T_TMP/err"
check_rc inventory_rc 0 "$MS_BIN" inventory --db "$DB"
if diff -u "$EXP/set1.txt" "$T_OUT/set1.txt" >"$T_TMP/diff"; then pass golden_text
else fail golden_text "$(head -c 600 "$T_TMP/diff")"; fi
"$MS_BIN" inventory --db "$DB" --json >"$T_TMP/j1.json"
check json_valid jq -e '.schema_version == 1' "$T_TMP/j1.json"

# Device types and their evidence.
t() { jq -r --arg m "$1" '.devices[] | select(.mac == $m) | .type + " | " + .evidence' "$T_TMP/j1.json"; }
check_eq type_s7_plc "plc | s7comm server" "$(t 00:1b:1b:23:eb:3b)"
check_eq type_engineering_ws "engineering-workstation | opens S7 PG (programming) connections" "$(t 90:e6:ba:84:5e:41)"
check_eq type_enip_plc "plc | enip server" "$(t 00:00:bc:3e:eb:e4)"
check_eq type_modbus_plc "plc | modbus server" "$(t 00:00:54:14:f2:4f)"
check_eq type_modbus_client "hmi-scada-client | modbus client" "$(t 3c:97:0e:91:54:ab)"
check_eq type_dnp3_rtu "rtu | dnp3 outstation" "$(t 00:42:15:69:87:25)"
check_eq type_dnp3_master "hmi-scada-client | dnp3 master" "$(t 00:16:cb:8e:3f:0b)"
check_eq type_switch_stp "switch | stp bridge" "$(t 00:1e:f6:73:59:81)"
check_eq type_goose_ied "ied | goose publisher" "$(t 00:a0:f4:08:2f:77)"
check_eq type_profinet_device "field-device | profinet io-device" "$(t 08:00:06:93:cf:32)"

# Identity fields, vendor (IEEE OUI registry), IPs.
check_eq s7_identity "6ES7 151-8AB01-0AB0|V3.2.6|0|2" \
	"$(jq -r '.devices[] | select(.mac == "00:1b:1b:23:eb:3b") | .identity |
	   [.order_number, .firmware, .rack, .slot] | join("|")' "$T_TMP/j1.json")"
check_eq enip_identity "1756-ENBT/A|1|58" \
	"$(jq -r '.devices[] | select(.mac == "e4:aa:ea:a9:25:2f") | .identity |
	   [.product, .vendor_id, .product_code] | join("|")' "$T_TMP/j1.json")"
check_eq oui_vendor "Rockwell Automation" \
	"$(jq -r '.devices[] | select(.mac == "00:00:bc:3e:eb:e4") | .vendor' "$T_TMP/j1.json")"
check_eq device_ip "192.168.1.40" \
	"$(jq -r '.devices[] | select(.mac == "00:1b:1b:23:eb:3b") | .ips | join(",")' "$T_TMP/j1.json")"
check_eq roles_listed "server" \
	"$(jq -r '.devices[] | select(.mac == "00:1b:1b:23:eb:3b") | .protocols[] |
	   select(.name == "s7comm") | .roles | join(",")' "$T_TMP/j1.json")"
check_eq conversation_matrix "modbus|191" \
	"$(jq -r '.conversations[] | select(.a == "192.168.63.100" and .b == "192.168.63.253") |
	   (.protocols | join(",")) + "|" + (.packets | tostring)' "$T_TMP/j1.json")"

# CSV: one row per device, one per conversation.
ndev=$(jq '.devices | length' "$T_TMP/j1.json")
nconv=$(jq '.conversations | length' "$T_TMP/j1.json")
"$MS_BIN" inventory --db "$DB" --csv >"$T_TMP/d.csv"
check_eq csv_header "mac,vendor,type,evidence,ips,vlans,protocols,identity,mirror_sources,first_seen,last_seen,packets,bytes" \
	"$(head -1 "$T_TMP/d.csv")"
check_eq csv_rows "$ndev" "$(($(wc -l <"$T_TMP/d.csv") - 1))"
"$MS_BIN" inventory --db "$DB" --csv --conversations >"$T_TMP/c.csv"
check_eq csv_conv_rows "$nconv" "$(($(wc -l <"$T_TMP/c.csv") - 1))"

# --- merging ---
check_rc read_again_rc 0 "$MS_BIN" read --db "$DB" "${SET1[@]}"
"$MS_BIN" inventory --db "$DB" --json >"$T_TMP/j2.json"
check merge_same_capture_twice_identical cmp -s "$T_TMP/j1.json" "$T_TMP/j2.json"
"$MS_BIN" read --db "$DB" "$OT/iti_modicon_test.pcap" >/dev/null
"$MS_BIN" inventory --db "$DB" --json >"$T_TMP/j3.json"
check merge_subset_again_identical cmp -s "$T_TMP/j1.json" "$T_TMP/j3.json"
"$MS_BIN" read --db "$DB" "$OT/iti_Sample_File_GOOSE.pcap" >/dev/null
"$MS_BIN" read --db "$T_TMP/only.db" "$OT/iti_Sample_File_GOOSE.pcap" >/dev/null
want=$(( ndev + $(jq --slurpfile a "$T_TMP/j1.json" \
	'[.devices[].mac] - [$a[0].devices[].mac] | length' <("$MS_BIN" inventory --db "$T_TMP/only.db" --json)) ))
check_eq merge_new_capture_union "$want" "$("$MS_BIN" inventory --db "$DB" --json | jq '.devices | length')"
check_eq merge_no_duplicate_rows "$want" "$(sqlite3 "$DB" 'SELECT count(*) FROM devices')"

# --- storage ---
check_eq schema_version 1 "$(sqlite3 "$DB" 'PRAGMA user_version')"
check_eq wal_mode wal "$(sqlite3 "$DB" 'PRAGMA journal_mode')"
# A reader holding a read transaction does not stop the sensor's writes (WAL).
python3 - "$DB" "$MS_BIN" "$OT/zeek_dnp3_udp_read.pcap" >"$T_TMP/wal" 2>&1 <<'PY'
import sqlite3, subprocess, sys
db, ms, cap = sys.argv[1:4]
r = sqlite3.connect(db, isolation_level=None)
r.execute("BEGIN")
before = r.execute("SELECT count(*) FROM devices").fetchone()[0]
rc = subprocess.run([ms, "read", "--db", db, cap], stdout=subprocess.DEVNULL, timeout=60).returncode
still = r.execute("SELECT count(*) FROM devices").fetchone()[0]
r.execute("COMMIT")
after = r.execute("SELECT count(*) FROM devices").fetchone()[0]
print(rc, before == still, after > before)
PY
check_eq concurrent_reader_wal "0 True True" "$(cat "$T_TMP/wal")"

# --- nDPI, VLANs, mirror sources ---
"$MS_BIN" read --db "$T_TMP/v.db" "$MIR/zeek_http-vlan-0.pcap" "$MIR/zeek_erspanII.pcap" "$MIR/zeek_icmp_dot1q.pcap" >/dev/null
"$MS_BIN" inventory --db "$T_TMP/v.db" --json >"$T_TMP/v.json"
check ndpi_classifies_http jq -e '[.conversations[].protocols[]] | index("http")' "$T_TMP/v.json"
check vlan_recorded jq -e '[.devices[].vlans[]] | index(123) != null' "$T_TMP/v.json"
check erspan_source_recorded jq -e '[.devices[].mirror_sources[]] | map(test("^erspan2 [0-9.]+ session [0-9]+$")) | any' "$T_TMP/v.json"

# --- OPC UA on a non-default port: recognised by its Hello, then followed on the flow ---
"$MS_BIN" read --db "$T_TMP/o.db" "$OT/iti_opc-ua-ap-method-wireshark-freeze.pcap" >/dev/null
"$MS_BIN" inventory --db "$T_TMP/o.db" --json >"$T_TMP/o.json"
check_eq opcua_flow_followed "opcua|90" \
	"$(jq -r '.conversations[0] | (.protocols | join(",")) + "|" + (.packets | tostring)' "$T_TMP/o.json")"
check_eq opcua_endpoint_on_server "opc.tcp://vm-xp-steven:12001/UA/StackTestServer" \
	"$(jq -r '.devices[] | select(.mac == "00:0c:29:a0:86:e6") | .identity.endpoint_url' "$T_TMP/o.json")"

# --- DNS answers name the device that uses the address (written here:
# an ARP from 198.51.100.10, then a DNS answer naming it) ---
python3 - "$T_TMP/dns.pcap" <<'PY'
import struct, sys
def eth(dst, src, t, body): return bytes.fromhex(dst + src) + struct.pack(">H", t) + body
arp = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + bytes.fromhex("02000000000a") + bytes([198, 51, 100, 10]) \
    + bytes(6) + bytes([198, 51, 100, 1])
name = b"".join(bytes([len(l)]) + l for l in b"plc1.example.net".split(b".")) + b"\0"
dns = struct.pack(">HHHHHH", 9, 0x8180, 1, 1, 0, 0) + name + struct.pack(">HH", 1, 1) \
    + b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + bytes([198, 51, 100, 10])
udp = struct.pack(">HHHH", 53, 40000, 8 + len(dns), 0) + dns
ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 bytes([198, 51, 100, 53]), bytes([198, 51, 100, 20])) + udp
frames = [eth("ffffffffffff", "02000000000a", 0x0806, arp + bytes(18)),
          eth("020000000014", "020000000035", 0x0800, ip)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)
PY
"$MS_BIN" read --db "$T_TMP/dns.db" "$T_TMP/dns.pcap" >/dev/null
want=$(tshark -r "$T_TMP/dns.pcap" -Y 'dns.a == 198.51.100.10' -T fields -e dns.resp.name 2>/dev/null)
check_eq dns_answer_names_device "$want" \
	"$("$MS_BIN" inventory --db "$T_TMP/dns.db" --json | jq -r '.devices[] | select(.mac == "02:00:00:00:00:0a") | .identity.dns_name')"

# --- parser events reach the read summary (--json "events") ---
"$MS_BIN" read --db "$T_TMP/e.db" --json "$OT/zeek_modbus-and-non-modbus-p502.pcap" >"$T_TMP/e.json"
check_eq summary_has_proto_events 11 "$(jq -r '.events["proto.modbus.malformed"]' "$T_TMP/e.json")"

# --- the verify report: devices, types and OT protocols per subnet ---
"$MS_BIN" verify --json --db "$T_TMP/vr.db" "$OT/iti_modicon_test.pcap" >"$T_TMP/vr.json" 2>/dev/null
check_eq verify_subnet_inventory "2|plc 1, hmi-scada-client 1|modbus" \
	"$(jq -r '.deployment.subnets[] | select(.inventory) | .inventory |
	   (.devices | tostring) + "|" + .types + "|" + .ot_protocols' "$T_TMP/vr.json")"

# --- errors ---
check_rc missing_db_66 66 "$MS_BIN" inventory --db "$T_TMP/nope.db"
echo "not a database" >"$T_TMP/junk.db"
check_rc junk_db_65 65 "$MS_BIN" inventory --db "$T_TMP/junk.db"
check_rc json_and_csv_64 64 "$MS_BIN" inventory --db "$DB" --json --csv
check_rc unwritable_db_74 74 "$MS_BIN" read --db /proc/nonexistent/inv.db "$OT/iti_GOOSE.pcap"

done_testing
