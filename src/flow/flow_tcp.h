/*
 * flow_tcp.h - TCP tracking inside the flow table (private to src/flow):
 * the shared pool of unseen sequence ranges ("holes") and the per-packet
 * and end-of-flow entry points flow.c calls. Rules in flow_tcp.c.
 */
#ifndef MS_FLOW_FLOW_TCP_H
#define MS_FLOW_FLOW_TCP_H

#include "flow/flow.h"

#define FLOW_HOLE_NIL UINT32_MAX

/* An unseen range of one direction's sequence space: [start, end). */
struct flow_tcp_hole {
	uint32_t start;    /* first missing sequence number */
	uint32_t end;      /* one past the last missing */
	uint32_t acked_ms; /* ms after flow start when first ACKed, +1; 0 = not yet */
	uint32_t next;     /* next higher hole of the direction, or free list */
};

/*
 * Holes of all flows come from one fixed pool allocated with the table, so
 * a lossy flow can hold many while a clean one costs nothing.
 */
struct flow_hole_pool {
	struct flow_tcp_hole *holes; /* cap entries */
	uint32_t cap;                /* pool size */
	uint32_t used;               /* entries ever taken (untouched tail after) */
	uint32_t free_head;          /* free list through next */
	uint32_t in_use;             /* holes held now */
	flow_tcp_report_fn report;   /* told of ACKed / unseen bytes as counted, or NULL */
	void *report_ctx;            /* its context */
	uint64_t now_ns;             /* time reported: packet being tracked, or ending flow's last */
};

/* Per TCP packet: state, sequence tracking, ACKed-unseen. */
void flow_tcp_packet(struct flow *f, const struct packet *p, int dir,
		     struct flow_hole_pool *pool, uint64_t reorder_ns,
		     struct flow_stats *st, struct event_counts *ec);
/* Flow ends: every hole below the ACKs is unseen; holes go back to the pool;
 * the flow's totals are added to st. */
void flow_tcp_finish(struct flow *f, struct flow_hole_pool *pool,
		     struct flow_stats *st);
/* A new flow: no holes. */
void flow_tcp_init(struct flow *f);

#endif
