#!/usr/bin/env bash
# mirror/ovs: Open vSwitch (userspace datapath, its own database and run
# directory under the test's scratch directory, inside the sensor
# namespace) terminates the mirror's ERSPAN type II and type III tunnels and
# delivers the original frames: each tunnel port's frames are sent out of
# its own veth, where tcpdump must find exactly the frames that crossed a0,
# unchanged. (Only delivered frames are checked, not OVS's counters.)
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"
is_root || { skip setup "needs root for network namespaces"; done_testing; }
for b in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ovs-appctl; do
	command -v $b >/dev/null || { fail setup "$b not installed (scripts/install-deps.sh: openvswitch-switch)"; done_testing; }
done
mt_setup || { fail setup "namespaces"; done_testing; }

O=$T_TMP/ovs
mkdir -p "$O"
export OVS_RUNDIR=$O OVS_LOGDIR=$O OVS_DBDIR=$O OVS_SYSCONFDIR=$O
SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
ovsdb-tool create "$O/conf.db" "$SCHEMA" || fail setup "ovsdb-tool"
ip netns exec "$NS" ovsdb-server "$O/conf.db" --remote="punix:$O/db.sock" \
	--pidfile="$O/ovsdb-server.pid" --log-file="$O/ovsdb-server.log" -vconsole:off --detach --no-chdir 2>/dev/null ||
	fail setup "ovsdb-server"
# stop_daemon PIDFILE: TERM, then wait (5 s at most) until it is gone.
stop_daemon() {
	local pid i
	pid=$(cat "$1" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		[ -d "/proc/$pid" ] || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
}
MT_ATEXIT+=("stop_daemon '$O/ovsdb-server.pid'")
VS="ip netns exec $NS ovs-vsctl --db=unix:$O/db.sock --timeout=20"
$VS --no-wait init
ip netns exec "$NS" ovs-vswitchd "unix:$O/db.sock" --pidfile="$O/ovs-vswitchd.pid" \
	--log-file="$O/ovs-vswitchd.log" -vconsole:off --detach --no-chdir 2>/dev/null || fail setup "ovs-vswitchd"
MT_ATEXIT=("stop_daemon '$O/ovs-vswitchd.pid'" "${MT_ATEXIT[@]}")
OF="ip netns exec $NS ovs-ofctl"

# br-phy owns the sensor's tunnel address on s0; br-int holds the tunnel
# ports and sends what each delivers out of its own veth (o0 -> o1, p0 -> p1).
$VS add-br br-phy -- set bridge br-phy datapath_type=netdev -- add-port br-phy s0 ||
	fail setup "br-phy"
ip -n "$NS" addr del 198.51.100.2/24 dev s0
ip -n "$NS" addr add 198.51.100.2/24 dev br-phy
ip -n "$NS" link set br-phy up
mt_veth "$NS" o0 "$NS" o1
mt_veth "$NS" p0 "$NS" p1
for i in s0 o0 p0; do ip netns exec "$NS" ethtool -K $i tx off >/dev/null 2>&1; done
ip netns exec "$NA" ethtool -K m0 tx off >/dev/null 2>&1
$VS add-br br-int -- set bridge br-int datapath_type=netdev \
	-- add-port br-int o0 -- add-port br-int p0 \
	-- add-port br-int er2 -- set interface er2 type=erspan options:remote_ip=198.51.100.1 \
		options:erspan_ver=1 options:key=5 options:erspan_idx=7 \
	-- add-port br-int er3 -- set interface er3 type=erspan options:remote_ip=198.51.100.1 \
		options:erspan_ver=2 options:key=6 options:erspan_dir=0 options:erspan_hwid=3 ||
	fail setup "br-int"
$OF del-flows br-int
$OF add-flow br-int "in_port=er2,actions=output:o0"
$OF add-flow br-int "in_port=er3,actions=output:p0"
ip -n "$NA" neigh replace 198.51.100.2 lladdr "$(mac_of "$NS" br-phy)" dev m0 nud permanent
# OVS learns the tunnel address from the kernel's routes (bounded wait).
for ((i = 0; i < 100; i++)); do
	ip netns exec "$NS" ovs-appctl ovs/route/show 2>/dev/null | grep -q "198.51.100.2" && break
	sleep 0.1
done
check ovs-route ip netns exec "$NS" sh -c "ovs-appctl ovs/route/show | grep -q 198.51.100"

N=10
mt_cap_start o1 "$NS" o1
mt_cap_start p1 "$NS" p1
mt_cap_start b0 "$NB" b0
mt_mirror_start -i a0 --to 'erspan2://198.51.100.2?session=5&index=7' \
	--to 'erspan3://198.51.100.2?session=6&hwid=3' || fail start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=$N gap_ms=5 sip=203.0.113.2 dip=203.0.113.1 sport=40001 dport=5000 size=100
inject "$NA" a0 count=$N gap_ms=5 smac=02:00:00:00:00:01 dmac=02:00:00:00:00:02 \
	sip=203.0.113.1 dip=203.0.113.2 sport=5000 dport=40001 size=100
mt_cap_wait b0 $((2 * N))
mt_cap_wait o1 $((2 * N))
mt_cap_wait p1 $((2 * N))
sleep 0.3
mt_mirror_stop
for c in o1 p1 b0; do mt_cap_stop $c; done
check_eq mirror-sent $((4 * N)) "$(sumval sent)"

frames() { tsv "$1" eth.src eth.dst ip.src ip.dst udp.srcport udp.dstport frame.len data.data | sort; }
frames "$T_TMP/b0.pcap" >"$T_TMP/b0.txt"
frames "$T_TMP/o1.pcap" >"$T_TMP/o1.txt"
frames "$T_TMP/p1.pcap" >"$T_TMP/p1.txt"
check_eq originals $((2 * N)) "$(wc -l <"$T_TMP/b0.txt")"
check_eq erspan2-delivered $((2 * N)) "$(wc -l <"$T_TMP/o1.txt")"
check erspan2-frames-identical cmp "$T_TMP/b0.txt" "$T_TMP/o1.txt"
check_eq erspan3-delivered $((2 * N)) "$(wc -l <"$T_TMP/p1.txt")"
check erspan3-frames-identical cmp "$T_TMP/b0.txt" "$T_TMP/p1.txt"
done_testing
