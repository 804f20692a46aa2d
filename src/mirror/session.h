/*
 * session.h - per mirror session accounting.
 *
 * A mirror session is one stream of copies: one tunnel source address and
 * one session identifier (ERSPAN session ID, VXLAN/Geneve VNI, GRE key or
 * RSPAN VLAN) on one input. Each session counts what arrived and, when the
 * copies carry a GRE sequence number (ERSPAN II/III, keyed GRE with S bit),
 * how many were lost upstream of the sensor: exact, judged per (source
 * address, session) so that interleaved sessions from one switch do not
 * look like loss. The sequence rules are documented at the top of
 * session.c.
 */
#ifndef MS_MIRROR_SESSION_H
#define MS_MIRROR_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"
#include "decode/packet.h"

/*
 * Sequence numbers remembered behind the highest one seen. A number that
 * arrives up to this far behind is judged reordered or repeated; further
 * behind means the source restarted its counter.
 */
#define SESSION_SEQ_WINDOW 1024u

#define SESSION_DEFAULT_MAX 1024u /* sessions kept by default */

struct mirror_session {
	/* ---- key ---- */
	enum transport transport; /* mirror method of the copies */
	struct ip_addr src;       /* outer source (zero for plain/rspan) */
	uint32_t id;              /* ERSPAN session / VNI / GRE key / RSPAN VLAN */
	bool has_id;              /* id is meaningful */
	uint16_t source;          /* input index (file / interface) */

	/* ---- counters ---- */
	uint64_t packets;          /* copies received */
	uint64_t bytes;            /* wire bytes of the copies as received */
	uint64_t first_ns;         /* time of the first copy */
	uint64_t last_ns;          /* time of the latest copy */
	uint64_t seq_packets;      /* packets that carried a GRE sequence number */
	uint64_t seq_lost;         /* packets lost per sequence gaps (exact) */
	uint64_t seq_gap_events;   /* runs of lost numbers (gaps still open) */
	uint64_t seq_reordered;    /* arrived behind the highest, not seen before */
	uint64_t seq_repeated;     /* sequence number already seen */
	uint64_t seq_restarts;     /* counter restarted (jump back beyond window) */
	uint64_t truncated;        /* ERSPAN T bit set */
	uint64_t outer_fragmented; /* arrived as outer IP fragments */
	uint64_t dir_ingress;      /* ERSPAN III D = 0 */
	uint64_t dir_egress;       /* ERSPAN III D = 1 */
	uint64_t duplicates;       /* removed by dedup (filled by the pipeline) */
	uint64_t rejected;         /* refused by admission rules (pipeline) */
	uint32_t index;            /* position in the table (stable) */

	/* ---- sequence tracking state (session.c) ---- */
	bool seq_init;             /* a sequence number was seen */
	uint32_t seq_high;         /* highest sequence number seen (serial) */
	uint32_t seq_span;         /* numbers tracked since (re)start, <= window */
	uint64_t seq_seen[SESSION_SEQ_WINDOW / 64]; /* ring: bit (n % W) = n seen */
};

struct session_table; /* opaque: sessions array + hash index */

/* A table of at most max_sessions sessions (0 = SESSION_DEFAULT_MAX). NULL on OOM. */
struct session_table *session_table_new(unsigned max_sessions);
void session_table_free(struct session_table *t);

/* Optional: count mirror.* events (table full, restarts) into ec. */
void session_table_set_events(struct session_table *t, struct event_counts *ec);

/*
 * Find or create the session of p and account the copy (counters and
 * sequence). NULL if the table is full (counted in session_overflow()).
 */
struct mirror_session *session_account(struct session_table *t,
				       const struct packet *p);

unsigned session_count(const struct session_table *t);
const struct mirror_session *session_at(const struct session_table *t, unsigned i);
/* Mutable access for the pipeline (duplicates, rejected). */
struct mirror_session *session_at_mut(struct session_table *t, unsigned i);
uint64_t session_overflow(const struct session_table *t);

/*
 * Feed one GRE sequence number to a session's tracker (session_account
 * does this; exposed for tests). Updates seq_* counters.
 */
void session_seq_observe(struct mirror_session *s, uint32_t seq);

/* The session identifier a packet carries, as used for the key. */
bool session_packet_id(const struct packet *p, uint32_t *id);

#endif
