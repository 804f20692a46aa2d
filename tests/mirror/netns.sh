# tests/mirror/netns.sh - the test network of the mirror tests, sourced by
# tests/mirror/*.t after tests/lib.sh.
#
#   namespace A (mirror host)  a0 203.0.113.1/24  <-veth->  b0 203.0.113.2/24  namespace B
#                              m0 198.51.100.1/24 <-veth->  s0 198.51.100.2/24 namespace S (sensor)
#
# IPv6 is off and neighbours are static, so the only frames on a0 are the
# ones a test makes. 198.51.100.9 and .10 are "quiet" sensor addresses:
# their neighbour entry points at s0, but S does not own them and does not
# forward, so it drops the tunnel packets silently (no ICMP back) after
# tcpdump has seen them.

MT_PIDS=()
MT_NS=()
MT_ATEXIT=() # commands (strings) run first at cleanup

mt_ns() { echo "mst$$$1"; }

mt_cleanup() {
	local p
	for p in "${MT_ATEXIT[@]}"; do eval "$p" >/dev/null 2>&1; done
	for p in "${MT_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "${MT_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for p in "${MT_NS[@]}"; do ip netns del "$p" 2>/dev/null; done
	[ -n "${MT_KEEP:-}" ] && cp -r "$T_TMP" /tmp/mt_keep
	[ -n "${T_TMP:-}" ] && rm -rf "$T_TMP"
}

mac_of() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }

# mt_setup: create A, B, S and the two veth pairs.
mt_setup() {
	T_TMP=$(mktemp -d /tmp/mstest.XXXXXX)
	trap mt_cleanup EXIT
	NA=$(mt_ns a); NB=$(mt_ns b); NS=$(mt_ns s)
	local n
	for n in $NA $NB $NS; do
		ip netns add "$n" || return 1
		MT_NS+=("$n")
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$n" link set lo up
	done
	ip -n "$NA" link add a0 type veth peer name b0 netns "$NB" || return 1
	ip -n "$NA" link add m0 type veth peer name s0 netns "$NS" || return 1
	ip -n "$NA" addr add 203.0.113.1/24 dev a0
	ip -n "$NB" addr add 203.0.113.2/24 dev b0
	ip -n "$NA" addr add 198.51.100.1/24 dev m0
	ip -n "$NS" addr add 198.51.100.2/24 dev s0
	ip -n "$NA" link set a0 up; ip -n "$NA" link set m0 up
	ip -n "$NB" link set b0 up; ip -n "$NS" link set s0 up
	MAC_A0=$(mac_of "$NA" a0); MAC_B0=$(mac_of "$NB" b0); MAC_S0=$(mac_of "$NS" s0)
	ip -n "$NA" neigh replace 203.0.113.2 lladdr "$MAC_B0" dev a0 nud permanent
	ip -n "$NB" neigh replace 203.0.113.1 lladdr "$MAC_A0" dev b0 nud permanent
	local q
	for q in 198.51.100.2 198.51.100.9 198.51.100.10; do
		ip -n "$NA" neigh replace $q lladdr "$MAC_S0" dev m0 nud permanent
	done
	ip -n "$NS" neigh replace 198.51.100.1 lladdr "$(mac_of "$NA" m0)" dev s0 nud permanent
}

# mt_veth NS1 IF1 NS2 IF2: one more veth pair, up, no addresses.
mt_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# wait_for FILE PATTERN SECONDS: until PATTERN appears in FILE.
wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# mt_cap_start NAME NS IF: tcpdump IF in NS into $T_TMP/NAME.pcap.
mt_cap_start() {
	ip netns exec "$2" tcpdump -n -i "$3" -s 4096 -B 16384 -U --immediate-mode \
		-w "$T_TMP/$1.pcap" >"$T_TMP/$1.tcpdump" 2>&1 &
	local pid=$!
	MT_PIDS+=("$pid")
	eval "CAP_$1=$pid"
	wait_for "$T_TMP/$1.tcpdump" "listening on" 10
}

# pcap_count FILE [DISPLAY-FILTER]: frames in a capture (matching the filter).
pcap_count() {
	if [ -n "${2:-}" ]; then
		tshark -n -r "$1" -Y "$2" 2>/dev/null | wc -l
	else
		capinfos -c -M "$1" 2>/dev/null | awk '/Number of packets/{print $NF; f=1} END{if (!f) print 0}'
	fi
}

# mt_cap_wait NAME COUNT: until the capture holds COUNT frames (15 s at most).
mt_cap_wait() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(pcap_count "$T_TMP/$1.pcap")" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "note: capture $1 holds $(pcap_count "$T_TMP/$1.pcap") frames, waited for $2" >&2
	return 1
}

# tsv FILE FIELD...: the fields of every frame, tab separated, one line each
# (TSV_ARGS: more tshark options, e.g. -d udp.port==4790,vxlan).
tsv() {
	local f=$1 a=() x
	shift
	for x in "$@"; do a+=(-e "$x"); done
	# shellcheck disable=SC2086 # TSV_ARGS: extra tshark options (-d ...)
	tshark -n -r "$f" ${TSV_ARGS:-} -T fields -E separator=/t "${a[@]}" 2>/dev/null
}

# countif FILE AWK-CONDITION: lines of a tsv file that match.
countif() { awk -F'\t' "$2 {n++} END {print n + 0}" "$1"; }

# mt_cap_stop NAME
mt_cap_stop() {
	local pid
	eval "pid=\$CAP_$1"
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# mt_mirror_start ARGS...: the mirror in A (ASan build), ready when it says so.
mt_mirror_start() {
	ip netns exec "$NA" "$MS" mirror --status 0.1 "$@" >"$T_TMP/mirror.out" 2>"$T_TMP/mirror.err" &
	MIRROR_PID=$!
	MT_PIDS+=("$MIRROR_PID")
	wait_for "$T_TMP/mirror.err" "mirror: running" 20
}

# mt_wait_captured N: until a status line says the mirror captured N frames.
mt_wait_captured() {
	wait_for "$T_TMP/mirror.err" " captured=$1 " 20 && return 0
	echo "note: the mirror did not report captured=$1" >&2
	return 1
}

# mt_mirror_stop: SIGINT, wait; the summary is in $T_TMP/mirror.out.
mt_mirror_stop() {
	kill -INT "$MIRROR_PID" 2>/dev/null
	wait "$MIRROR_PID"
	MIRROR_RC=$?
	return 0
}

# sumval KEY [LINE-PATTERN]: a key=value from the mirror's summary.
sumval() {
	grep -E -- "${2:-^mirror:}" "$T_TMP/mirror.out" | head -1 | tr ' ' '\n' | \
		sed -n "s/^$1=//p"
}

inject() { ip netns exec "$1" python3 "$TESTS_DIR/mirror/inject.py" "${@:2}" >/dev/null; }
