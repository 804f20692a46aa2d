#!/usr/bin/env bash
# bench/mirror_bench.sh - how fast `mirrorsense mirror` forwards, next to
# the kernel's own copy and to daemonlogger (run by bench/run.sh, or alone).
#
# Test bed: namespace G sends 64-byte UDP frames (1024 flows) into veth
# g0 -> a0 (namespace A); the copy of what a0 receives goes out of t0 to
# t1 (namespace S), where the kernel counts what arrives. For each copier
#   kernel        tc clsact ingress on a0: u32 match all, action mirred
#                 egress mirror dev t0 (the physical limit here: a copy in
#                 the kernel's receive path, no user space)
#   mirrorsense   mirrorsense mirror -i a0:rx --to span:t0 (release build)
#   daemonlogger  daemonlogger -i a0 -o t0 (its software tap mode)
# the rate sweep finds the highest packet rate at which every frame sent
# was offered, arrived on a0 and its copy on t1 (no loss of the copier's
# own; the generator reaching less than 95% of the rate is a failure too, as
# the copier's work in the receive path runs on its CPU): rates grow
# by 1.25x from 50 k packets/s until a loss, then two bisection steps. The
# generator runs on CPU 0, the copier on CPU 1. Rates are printed with the
# ratios mirrorsense/kernel (goal >= 0.5: within 2x of the kernel's copy)
# and mirrorsense/daemonlogger (goal > 1). Results also go to
# bench/results/mirror.txt. Bounded: about 2 minutes, 170 s at most.
#
# Environment: MS_BUILD (build dir, default build/), MB_STEP_S (seconds per
# rate step, default 1), MB_MAX_RATE (default 4000000).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${MS_BUILD:-$ROOT/build}
MS=${MS_BENCH_BIN:-$BUILD/mirrorsense}
WORK=$ROOT/bench/work
RESULTS=$ROOT/bench/results
STEP=${MB_STEP_S:-1}
MAXRATE=${MB_MAX_RATE:-4000000}
DEADLINE=$(( $(date +%s) + 170 ))
export TZ=UTC LC_ALL=C

