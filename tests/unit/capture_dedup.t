#!/usr/bin/env bash
# tests/unit/capture_dedup.t - dedup on real captures, end to end.
#
# 1. A capture where every packet is followed 30 us later by a routed copy
#    (other MACs, an added VLAN tag, TTL - 1, another header checksum):
#    exactly half of the packets are duplicates, the flows and the
#    ACKed-unseen figure are those of the original.
# 2. Corpus captures that really hold SPAN duplicates (same IPv4 ID, µs
#    apart): the count equals an independent count made with tshark.
. "$(dirname "$0")/../lib.sh"
scratch

if ! command -v python3 >/dev/null; then
	skip capture_dedup "python3 missing"
	done_testing
fi

cat >"$T_TMP/dupcap.py" <<'EOF'
import struct, sys
src, out = sys.argv[1], sys.argv[2]
d = open(src, 'rb').read()
if d[:4] != b'\xd4\xc3\xb2\xa1':
    raise SystemExit('expected a little-endian microsecond pcap')
off, n = 24, 0
with open(out, 'wb') as f:
    f.write(d[:24])
    while off + 16 <= len(d):
        ts_s, ts_u, incl, orig = struct.unpack('<IIII', d[off:off + 16])
        fr = d[off + 16:off + 16 + incl]
        off += 16 + incl
        n += 1
        f.write(struct.pack('<IIII', ts_s, ts_u, len(fr), orig) + fr)
        c = bytearray(fr)
        if struct.unpack('>H', c[12:14])[0] == 0x0800:
            c[22] = (c[22] - 1) & 0xff   # TTL
            c[24] ^= 0x55                # header checksum
        c[0:6] = b'\x02\x00\x00\x00\x00\x99'
        c = c[:12] + b'\x81\x00\x00\x4d' + c[12:]
        u = ts_u + 30
        f.write(struct.pack('<IIII', ts_s + u // 1000000, u % 1000000,
                            len(c), orig + 4) + bytes(c))
print(n)
EOF

cap=$CORPUS/bench/iti_c37_pmu_clean.pcap
n=$(python3 "$T_TMP/dupcap.py" "$cap" "$T_TMP/doubled.pcap")
"$MS" read --json "$cap" >"$T_OUT/orig.json" 2>"$T_OUT/orig.err"
"$MS" read --json "$T_TMP/doubled.pcap" >"$T_OUT/doubled.json" 2>"$T_OUT/doubled.err"
check_eq routed_copies_removed "$n $n" \
	"$(jqv "$T_OUT/doubled.json" '.dedup.duplicates') $(jqv "$T_OUT/doubled.json" '.totals.unique')"
check_eq routed_copies_flows_unchanged \
	"$(jq -c '.flows | {created, tcp_acked_bytes, tcp_unseen_bytes}' "$T_OUT/orig.json")" \
	"$(jq -c '.flows | {created, tcp_acked_bytes, tcp_unseen_bytes}' "$T_OUT/doubled.json")"
check_eq no_dedup_keeps_copies "0" \
	"$("$MS" read --json --no-dedup "$T_TMP/doubled.pcap" 2>/dev/null | jq -r '.totals.duplicates')"

# Real SPAN duplicates: same addresses, IP ID, TCP sequence / UDP port and
# length within 10 ms (the default window).
for c in ot/iti_s7comm_clean ot/iti_S7-1511-opc-request-all-types bench/ndpi_1kxun; do
	f=$CORPUS/$c.pcap
	name=$(basename "$c")
	want=$(tshark -r "$f" -T fields -e frame.time_epoch -e ip.src -e ip.dst -e ip.id \
		-e tcp.seq_raw -e udp.srcport -e ip.len -e ipv6.src 2>/dev/null |
		awk -F'\t' '$2 != "" { k = $2" "$3" "$4" "$5" "$6" "$7" "$8
			if ((k in t) && $1 - t[k] <= 0.01) n++; else t[k] = $1 }
			END { print n + 0 }')
	got=$("$MS" read --json "$f" 2>/dev/null | jq -r '.dedup.duplicates')
	if [ -n "$want" ] && [ "$want" -gt 0 ] && [ "$want" == "$got" ]; then
		pass "span_duplicates_$name"
	else
		fail "span_duplicates_$name" "tshark count '$want', mirrorsense '$got'"
	fi
done
done_testing
