#!/usr/bin/env bash
# tests/badinput/layers.t - one malformed layer per capture
# (tests/tools/gencap.c): `mirrorsense read CASE --json` must exit 0, read
# every packet (the bad one does not stop the file), count the named events
# listed here (src/core/events.def) and never crash or over-read (the
# ASan/UBSan build runs here). One line per case: capture, events.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
gen_caps

while read -r name events; do
	[ -z "$name" ] || [[ "$name" == \#* ]] && continue
	f=$CAPS/$name.pcap
	ms_run "$name" read "$f" --json
	if [ -n "$R_BAD" ]; then fail "$name" "$R_BAD"; continue; fi
	if [ "$R_RC" != 0 ]; then
		fail "$name" "exit $R_RC: $(head -c 200 "$T_OUT/$name.err" | tr '\n' ' ')"; continue
	fi
	want=$(tcpdump -qnr "$f" 2>/dev/null | wc -l)
	got=$(jqv "$T_OUT/$name.out" .totals.packets)
	if [ "$got" != "$want" ]; then fail "$name" "read $got packets of $want"; continue; fi
	missing=""
	for ev in $events; do
		[ "$(json_event "$T_OUT/$name.out" "$ev")" -ge 1 ] 2>/dev/null || missing="$missing $ev"
	done
	if [ -n "$missing" ]; then
		fail "$name" "event(s) not counted:$missing; got: $(jq -c '.events' "$T_OUT/$name.out" | head -c 200)"
	else
		pass "$name"
	fi
done <<'CASES'
# capture                events that must be counted
eth_runt                 decode.eth.too_short
vlan_too_deep            decode.vlan.too_many
vlan_cut                 decode.vlan.too_short
mpls_bottomless          decode.mpls.too_short
mpls_too_many            decode.mpls.too_many_labels
ipv4_bad_ihl             decode.ipv4.bad_header_len
ipv4_ihl_overrun         decode.ipv4.bad_header_len
ipv4_total_len_lies      decode.ipv4.bad_total_len
ipv4_total_len_small     decode.ipv4.bad_total_len
ipv4_options_overrun     decode.ipv4.bad_header_len
ipv4_bad_version         decode.ipv4.bad_version
ipv6_ext_chain_long      decode.ipv6.too_many_ext
ipv6_ext_overrun         decode.ipv6.bad_ext_header
ipv6_payload_len_lies    decode.ipv6.bad_payload_len
tcp_bad_doff             decode.tcp.bad_header_len
tcp_doff_overrun         decode.tcp.bad_header_len
udp_len_lies             decode.udp.bad_len
udp_len_small            decode.udp.bad_len
gre_routing              decode.gre.routing
gre_recursion            decode.gre.routing
gre_bad_version          decode.gre.bad_version
gre_pptp                 decode.gre.pptp
gre_unknown_proto        decode.gre.unknown_proto
gre_flags_overrun        decode.gre.too_short
erspan2_bad_version      decode.erspan.bad_version
erspan2_short            decode.erspan.too_short
erspan3_o_no_room        decode.erspan.too_short
erspan3_bad_version      decode.erspan.bad_version
erspan3_not_ethernet     decode.erspan.not_ethernet
vxlan_i_clear            decode.vxlan.no_vni_flag
vxlan_short              decode.vxlan.too_short
geneve_opt_overrun       decode.geneve.too_short
geneve_bad_version       decode.geneve.bad_version
tzsp_no_end              decode.tzsp.too_short
tzsp_too_many_tags       decode.tzsp.too_many_tags
tzsp_bad_version         decode.tzsp.bad_version
depth_exceeded           decode.depth_exceeded
frag_overlap             decode.frag.overlap
frag_too_big             decode.frag.too_big
frag_too_many            decode.frag.table_full
frag_bad_len             decode.frag.bad_len
snaplen_cut              decode.ipv4.truncated decode.gre.truncated decode.erspan.truncated
null_bad_family          decode.null.unknown_family
raw_bad_version          decode.raw.bad_version
CASES
# the capture's own cut is counted apart from malformed headers
check_eq snaplen_cut_totals 4 "$(jqv "$T_OUT/snaplen_cut.out" .totals.truncated)"
done_testing