die() { echo "mirror bench: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces)"
[ -x "$MS" ] || die "no $MS (run make build)"
command -v daemonlogger >/dev/null || die "daemonlogger missing (scripts/install-deps.sh)"
command -v gcc >/dev/null || die "gcc missing"
mkdir -p "$WORK" "$RESULTS"
OUT=$RESULTS/mirror.txt.tmp
: >"$OUT"
say() { echo "$*" | tee -a "$OUT"; }

# ---- the generator: paced sendmmsg() batches on a packet socket ----
BLAST=$WORK/mirror_blast
if [ ! -x "$BLAST" ] || [ "$0" -nt "$BLAST" ]; then
	cat >"$WORK/mirror_blast.c" <<'CEOF'
/* mirror_blast IF RATE SECS: 64-byte UDP frames (1024 flows) out of IF at
 * RATE packets/s for SECS s; prints how many were sent. */
#define _GNU_SOURCE
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#define BATCH 64
#define FLOWS 1024
static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}
int main(int argc, char **argv)
{
	static uint8_t fr[FLOWS][64];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	if (argc != 4)
		return 2;
	double rate = atof(argv[2]), secs = atof(argv[3]);
	int fd = socket(AF_PACKET, SOCK_RAW, 0), one = 1;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = (int)if_nametoindex(argv[1]) };
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof sll)) {
		perror("mirror_blast");
		return 1;
	}
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	for (int i = 0; i < FLOWS; i++) {
		static const uint8_t hdr[34] = {
			2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0,
			0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0, 203, 0, 113, 2, 203, 0, 113, 1 };
		memcpy(fr[i], hdr, sizeof hdr);
		fr[i][34] = (uint8_t)((40000 + i) >> 8);
		fr[i][35] = (uint8_t)(40000 + i);
		fr[i][36] = 0x13, fr[i][37] = 0x88, fr[i][38] = 0, fr[i][39] = 30;
		memset(fr[i] + 42, 'm', 22);
	}
	memset(m, 0, sizeof m);
	uint64_t sent = 0, t0 = now_ns(), end = t0 + (uint64_t)(secs * 1e9);
	unsigned k = 0;
	for (uint64_t t; (t = now_ns()) < end;) {
		uint64_t due = (uint64_t)((double)(t - t0) * rate / 1e9);
		if (sent >= due)
			continue;
		unsigned n = due - sent > BATCH ? BATCH : (unsigned)(due - sent);
		for (unsigned i = 0; i < n; i++) {
			iov[i].iov_base = fr[k++ % FLOWS];
			iov[i].iov_len = 64;
			m[i].msg_hdr.msg_iov = &iov[i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		int r = sendmmsg(fd, m, n, 0);
		if (r > 0)
			sent += (uint64_t)r;
	}
	printf("%llu\n", (unsigned long long)sent);
	return 0;
}
CEOF
	gcc -O2 -o "$BLAST" "$WORK/mirror_blast.c" || die "cannot build the generator"
fi

# ---- the test bed ----
G=mb$$g A=mb$$a S=mb$$s
COPIER=
cleanup() {
	[ -n "$COPIER" ] && kill -INT "$COPIER" 2>/dev/null && wait "$COPIER" 2>/dev/null
	for n in $G $A $S; do ip netns del "$n" 2>/dev/null; done
}
trap cleanup EXIT
for n in $G $A $S; do
	ip netns add "$n" || die "ip netns add"
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n $G link add g0 type veth peer name a0 netns $A
ip -n $A link add t0 type veth peer name t1 netns $S
ip -n $G link set g0 up; ip -n $A link set a0 up; ip -n $A link set t0 up; ip -n $S link set t1 up
rx() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

# step RATE: 0 if every frame sent at RATE reached a0 and its copy t1.
step() {
	local a0 t1 sent a1 t2
	a0=$(rx $A a0); t1=$(rx $S t1)
	sent=$(ip netns exec $G taskset -c 0 "$BLAST" g0 "$1" "$STEP")
	sleep 0.3
	a1=$(rx $A a0); t2=$(rx $S t1)
	LAST_SENT=$sent LAST_A0=$((a1 - a0)) LAST_T1=$((t2 - t1))
	# The rate must really have been offered (the copier's work in the
	# kernel's receive path runs on the generator's CPU and can hold it
	# back), and every frame must have arrived and been copied.
	if awk -v s="$sent" -v r="$1" -v t="$STEP" 'BEGIN { exit !(s >= 0.95 * r * t) }' &&
		[ "$LAST_A0" -ge "$sent" ] && [ "$LAST_T1" -ge "$sent" ]; then
		return 0
	fi
	FAIL_INFO="at $1/s: sent $sent, arrived $LAST_A0, copied $LAST_T1"
	return 1
}

# sweep: the highest lossless rate into BEST (0 if even the first fails).
sweep() {
	local r=50000 lo=0 hi=0 mid i
	FAIL_INFO="none up to $MAXRATE/s"
	while [ "$r" -le "$MAXRATE" ] && [ "$(date +%s)" -lt "$DEADLINE" ]; do
		if step "$r"; then lo=$r; r=$((r * 5 / 4)); else hi=$r; break; fi
	done
	for ((i = 0; i < 2 && hi > 0 && lo > 0; i++)); do
		[ "$(date +%s)" -lt "$DEADLINE" ] || break
		mid=$(((lo + hi) / 2))
		if step "$mid"; then lo=$mid; else hi=$mid; fi
	done
	BEST=$lo
}

start_copier() { # NAME: start it, wait until it is running
	case $1 in
	kernel)
		tc -n $A qdisc add dev a0 clsact 2>/dev/null
		if ! tc -n $A filter add dev a0 ingress u32 match u32 0 0 action mirred egress mirror dev t0; then
			echo "mirror bench: tc mirred not available here" >&2
			return 1
		fi
		;;
	mirrorsense)
		ip netns exec $A taskset -c 1 "$MS" mirror -i a0:rx --to span:t0 --status 0 \
			>"$WORK/mirror_bench.out" 2>"$WORK/mirror_bench.err" &
		COPIER=$!
		for ((i = 0; i < 100; i++)); do
			grep -q "mirror: running" "$WORK/mirror_bench.err" && break
			sleep 0.1
		done
		;;
	daemonlogger)
		ip netns exec $A taskset -c 1 daemonlogger -i a0 -o t0 >"$WORK/daemonlogger.out" 2>&1 &
		COPIER=$!
		sleep 1.5
		kill -0 "$COPIER" 2>/dev/null || { COPIER=; return 1; }
		;;
	esac
	# warm-up: a short burst at a low rate
	step 20000 || sleep 1
	return 0
}

stop_copier() {
	if [ "$1" == kernel ]; then
		tc -n $A qdisc del dev a0 clsact
	else
		kill -INT "$COPIER" 2>/dev/null
		wait "$COPIER" 2>/dev/null
		COPIER=
	fi
}

say "mirror forwarding: highest lossless rate, 64-byte frames on veth (generator CPU 0, copier CPU 1, ${STEP}s steps)"
declare -A RATE
for c in kernel mirrorsense daemonlogger; do
	if ! start_copier $c; then
		RATE[$c]=0
		say "$(printf '  %-13s         - (could not run)' $c)"
		continue
	fi
	sweep
	RATE[$c]=$BEST
	stop_copier $c
	say "$(printf '  %-13s %9d packets/s   (failed %s)' $c "$BEST" "$FAIL_INFO")"
done
k=${RATE[kernel]} m=${RATE[mirrorsense]} d=${RATE[daemonlogger]}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
rk=$(ratio "$m" "$k"); rd=$(ratio "$m" "$d")
gk=MISS; awk -v r="$rk" 'BEGIN { exit !(r != "inf" && r >= 0.5) }' && gk=PASS
gd=MISS; awk -v m="$m" -v d="$d" 'BEGIN { exit !(m > d) }' && gd=PASS
say "  mirrorsense / kernel copy   = $rk   goal >= 0.50 (within 2x)   $gk"
say "  mirrorsense / daemonlogger  = $rd   goal > 1                   $gd"
mv "$OUT" "$RESULTS/mirror.txt"
