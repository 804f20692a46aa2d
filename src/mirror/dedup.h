/*
 * dedup.h - one copy of each packet within a time window.
 *
 * A switch mirroring rx and tx of several ports, or two mirrors covering one
 * path, delivers the same packet more than once, microseconds to a few
 * milliseconds apart; a routed copy differs in VLAN, MACs, TTL and IPv4
 * header checksum, and every copy may come through a different
 * encapsulation. The key therefore covers only what does not change in
 * flight: the inner IP header with TTL/hop limit, checksum and ECN masked,
 * the L4 header and a bounded prefix of the payload, plus the IP length;
 * for non-IP frames the frame from the EtherType on (after VLAN tags).
 * Fingerprints live in a fixed set-associative table with a timestamp each
 * (no allocation per packet); see dedup.c for the layout and the default
 * window.
 */
#ifndef MS_MIRROR_DEDUP_H
#define MS_MIRROR_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "decode/packet.h"

#define DEDUP_DEFAULT_WINDOW_NS 10000000ull /* 10 ms, justified in dedup.c */
#define DEDUP_DEFAULT_TABLE_BITS 17         /* 131072 fingerprints, 2 MiB */
#define DEDUP_MIN_TABLE_BITS 4
#define DEDUP_MAX_TABLE_BITS 26
#define DEDUP_PAYLOAD_PREFIX 64u            /* payload bytes hashed */

struct dedup_config {
	bool enabled;        /* dedup on (default on) */
	uint64_t window_ns;  /* copies closer than this are duplicates */
	unsigned table_bits; /* table holds 2^table_bits fingerprints */
};

void dedup_config_default(struct dedup_config *cfg);

struct dedup; /* opaque */

/* NULL on OOM. table_bits is clamped to [DEDUP_MIN_TABLE_BITS, DEDUP_MAX_TABLE_BITS]. */
struct dedup *dedup_new(const struct dedup_config *cfg);
void dedup_free(struct dedup *d);

/* Optional: count mirror.dedup_* events into ec. */
void dedup_set_events(struct dedup *d, struct event_counts *ec);

/*
 * True when p is a copy of a packet seen within the window; tag = the
 * caller's id for where this copy came from (session index); *orig_tag
 * (may be NULL) = where the first copy came from. Always false when the
 * config is disabled. The first copy's time opens the window: a third copy
 * is compared to the first, and a copy outside the window starts a new one.
 */
bool dedup_check(struct dedup *d, const struct packet *p, uint32_t tag,
		 uint32_t *orig_tag);

/* Compute p's key ahead of dedup_check and prefetch its table set, so the
 * pipeline can hide the memory latency behind another packet's work. */
void dedup_prepare(const struct dedup *d, struct packet *p);

/* The 64-bit key of p (exposed for tests and diagnostics). */
uint64_t dedup_fingerprint(const struct packet *p);

struct dedup_stats {
	uint64_t checked;       /* packets judged */
	uint64_t duplicates;    /* judged copies */
	uint64_t cross_tag;     /* copies whose first copy had another tag */
	uint64_t evicted_early; /* live fingerprints pushed out (table too small) */
	uint64_t non_ip;        /* keyed on the frame from the EtherType on */
	uint64_t unkeyable;     /* too short to key (passed, not remembered) */
};

const struct dedup_stats *dedup_stats(const struct dedup *d);
size_t dedup_memory(const struct dedup *d); /* bytes of the table */

#endif
