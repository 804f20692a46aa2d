/*
 * ratelimit.h - token buckets in packets/s and bits/s for the mirror's
 * output. A copy that finds either bucket empty is dropped and counted:
 * nothing is ever queued, so the mirror can never burst more than one
 * bucket's worth onto a plant network.
 */
#ifndef MS_SEND_RATELIMIT_H
#define MS_SEND_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* Bucket depth: this much time's worth of tokens at most (and never less
 * than RATELIMIT_MIN_BURST packets / one jumbo frame of bits). */
#define RATELIMIT_BURST_NS 100000000ull   /* 100 ms */
#define RATELIMIT_MIN_BURST 8u

struct ratelimit {
	uint64_t pps;         /* packets per second, 0 = no limit */
	uint64_t bps;         /* bits per second, 0 = no limit */
	uint64_t ptok;        /* packet tokens, in packet-nanoseconds (1 packet = 1e9) */
	uint64_t btok;        /* bit tokens, in bit-nanoseconds / 1e3 (1 bit = 1e6) */
	uint64_t pcap;        /* ptok ceiling */
	uint64_t bcap;        /* btok ceiling */
	uint64_t last_ns;     /* time of the last refill */
	uint64_t passed;      /* copies let through */
	uint64_t dropped;     /* copies refused */
};

/* pps / bps 0 = unlimited. The bucket starts full. */
void ratelimit_init(struct ratelimit *r, uint64_t pps, uint64_t bps, uint64_t now_ns);

/* May a frame of `bytes` wire bytes go now? Takes the tokens if so. */
bool ratelimit_admit(struct ratelimit *r, uint64_t now_ns, uint32_t bytes);

/* Parse "1000", "10k", "2.5M", "1G" (decimal multipliers) into *out. */
int ratelimit_parse(const char *s, uint64_t *out);

#endif
