#!/usr/bin/env bash
# mirror/encaps: every --to form at once (--copy) from a mirror on a0;
# tshark decodes each encapsulation with the right fields and no expert
# warnings, the kernel's own VXLAN device receives the VXLAN copies, span
# and rspan ports deliver the original frames (rspan with the added tag),
# and the sequence numbers have no gap.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"
is_root || { skip setup "needs root for network namespaces"; done_testing; }
mt_setup || { fail setup "namespaces"; done_testing; }

# span / rspan ports towards S, and the kernel's VXLAN device in S.
mt_veth "$NA" x0 "$NS" x1
mt_veth "$NA" r0 "$NS" r1
ip -n "$NS" link add vx0 type vxlan id 42 dstport 4789 local 198.51.100.2 dev s0
ip -n "$NS" link set vx0 up

mt_cap_start s0 "$NS" s0 || fail setup "tcpdump s0"
mt_cap_start vx0 "$NS" vx0 || fail setup "tcpdump vx0"
mt_cap_start x1 "$NS" x1 || fail setup "tcpdump x1"
mt_cap_start r1 "$NS" r1 || fail setup "tcpdump r1"
mt_cap_start b0 "$NB" b0 || fail setup "tcpdump b0"

N=20 # frames each way: N from B (rx on a0), N from A (tx on a0)
mt_mirror_start -i a0 --copy \
	--to 'erspan2://198.51.100.9?session=5&index=7' \
	--to 'erspan3://198.51.100.9?session=6&hwid=3&gra=100ns' \
	--to 'gre://198.51.100.9?key=9' \
	--to 'vxlan://198.51.100.2?vni=42' \
	--to span:x0 --to rspan:r0:100 || fail start "mirror did not start: $(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=$N sip=203.0.113.2 dip=203.0.113.1 sport=40001 dport=5000 size=100
inject "$NA" a0 count=$N smac=02:00:00:00:00:01 dmac=02:00:00:00:00:02 sip=203.0.113.1 dip=203.0.113.2 sport=5000 dport=40001 size=100
mt_cap_wait s0 $((4 * 2 * N))
mt_cap_wait vx0 $((2 * N))
mt_cap_wait x1 $((2 * N))
mt_cap_wait r1 $((2 * N))
mt_cap_wait b0 $((2 * N))
mt_mirror_stop
for c in s0 vx0 x1 r1 b0; do mt_cap_stop $c; done

check_eq exit-status 0 "$MIRROR_RC"
check_eq captured $((2 * N)) "$(sumval captured)"
check_eq sent-all $((6 * 2 * N)) "$(sumval sent)"
for d in erspan2 erspan3 gre vxlan span rspan; do
	check_eq "sent-$d" $((2 * N)) "$(sumval sent "^destination $d")"
done

S0=$T_TMP/s0.pcap
# One line per frame: 1 gre.proto 2 erspan.version 3 spanid 4 index 5 encap
# 6 hw 7 gra 8 direction 9 timestamp 10 gre.key 11 S bit 12 seq 13 vni
# 14 ip.src 15 ip.dst 16 udp.srcport 17 udp.dstport (outer,inner).
tsv "$S0" gre.proto erspan.version erspan.spanid erspan.index erspan.encap \
	erspan.hw erspan.gra erspan.direction erspan.timestamp gre.key \
	gre.flags.sequence_number gre.sequence_number vxlan.vni ip.src ip.dst \
	udp.srcport udp.dstport >"$T_TMP/s0.tsv"
