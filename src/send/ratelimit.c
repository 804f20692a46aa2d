/*
 * ratelimit.c - two token buckets (packets, bits) refilled from a
 * monotonic clock; see ratelimit.h. Integer arithmetic only: tokens are
 * kept scaled so that a refill of elapsed_ns * rate never needs division
 * on the hot path.
 */
#include "send/ratelimit.h"

#include <errno.h>
#include <stdlib.h>

#define NS_PER_S 1000000000ull
#define BIT_SCALE 1000000ull     /* one bit = 1e6 bit tokens (bps * ns / 1e3) */
#define MAX_ELAPSED_NS NS_PER_S  /* refills never look back further (no overflow) */

void ratelimit_init(struct ratelimit *r, uint64_t pps, uint64_t bps, uint64_t now_ns)
{
	r->pps = pps;
	r->bps = bps;
	uint64_t pburst = pps * RATELIMIT_BURST_NS / NS_PER_S;
	if (pburst < RATELIMIT_MIN_BURST)
		pburst = RATELIMIT_MIN_BURST;
	r->pcap = pburst * NS_PER_S;
	uint64_t bburst = bps * RATELIMIT_BURST_NS / NS_PER_S;
	if (bburst < 9216u * 8u)
		bburst = 9216u * 8u;
	r->bcap = bburst * BIT_SCALE;
	r->ptok = r->pcap;
	r->btok = r->bcap;
	r->last_ns = now_ns;
	r->passed = r->dropped = 0;
}

bool ratelimit_admit(struct ratelimit *r, uint64_t now_ns, uint32_t bytes)
{
	if (!r->pps && !r->bps) {
		r->passed++;
		return true;
	}
	if (now_ns > r->last_ns) {
		uint64_t el = now_ns - r->last_ns;
		if (el > MAX_ELAPSED_NS)
			el = MAX_ELAPSED_NS;
		r->last_ns = now_ns;
		if (r->pps) {
			r->ptok += r->pps * el;
			if (r->ptok > r->pcap)
				r->ptok = r->pcap;
		}
		if (r->bps) {
			r->btok += r->bps * el / 1000u;
			if (r->btok > r->bcap)
				r->btok = r->bcap;
		}
	}
	uint64_t bcost = (uint64_t)bytes * 8u * BIT_SCALE;
	if ((r->pps && r->ptok < NS_PER_S) || (r->bps && r->btok < bcost)) {
		r->dropped++;
		return false;
	}
	if (r->pps)
		r->ptok -= NS_PER_S;
	if (r->bps)
		r->btok -= bcost;
	r->passed++;
	return true;
}

int ratelimit_parse(const char *s, uint64_t *out)
{
	if (!s || !*s || *s == '-')
		return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double mul = 1;
	if (*end == 'k' || *end == 'K')
		mul = 1e3, end++;
	else if (*end == 'm' || *end == 'M')
		mul = 1e6, end++;
	else if (*end == 'g' || *end == 'G')
		mul = 1e9, end++;
	if (*end || v * mul > 1e12)
		return -1;
	*out = (uint64_t)(v * mul + 0.5);
	return 0;
}
