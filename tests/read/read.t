#!/usr/bin/env bash
# read: the summary, JSON, clean pcap out, several inputs, stdin, dedup, tunnel rules.
source "$(dirname "$0")/../lib.sh"
scratch
M=$CORPUS/mirror

# ERSPAN II: sessions with sequence numbers, no loss in a clean capture.
$MS read --json "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/e2.json"
check_eq erspan2-transport erspan2 "$(jqv "$T_TMP/e2.json" '.sessions[0].transport')"
check_eq erspan2-packets 16 "$(jqv "$T_TMP/e2.json" '.totals.packets')"
check_eq erspan2-frames 16 "$(jqv "$T_TMP/e2.json" '.totals.frames')"
check_eq erspan2-seq-carried "$(jqv "$T_TMP/e2.json" '[.sessions[].packets]|add')" \
	"$(jqv "$T_TMP/e2.json" '[.sessions[].seq_packets]|add')"
check_eq erspan2-encap-count 16 "$(jqv "$T_TMP/e2.json" '.encapsulations.erspan2')"
check_eq erspan2-accept-all true "$(jqv "$T_TMP/e2.json" '.tunnel_termination.accept_all')"

# The text summary names every section a person looks for.
$MS read "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/e2.txt"
for sec in Inputs Totals "Tunnel termination" Encapsulations "Mirror sessions" VLANs Duplicates Flows "Decoder and stage events"; do
	check_contains "text-section-${sec// /-}" "$T_TMP/e2.txt" "^$sec"
done
check_contains text-accept-all "$T_TMP/e2.txt" "accepting every ERSPAN"

# -w: the original frames, readable by tshark, one per unique frame, no GRE left.
$MS read --json -w "$T_TMP/clean.pcap" "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/w.json"
n=$(tshark -r "$T_TMP/clean.pcap" 2>/dev/null | wc -l)
check_eq write-frames "$(jqv "$T_TMP/w.json" '.totals.unique')" "$n"
check_eq write-no-gre 0 "$(tshark -r "$T_TMP/clean.pcap" -Y gre 2>/dev/null | wc -l)"
check_eq write-count-json "$(jqv "$T_TMP/w.json" '.totals.written')" "$n"

# -w - : pcap on standard output only when nothing else is printed there.
check_rc write-stdout-needs-quiet 64 $MS read -w - "$M/tcpdump_erspan-type-ii-2.pcap"
check_rc write-stdout-not-with-packets 64 $MS read --quiet --packets -w - "$M/tcpdump_erspan-type-ii-2.pcap"
n=$($MS read --quiet -w - "$M/tcpdump_erspan-type-ii-2.pcap" | tshark -r - 2>/dev/null | wc -l)
check_eq write-stdout-frames "$(jqv "$T_TMP/w.json" '.totals.unique')" "$n"

# VXLAN: VNI as the session id.
$MS read --json "$M/sv_vxlan-decoder-02_vxlan.pcap" > "$T_TMP/vx.json"
check_eq vxlan-transport vxlan "$(jqv "$T_TMP/vx.json" '.sessions[0].transport')"
check_eq vxlan-vni "$(tshark -r "$M/sv_vxlan-decoder-02_vxlan.pcap" -T fields -e vxlan.vni 2>/dev/null | sort -u | head -1)" \
	"$(jqv "$T_TMP/vx.json" '.sessions[0].id')"

# Several files merged by timestamp, and stdin.
$MS read --json "$M/zeek_erspanII.pcap" "$M/zeek_erspanIII.pcap" > "$T_TMP/two.json"
check_eq merge-inputs 2 "$(jqv "$T_TMP/two.json" '.inputs|length')"
check_eq merge-packets 6 "$(jqv "$T_TMP/two.json" '.totals.packets')"
check_eq merge-time-order 0 "$(jqv "$T_TMP/two.json" '.totals.ts_backwards')"
$MS read --json - < "$M/zeek_erspanII.pcap" > "$T_TMP/stdin.json"
check_eq stdin-packets 4 "$(jqv "$T_TMP/stdin.json" '.totals.packets')"
check_eq stdin-name stdin "$(jqv "$T_TMP/stdin.json" '.inputs[0].name')"

# Every packet twice (as SPAN of both ports a packet crosses): dedup removes exactly half.
# interleave: each packet followed at once by its copy
python3 - "$CORPUS/ot/sv_modbus_modbus.pcap" "$T_TMP/interleaved.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
out = bytearray(d[:24]); off = 24
while off + 16 <= len(d):
    incl = struct.unpack('<I', d[off+8:off+12])[0]
    rec = d[off:off+16+incl]
    out += rec + rec
    off += 16 + incl
open(sys.argv[2], 'wb').write(out)
PY
$MS read --json "$T_TMP/interleaved.pcap" > "$T_TMP/dup.json"
check_eq dedup-half 99 "$(jqv "$T_TMP/dup.json" '.totals.duplicates')"
check_eq dedup-unique 99 "$(jqv "$T_TMP/dup.json" '.totals.unique')"
$MS read --json --no-dedup "$T_TMP/interleaved.pcap" > "$T_TMP/nodup.json"
check_eq no-dedup-keeps-all 0 "$(jqv "$T_TMP/nodup.json" '.totals.duplicates')"
check_eq no-dedup-unique 198 "$(jqv "$T_TMP/nodup.json" '.totals.unique')"

# Tunnel rules: refuse sessions not listed, and say so.
sid=$(jqv "$T_TMP/e2.json" '.sessions[0].id')
other=$(( sid == 1023 ? 1022 : sid + 1 ))
$MS read --json --erspan-session "$other" "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/rej.json"
check_eq rules-refused 16 "$(jqv "$T_TMP/rej.json" '.totals.rejected')"
check_eq rules-not-accept-all false "$(jqv "$T_TMP/rej.json" '.tunnel_termination.accept_all')"
$MS read --json --erspan-session "$sid" "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/acc.json"
check_eq rules-accepted 0 "$(jqv "$T_TMP/acc.json" '.totals.rejected')"
$MS read --erspan-session "$other" "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/rej.txt"
check_contains rules-text "$T_TMP/rej.txt" "accepting only ERSPAN sessions $other; refused 16"

# BPF filter on the outer packet.
$MS read --json -f "icmp" "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/bpf.json"
check_eq bpf-outer-filter 0 "$(jqv "$T_TMP/bpf.json" '.totals.packets')"
$MS read --json -f "proto gre" "$M/tcpdump_erspan-type-ii-2.pcap" > "$T_TMP/bpf2.json"
check_eq bpf-gre 16 "$(jqv "$T_TMP/bpf2.json" '.totals.packets')"

# RSPAN: the named VLAN is stripped and becomes the session.
vl=$(tshark -r "$M/zeek_icmp_dot1q.pcap" -T fields -e vlan.id 2>/dev/null | head -1)
$MS read --json --rspan-vlan "$vl" "$M/zeek_icmp_dot1q.pcap" > "$T_TMP/rspan.json"
check_eq rspan-transport rspan "$(jqv "$T_TMP/rspan.json" '.sessions[0].transport')"
check_eq rspan-id "$vl" "$(jqv "$T_TMP/rspan.json" '.sessions[0].id')"
done_testing
