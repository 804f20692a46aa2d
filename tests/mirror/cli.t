#!/usr/bin/env bash
# mirror/cli: the command line refuses what it cannot do, with the usage
# exit code (64), before capturing anything: malformed destinations, out of
# range parameters, and destinations that would loop back into a mirrored
# interface (span/rspan out of a mirrored port, or an IP destination routed
# through one).
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"

check_rc no-args 64 "$MS" mirror
check_rc no-dest 64 "$MS" mirror -i lo
check_rc help 0 "$MS" mirror --help
bad=(
	'erspan2://198.51.100.9?session=0'
	'erspan2://198.51.100.9?session=1024'
	'erspan2://198.51.100.9?index=1048576'
	'erspan2://198.51.100.9?hwid=3'
	'erspan3://198.51.100.9?gra=1s'
	'erspan3://198.51.100.9?hwid=64'
	'erspan2://not-an-address'
	'erspan2://198.51.100.9:4789'
	'vxlan://198.51.100.9?vni=16777216'
	'vxlan://198.51.100.9:0?vni=1'
	'vxlan://[2001:db8::9?vni=1'
	'gre://198.51.100.9?key=x'
	'rspan:lo:4095'
	'rspan:lo'
	'span:'
	'tzsp://198.51.100.9'
	'erspan2:198.51.100.9'
)
i=0
for d in "${bad[@]}"; do
	i=$((i + 1))
	"$MS" mirror -i lo --to "$d" >/dev/null 2>"$T_OUT/bad$i.err"
	rc=$?
	if [ $rc == 64 ] && grep -q . "$T_OUT/bad$i.err"; then pass "bad-dest-$i"; else fail "bad-dest-$i" "'$d': exit $rc"; fi
done
check_rc bad-direction 64 "$MS" mirror -i lo:up --to span:lo2
check_rc copy-and-balance 64 "$MS" mirror -i lo --copy --balance --to gre://198.51.100.9
check_rc bad-pps 64 "$MS" mirror -i lo --pps 0 --to gre://198.51.100.9
check_rc bad-bps 64 "$MS" mirror -i lo --bps 1x --to gre://198.51.100.9
check_rc bad-vlan 64 "$MS" mirror -i lo --vlan 4096 --to gre://198.51.100.9
check_rc bad-snap 64 "$MS" mirror -i lo --snap 10 --to gre://198.51.100.9

is_root || { skip loop "needs root for network namespaces"; done_testing; }
mt_setup || { fail setup "namespaces"; done_testing; }
# loop NAME ARGS...: refused with 64 and a message naming the loop.
loop() {
	local name=$1
	shift
	ip netns exec "$NA" "$MS" mirror --duration 2 "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	local rc=$?
	if [ $rc == 64 ] && grep -q "refusing --to" "$T_TMP/$name.err"; then
		pass "$name"
	else
		fail "$name" "exit $rc: $(head -c 200 "$T_TMP/$name.err")"
	fi
}
loop loop-span -i a0 --to span:a0
loop loop-rspan -i m0:rx -i a0 --to rspan:m0:10
loop loop-erspan-route -i a0 --to 'erspan2://203.0.113.2?session=1'
loop loop-vxlan-route -i a0:tx --to 'vxlan://203.0.113.77?vni=1'
loop loop-second-dest -i m0 --to 'gre://203.0.113.2' --to 'gre://198.51.100.9'
ip -n "$NA" route add 198.51.100.128/25 via 203.0.113.2
loop loop-via-gateway -i a0 --to 'erspan3://198.51.100.200?session=2'
# The same destinations are fine when the mirrored interface is another.
ip netns exec "$NA" "$MS" mirror --duration 0.2 -i m0 --to 'erspan2://203.0.113.2?session=1' >"$T_TMP/ok.out" 2>&1
check_eq not-a-loop 0 $?
ip netns exec "$NA" "$MS" mirror --duration 0.2 --allow-mirrored-path -i a0 --to 'erspan2://203.0.113.2?session=1' >"$T_TMP/allow.out" 2>"$T_TMP/allow.err"
check_eq allow-mirrored-path 0 $?
loop loop-span-even-allowed -i a0 --allow-mirrored-path --to span:a0
check_rc no-such-interface 66 ip netns exec "$NA" "$MS" mirror -i nosuch0 --to 'gre://198.51.100.9'
check_rc span-no-such-interface 66 ip netns exec "$NA" "$MS" mirror -i a0 --to span:nosuch0
check_rc bad-filter 64 ip netns exec "$NA" "$MS" mirror -i a0 -f "udp and ((" --to gre://198.51.100.9
done_testing