T=$T_TMP/s0.tsv
check_eq s0-total $((4 * 2 * N)) "$(wc -l <"$T")"
# ERSPAN II: version 1, session 5, index 7, untagged, sequence 0..2N-1.
check_eq erspan2-fields $((2 * N)) "$(countif "$T" '$1 == "0x88be" && $2 == 1 && $3 == 5 && $4 == 7 && $5 == 0 && $11 == 1')"
check_eq erspan2-seq "0-$((2 * N - 1))-$((2 * N))" "$(awk -F'\t' '$2 == 1 {print $12}' "$T" | sort -n | awk 'NR==1{a=$1} {b=$1; n++} END{print a "-" b "-" n}')"
# ERSPAN III: version 2, session 6, hardware ID 3, granularity 100 ns,
# direction: N ingress (from B, rx on a0), N egress (from A, tx on a0).
check_eq erspan3-ingress "$N" "$(countif "$T" '$1 == "0x22eb" && $2 == 2 && $3 == 6 && $6 == 3 && $7 == 1 && $8 == 0 && $14 == "198.51.100.1,203.0.113.2"')"
check_eq erspan3-egress "$N" "$(countif "$T" '$1 == "0x22eb" && $2 == 2 && $3 == 6 && $6 == 3 && $7 == 1 && $8 == 1 && $14 == "198.51.100.1,203.0.113.1"')"
check_eq erspan3-seq "0-$((2 * N - 1))-$((2 * N))" "$(awk -F'\t' '$2 == 2 {print $12}' "$T" | sort -n | awk 'NR==1{a=$1} {b=$1; n++} END{print a "-" b "-" n}')"
# The type III timestamp is the capture time in units of 100 ns (mod 2^32).
# Compare in 100 ns units with the sign kept (the capture may be in the same
# second as "now"), modulo 2^32: within two minutes either way.
now=$(( $(date +%s%N) / 100 ))
ts=$(awk -F'\t' '$2 == 2 {print $9; exit}' "$T")
diff=$(( (now % 4294967296 - ts + 4294967296) % 4294967296 ))
[ "$diff" -ge 2147483648 ] && diff=$(( diff - 4294967296 ))
check erspan3-timestamp test "${diff#-}" -lt $((60 * 10000000))
# ...and it moves: the copies of one run carry more than one timestamp.
check erspan3-timestamp-moves test "$(awk -F'\t' '$2 == 2 {print $9}' "$T" | sort -u | wc -l)" -gt 1
# GRE transparent Ethernet bridging with key 9 and sequence numbers.
check_eq gre-teb $((2 * N)) "$(countif "$T" '$1 == "0x6558" && $10 == 9 && $11 == 1 && $15 ~ /^198.51.100.9,/')"
check_eq gre-seq "0-$((2 * N - 1))-$((2 * N))" "$(awk -F'\t' '$1 == "0x6558" {print $12}' "$T" | sort -n | awk 'NR==1{a=$1} {b=$1; n++} END{print a "-" b "-" n}')"
check_eq vxlan-vni $((2 * N)) "$(countif "$T" '$13 == 42 && $17 ~ /^4789,/ && $15 ~ /^198.51.100.2,/')"
# The VXLAN outer source port follows the inner flow (one flow here, both
# directions: one port), in the dynamic range.
check_eq vxlan-sport "1" "$(awk -F'\t' '$13 == 42 {split($16, p, ","); if (p[1] >= 49152) print p[1]}' "$T" | sort -u | wc -l)"
# No expert warnings or errors for anything tshark decoded.
tshark -r "$S0" -q -z expert,warn >"$T_TMP/expert.txt" 2>/dev/null
check_not_contains tshark-no-warnings "$T_TMP/expert.txt" "Warnings|Errors"

# The kernel's VXLAN device delivered the original frames.
check_eq kernel-vxlan "$((2 * N))" "$(pcap_count "$T_TMP/vx0.pcap" 'udp.port == 40001 && udp.length == 108')"

# span: byte-identical to what B saw on b0; rspan: the same plus tag 100.
frames() { tshark -r "$1" -T fields -e frame.protocols -e eth.src -e eth.dst -e ip.src -e ip.dst -e udp.srcport -e data.data 2>/dev/null | sed 's/^eth:ethertype:vlan:ethertype:/eth:ethertype:/' | sort; }
frames "$T_TMP/b0.pcap" >"$T_TMP/b0.txt"
frames "$T_TMP/x1.pcap" >"$T_TMP/x1.txt"
frames "$T_TMP/r1.pcap" >"$T_TMP/r1.txt"
check span-identical cmp "$T_TMP/b0.txt" "$T_TMP/x1.txt"
check rspan-inner cmp "$T_TMP/b0.txt" "$T_TMP/r1.txt"
for c in x1 r1 vx0; do
	tshark -r "$T_TMP/$c.pcap" -q -z expert,warn >"$T_TMP/expert-$c.txt" 2>/dev/null
	check_not_contains "tshark-no-warnings-$c" "$T_TMP/expert-$c.txt" "Warnings|Errors"
done
check_eq rspan-tag "$((2 * N))" "$(pcap_count "$T_TMP/r1.pcap" 'vlan.id == 100 && frame.len == 146')"

# mirrorsense read on the sensor's capture: no sequence gap, every session.
if "$MS" read --json "$S0" >"$T_TMP/read.json" 2>"$T_TMP/read.err"; then
	check_eq read-erspan2-lost 0 "$(jq '[.sessions[] | select(.transport == "erspan2") | .seq_lost] | add' "$T_TMP/read.json")"
	check_eq read-erspan3-lost 0 "$(jq '[.sessions[] | select(.transport == "erspan3") | .seq_lost] | add' "$T_TMP/read.json")"
	check_eq read-erspan2-packets "$((2 * N))" "$(jq '[.sessions[] | select(.transport == "erspan2") | .packets] | add' "$T_TMP/read.json")"
	check_eq read-gre-lost 0 "$(jq '[.sessions[] | select(.transport == "gre") | .seq_lost] | add' "$T_TMP/read.json")"
	check_eq read-vxlan-packets "$((2 * N))" "$(jq '[.sessions[] | select(.transport == "vxlan") | .packets] | add' "$T_TMP/read.json")"
else
	fail read "mirrorsense read failed: $(head -c 300 "$T_TMP/read.err")"
fi
# The RSPAN port's frames, read with the RSPAN VLAN configured.
"$MS" read --json --rspan-vlan 100 "$T_TMP/r1.pcap" >"$T_TMP/rspan.json" 2>"$T_TMP/rspan.err"
check_eq read-rspan "$((2 * N))" "$(jq '[.sessions[] | select(.transport == "rspan") | .packets] | add' "$T_TMP/rspan.json")"
done_testing
