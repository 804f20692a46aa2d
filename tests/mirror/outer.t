#!/usr/bin/env bash
# mirror/outer: the outer IP side. IPv6 destinations (ERSPAN III, GRE and
# VXLAN over IPv6), and full-size frames whose copies exceed the path MTU
# once encapsulated: the kernel fragments them and the receiving sensor
# (mirrorsense read) reassembles every one, with no sequence gap.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"
is_root || { skip setup "needs root for network namespaces"; done_testing; }
mt_setup || { fail setup "namespaces"; done_testing; }
for n in "$NA:m0" "$NS:s0"; do
	ip netns exec "${n%%:*}" sysctl -qw "net.ipv6.conf.${n#*:}.disable_ipv6=0"
done
ip -n "$NA" addr add 2001:db8::1/64 dev m0 nodad
ip -n "$NS" addr add 2001:db8::2/64 dev s0 nodad
ip -n "$NA" neigh replace 2001:db8::9 lladdr "$MAC_S0" dev m0 nud permanent

N=10
mt_cap_start s0 "$NS" s0 || fail setup "tcpdump"
mt_mirror_start -i a0:rx --to 'erspan3://[2001:db8::9]?session=7' \
	--to 'gre://[2001:db8::9]' --to 'vxlan://[2001:db8::9]:4790?vni=8' \
	--to 'erspan2://198.51.100.9?session=8' \
	--to 'erspan3://198.51.100.9?session=12&gra=1588' || fail start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=$N sip=203.0.113.2 dip=203.0.113.1 size=100
inject "$NB" b0 count=$N sip=203.0.113.2 dip=203.0.113.1 size=1450
mt_wait_captured $((2 * N))
# IPv6: 3 destinations x 2N copies, the big ones in 2 fragments each;
# IPv4 ERSPAN II and III: N small + N big in 2 fragments each.
mt_cap_wait s0 $((3 * 3 * N + 2 * 3 * N))
sleep 0.3
mt_mirror_stop
mt_cap_stop s0
check_eq sent $((5 * 2 * N)) "$(sumval sent)"
check_eq send-errors 0 "$(sumval send_errors)"

TSV_ARGS="-d udp.port==4790,vxlan" tsv "$T_TMP/s0.pcap" ipv6.dst erspan.version erspan.spanid gre.proto vxlan.vni udp.dstport >"$T_TMP/s0.tsv"
check_eq v6-erspan3 $((2 * N)) "$(countif "$T_TMP/s0.tsv" '$1 == "2001:db8::9" && $2 == 2 && $3 == 7')"
check_eq v6-gre $((2 * N)) "$(countif "$T_TMP/s0.tsv" '$1 == "2001:db8::9" && $4 == "0x6558"')"
check_eq v6-vxlan $((2 * N)) "$(countif "$T_TMP/s0.tsv" '$1 == "2001:db8::9" && $5 == 8 && $6 ~ /^4790,/')"
# ERSPAN III with IEEE 1588 granularity: ns of the second in the header,
# seconds in the platform sub-header (ID 3), port index 0 (the first -i).
tsv "$T_TMP/s0.pcap" erspan.spanid erspan.gra erspan.o erspan.platid erspan.pid3.port_index \
	erspan.pid3.timestamp erspan.timestamp >"$T_TMP/1588.tsv"
now=$(date +%s)
check_eq erspan3-1588 "$((2 * N))" "$(countif "$T_TMP/1588.tsv" "\$1 == 12 && \$2 == 2 && \$3 == 1 && \$4 == 3 && \$5 == 0 && \$6 <= $now && \$6 > $now - 120 && \$7 < 1000000000")"
tshark -r "$T_TMP/s0.pcap" -d udp.port==4790,vxlan -q -z expert,warn >"$T_TMP/expert.txt" 2>/dev/null
check_not_contains tshark-no-warnings "$T_TMP/expert.txt" "Warnings|Errors"

if "$MS" read --json --vxlan-port 4790 "$T_TMP/s0.pcap" >"$T_TMP/read.json" 2>"$T_TMP/read.err"; then
	sess() { jq "[.sessions[] | select(.transport == \"$1\") | .$2] | add" "$T_TMP/read.json"; }
	check_eq read-erspan2-packets $((2 * N)) "$(sess erspan2 packets)"
	check_eq read-erspan2-reassembled "$N" "$(sess erspan2 outer_fragmented)"
	check_eq read-erspan2-lost 0 "$(sess erspan2 seq_lost)"
	check_eq read-erspan3-packets $((4 * N)) "$(sess erspan3 packets)"
	check_eq read-erspan3-lost 0 "$(sess erspan3 seq_lost)"
	check_eq read-vxlan-packets $((2 * N)) "$(sess vxlan packets)"
else
	fail read "mirrorsense read: $(head -c 300 "$T_TMP/read.err")"
fi
done_testing
