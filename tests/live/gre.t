#!/usr/bin/env bash
# live/gre: ERSPAN II over GRE (IPv4 and IPv6) sent by tests/tools/livegen to
# the sensor's own address. The kernel here has no GRE module, so without a
# listener it answers every packet with ICMP "protocol unreachable" (ICMPv6
# "parameter problem, unrecognized next header"). Checks: with the tunnel
# sink's raw GRE sockets the sensor's namespace stays silent, and with
# --no-tunnel-sink it does not; the live sensor counts the sessions and the
# sequence gaps exactly.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
lv_require gre

lv_ns g; G=$LV_NS
lv_ns s; S=$LV_NS
lv_ipv6_on "$G"
lv_ipv6_on "$S"
lv_veth "$G" g0 "$S" s0 || { fail setup "veth"; exit 0; }
ip -n "$G" addr add 203.0.113.1/24 dev g0
ip -n "$S" addr add 203.0.113.2/24 dev s0
ip -n "$G" addr add 2001:db8::1/64 dev g0 nodad
ip -n "$S" addr add 2001:db8::2/64 dev s0 nodad
MAC=$(lv_mac "$S" s0)
R=$T_TMP
N4=200 GAP=10 N6=50

# kernel_has CONFIG MODULE...: the kernel handles a protocol itself (module
# loaded, or built in per its config). Then it answers or drops GRE on its
# own terms (ip_gre replies "port unreachable" for GRE it has no tunnel
# for; gre_demux alone drops silently), and the ICMP checks do not apply.
kernel_has() {
	local cfg=$1 m
	shift
	for m in "$@"; do [ -d "/sys/module/$m" ] && return 0; done
	{ zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$(uname -r)" 2>/dev/null; } |
		grep -q "^$cfg=y"
}
GRE4_KERNEL=0 GRE6_KERNEL=0
kernel_has CONFIG_NET_IPGRE_DEMUX gre ip_gre && GRE4_KERNEL=1
kernel_has CONFIG_IPV6_GRE ip6_gre && GRE6_KERNEL=1
ERRS='(icmp and icmp[0] == 3) or (icmp6 and ip6[40] == 4)'

# run NAME SENSOR-BINARY SENSOR-OPTIONS...: GRE towards the sensor, ICMP
# errors coming back captured on the sender's side.
run() {
	local name=$1 bin=$2 i
	shift 2
	ip netns exec "$G" tcpdump -i g0 -U -w "$R/$name.icmp.pcap" "$ERRS" >/dev/null 2>"$R/$name.td.err" &
	local td=$!
	LV_PIDS+=("$td")
	for i in $(seq 100); do grep -qs "listening on" "$R/$name.td.err" && break; sleep 0.1; done
	if ! lv_start "$S" "$R/$name" "$bin" -i s0 -f "ip proto 47 or ip6 proto 47" --json "$@"; then
		fail "${name}_start" "sensor did not start: $(tail -c 300 "$R/$name.err")"
		kill -INT "$td"; wait "$td"
		return 1
	fi
	ip netns exec "$G" "$LIVEGEN" send -i g0 --dst-mac "$MAC" --src 203.0.113.1 --dst 203.0.113.2 \
		--kind erspan2 --session 1 --count "$N4" --gap-every "$GAP" --pps 2000 >/dev/null ||
		fail "${name}_send4" "livegen failed"
	ip netns exec "$G" "$LIVEGEN" send -i g0 --dst-mac "$MAC" --src 2001:db8::1 --dst 2001:db8::2 \
		--kind erspan2 --session 7 --count "$N6" --pps 2000 >/dev/null ||
		fail "${name}_send6" "livegen failed"
	sleep 1.5
	lv_stop INT
	sleep 0.5
	kill -INT "$td"
	wait "$td"
	return 0
}

if run sink "$MS"; then
	J=$R/sink.out
	check_eq sink_exit 0 "$LV_RC"
	check_eq packets $((N4 + N6)) "$(jqv "$J" .totals.packets)"
	check_eq erspan2_frames $((N4 + N6)) "$(jqv "$J" .encapsulations.erspan2)"
	S4='[.sessions[] | select(.source_address == "203.0.113.1")][0]'
	S6='[.sessions[] | select(.source_address == "2001:db8::1")][0]'
	check_eq session_v4 "erspan2 1 $N4" "$(jqv "$J" "$S4 | \"\(.transport) \(.id) \(.packets)\"")"
	check_eq session_v4_seq_lost $(((N4 - 1) / GAP)) "$(jqv "$J" "$S4.seq_lost")"
	check_eq session_v6 "erspan2 7 $N6" "$(jqv "$J" "$S6 | \"\(.transport) \(.id) \(.packets)\"")"
	check_eq session_v6_seq_lost 0 "$(jqv "$J" "$S6.seq_lost")"
	check_eq total_seq_lost $(((N4 - 1) / GAP)) "$(jqv "$J" .totals.seq_lost)"
	check_eq no_kernel_drops 0 "$(jqv "$J" .totals.kernel_drops)"
	check_eq sink_claimed_gre true \
		"$(jqv "$J" '[.tunnel_termination.host_claims[] | test("claimed:.*gre/ipv4 gre/ipv6")] | any')"
	if [ "$GRE4_KERNEL" = 0 ]; then
		check_eq sink_no_protocol_unreachable 0 "$(lv_pcap_count "$R/sink.icmp.pcap" icmp)"
	else
		skip sink_no_protocol_unreachable "the kernel has its own GRE handler (gre/ip_gre)"
	fi
	if [ "$GRE6_KERNEL" = 0 ]; then
		check_eq sink_no_ipv6_parameter_problem 0 "$(lv_pcap_count "$R/sink.icmp.pcap" icmp6)"
	else
		skip sink_no_ipv6_parameter_problem "the kernel has its own IPv6 GRE handler (ip6_gre)"
	fi
fi

if run nosink "$MS_BIN_RELEASE" --no-tunnel-sink; then
	check_eq nosink_packets $((N4 + N6)) "$(jqv "$R/nosink.out" .totals.packets)"
	n4=$(lv_pcap_count "$R/nosink.icmp.pcap" 'icmp and icmp[1] == 2')
	n6=$(lv_pcap_count "$R/nosink.icmp.pcap" icmp6)
	if [ "$GRE4_KERNEL" = 1 ]; then skip nosink_protocol_unreachable "the kernel has its own GRE handler"
	elif [ "$n4" -ge 1 ]; then pass nosink_protocol_unreachable
	else fail nosink_protocol_unreachable "no ICMP protocol unreachable without the tunnel sink"; fi
	if [ "$GRE6_KERNEL" = 1 ]; then skip nosink_ipv6_parameter_problem "the kernel has its own IPv6 GRE handler"
	elif [ "$n6" -ge 1 ]; then pass nosink_ipv6_parameter_problem
	else fail nosink_ipv6_parameter_problem "no ICMPv6 parameter problem without the tunnel sink"; fi
fi
done_testing
