#!/usr/bin/env bash
# live/vxlan: a cloud-style VXLAN mirror. Namespace b mirrors its ICMP (both
# directions, tc mirred) into a kernel VXLAN device (VNI 42, UDP 4789) whose
# remote is the sensor's address. The sensor must see one VXLAN session with
# VNI 42 and the inner frames of both directions; with the tunnel sink on,
# the sensor's namespace must send no ICMP port unreachable back to the
# mirror, and with --no-tunnel-sink it does (the kernel answers).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
lv_require vxlan

lv_ns a; A=$LV_NS
lv_ns b; B=$LV_NS
lv_ns s; S=$LV_NS
lv_veth "$A" h1 "$B" h2 || { fail setup "veth h1-h2"; exit 0; }
lv_veth "$B" u2 "$S" us || { fail setup "veth u2-us"; exit 0; }
ip -n "$A" addr add 198.51.100.1/24 dev h1
ip -n "$B" addr add 198.51.100.2/24 dev h2
ip -n "$B" addr add 203.0.113.1/24 dev u2
ip -n "$S" addr add 203.0.113.2/24 dev us
if ! ip -n "$B" link add vx0 type vxlan id 42 remote 203.0.113.2 dstport 4789 dev u2 2>/dev/null; then
	skip vxlan "the kernel has no VXLAN support"
	exit 0
fi
ip -n "$B" link set vx0 up
ip netns exec "$B" tc qdisc add dev h2 clsact
for d in ingress egress; do
	ip netns exec "$B" tc filter add dev h2 "$d" protocol ip u32 match ip protocol 1 0xff \
		action mirred egress mirror dev vx0 || fail setup "tc $d mirror"
done
R=$T_TMP
PINGS=5

# run NAME SENSOR-OPTIONS...: sensor on us, ICMP watcher on u2, pings.
run() {
	local name=$1 i
	shift
	ip netns exec "$B" tcpdump -i u2 -U -w "$R/$name.icmp.pcap" 'icmp and icmp[0] == 3' \
		>/dev/null 2>"$R/$name.td.err" &
	local td=$!
	LV_PIDS+=("$td")
	for i in $(seq 100); do grep -qs "listening on" "$R/$name.td.err" && break; sleep 0.1; done
	if ! lv_start "$S" "$R/$name" "$MS_BIN_RELEASE" -i us -f "udp port 4789" --json "$@"; then
		fail "${name}_start" "sensor did not start: $(tail -c 300 "$R/$name.err")"
		kill -INT "$td"; wait "$td"
		return 1
	fi
	ip netns exec "$A" ping -q -c "$PINGS" -i 0.3 -W 2 198.51.100.2 >/dev/null 2>&1 ||
		fail "${name}_ping" "no answer from 198.51.100.2"
	sleep 1.5
	lv_stop INT
	sleep 0.5
	kill -INT "$td"
	wait "$td"
	return 0
}

if run sink; then
	J=$R/sink.out
	check_eq sink_exit 0 "$LV_RC"
	check_eq vxlan_packets $((2 * PINGS)) "$(jqv "$J" .totals.packets)"
	check_eq vxlan_frames $((2 * PINGS)) "$(jqv "$J" .encapsulations.vxlan)"
	VX='[.sessions[] | select(.transport == "vxlan")]'
	check_eq vxlan_one_session 1 "$(jqv "$J" "$VX | length")"
	check_eq vxlan_vni 42 "$(jqv "$J" "$VX | .[0].id")"
	check_eq vxlan_session_packets $((2 * PINGS)) "$(jqv "$J" "$VX | .[0].packets")"
	check_eq inner_both_directions "$PINGS/$PINGS" \
		"$(jqv "$J" '.flows.top[0] | "\(.packets_fwd)/\(.packets_rev)"')"
	check_eq inner_addresses "198.51.100.1 198.51.100.2" \
		"$(jqv "$J" '.flows.top[0] | [.src, .dst] | sort | join(" ")')"
	check_eq no_kernel_drops 0 "$(jqv "$J" .totals.kernel_drops)"
	check_eq sink_claimed_4789 true \
		"$(jqv "$J" '[.tunnel_termination.host_claims[] | test("claimed:.*vxlan/4789/ipv4")] | any')"
	check_eq sink_no_port_unreachable 0 "$(lv_pcap_count "$R/sink.icmp.pcap")"
fi

if run nosink --no-tunnel-sink; then
	check_eq nosink_packets $((2 * PINGS)) "$(jqv "$R/nosink.out" .totals.packets)"
	n=$(lv_pcap_count "$R/nosink.icmp.pcap")
	if [ "$n" -ge 1 ]; then pass nosink_kernel_answers
	else fail nosink_kernel_answers "no ICMP port unreachable without the tunnel sink"; fi
fi
done_testing
