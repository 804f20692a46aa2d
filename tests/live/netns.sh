# tests/live/netns.sh - network namespaces for the live tests (sourced by
# tests/live/*.t after tests/lib.sh).
#
# Every namespace is named ms<role><pid> so parallel or leftover runs never
# collide, and is deleted at exit with every process the script started.
# IPv6 is switched off in the namespaces unless a test turns it back on, so
# no router solicitation or neighbour discovery adds frames to the counts.

LV_NSLIST=()
LV_PIDS=()
LIVEGEN=${MS_BUILD}/livegen

lv_cleanup() {
	local p n
	# Only jobs of this shell that were not reaped yet: their ids cannot
	# have been reused by another process.
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for n in "${LV_NSLIST[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	[ -n "${T_TMP:-}" ] && rm -rf "$T_TMP"
}

# lv_require: skip the whole script (with a reason) when it cannot run.
lv_require() {
	local what=$1
	if ! is_root; then
		skip "$what" "needs root for network namespaces"
		exit 0
	fi
	if ! ip netns add "mschk$$" 2>/dev/null; then
		skip "$what" "cannot create network namespaces here"
		exit 0
	fi
	ip netns del "mschk$$"
	T_TMP=$(mktemp -d /tmp/mslive.XXXXXX)
	trap lv_cleanup EXIT
}

# lv_ns ROLE: create namespace ms<ROLE><pid>; its name is in $LV_NS.
lv_ns() {
	LV_NS="ms$1$$"
	ip netns add "$LV_NS" || return 1
	LV_NSLIST+=("$LV_NS")
	ip netns exec "$LV_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	ip -n "$LV_NS" link set lo up
}

# lv_ipv6_on NS: give IPv6 back to a namespace (for the IPv6 tunnel cases).
lv_ipv6_on() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 >/dev/null
}

# lv_veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both up,
# offloads off so that every frame on the wire is one frame in the capture.
lv_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up || return 1
	ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null 2>&1
	ip netns exec "$3" ethtool -K "$4" tso off gso off gro off tx off >/dev/null 2>&1
	return 0
}

lv_mac() { ip netns exec "$1" cat "/sys/class/net/$2/address"; }

# lv_bg CMD...: start a background process, remembered for cleanup; pid in $LV_PID.
lv_bg() {
	"$@" &
	LV_PID=$!
	LV_PIDS+=("$LV_PID")
}

# lv_start NS PREFIX BIN ARGS...: run `BIN live ARGS` in NS, stdout to
# PREFIX.out, stderr to PREFIX.err; returns once it is capturing (its pid
# in $LV_SENSOR), non-zero if it died or did not get there in 30 s.
lv_start() {
	local ns=$1 prefix=$2 bin=$3 i
	shift 3
	ip netns exec "$ns" "$bin" live "$@" >"$prefix.out" 2>"$prefix.err" &
	LV_SENSOR=$!
	LV_PIDS+=("$LV_SENSOR")
	for i in $(seq 300); do
		grep -q "capturing on" "$prefix.err" 2>/dev/null && return 0
		kill -0 "$LV_SENSOR" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# lv_stop [SIGNAL]: stop the sensor (default SIGINT) and wait up to 60 s;
# its exit status is in $LV_RC (124 when it had to be killed).
lv_stop() {
	local sig=${1:-INT} i
	kill "-$sig" "$LV_SENSOR" 2>/dev/null
	for i in $(seq 600); do
		kill -0 "$LV_SENSOR" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$LV_SENSOR" 2>/dev/null; then
		kill -KILL "$LV_SENSOR" 2>/dev/null
		wait "$LV_SENSOR" 2>/dev/null
		LV_RC=124
		return 1
	fi
	wait "$LV_SENSOR"
	LV_RC=$?
	return 0
}

# lv_wait_file FILE [TENTHS]: wait until FILE exists (default 10 s).
lv_wait_file() {
	local i
	for i in $(seq "${2:-100}"); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# lv_pcap_count FILE [FILTER]: frames in a capture (tcpdump), 0 if unreadable.
lv_pcap_count() {
	local n
	n=$(tcpdump -nr "$1" --count ${2:+"$2"} 2>/dev/null | awk '/packets?$/ {print $1}')
	echo "${n:-0}"
}
