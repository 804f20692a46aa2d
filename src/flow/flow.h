/*
 * flow.h - bidirectional flow table of the inner (original) traffic.
 *
 * One entry per conversation: addresses, ports, IP protocol and optionally
 * the VLAN. Direction 0 is initiator -> responder. Open addressing on a
 * symmetric hash computed once per packet (stored in packet.flow_hash for
 * later stages), a fixed bound on flows with LRU eviction when full, idle
 * expiry per protocol, and for TCP the handshake state plus the
 * ACKed-but-unseen estimate of what the mirror lost (the method behind
 * Zeek's capture-loss figure; rules in flow_tcp.c).
 */
#ifndef MS_FLOW_FLOW_H
#define MS_FLOW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "decode/packet.h"

#define FLOW_DEFAULT_MAX (1u << 18)     /* 262144 flows, ~56 MiB at most */
#define FLOW_SESSION_NONE UINT32_MAX    /* flow.session_index not set yet */
#define FLOW_LIST_FREE 0xff             /* flow.lru_list of an unused slot */
#define FLOW_TCP_MAX_HOLES 64           /* unseen ranges tracked per direction */
#define FLOW_HOLE_POOL_MIN 4096u        /* hole pool: max(this, max_flows / 2) */
#define FLOW_DEFAULT_REORDER_NS 50000000ull /* 50 ms reorder allowance */

struct flow_config {
	unsigned max_flows;      /* bound on tracked flows */
	bool vlan_in_key;        /* innermost VLAN ID is part of the key */
	uint64_t tcp_idle_ns;    /* open TCP flow idle timeout */
	uint64_t tcp_closed_ns;  /* TCP after FIN both ways or RST */
	uint64_t udp_idle_ns;    /* UDP idle timeout */
	uint64_t other_idle_ns;  /* ICMP and other protocols */
	uint64_t tcp_reorder_ns; /* hole ACKed but unfilled this long = unseen */
};

void flow_config_default(struct flow_config *cfg);

enum flow_tcp_state {
	FLOW_TCP_NONE = 0,     /* not TCP, or nothing decisive seen */
	FLOW_TCP_SYN_SENT,     /* SYN seen */
	FLOW_TCP_SYN_RECEIVED, /* SYN-ACK seen */
	FLOW_TCP_ESTABLISHED,  /* handshake completed, or data seen midstream */
	FLOW_TCP_CLOSING,      /* FIN seen in one direction */
	FLOW_TCP_CLOSED,       /* FIN both ways, or RST */
};

const char *flow_tcp_state_name(uint8_t state); /* "established", ... */

/* Sequence tracking of the data one direction sends (rules in flow_tcp.c). */
struct flow_tcp_dir {
	uint32_t max_seen;  /* one past the highest sequence number seen */
	uint32_t acked_to;  /* the other side's ACKs counted up to here */
	uint32_t hole_head; /* lowest unseen range (index in the table's hole pool) */
	uint32_t hole_tail; /* highest unseen range */
	uint8_t nholes;     /* unseen ranges held (<= FLOW_TCP_MAX_HOLES) */
	bool init;          /* max_seen/acked_to valid (first data or SYN seen) */
	bool fin;           /* FIN seen: max_seen - 1 is its sequence number */
};

struct flow {
	/* ---- key (direction 0 = initiator -> responder) ---- */
	struct ip_addr a[2];     /* a[0] initiator, a[1] responder */
	uint16_t port[2];        /* TCP/UDP ports (0 for other protocols) */
	uint8_t proto;           /* IP protocol */
	uint8_t tcp_state;       /* enum flow_tcp_state */
	uint16_t vlan;           /* innermost VLAN of the first packet (0 none) */
	bool saw_syn;            /* SYN from the initiator seen */
	bool saw_synack;         /* SYN-ACK from the responder seen */
	uint16_t source;         /* input of the first packet */
	uint8_t lru_list;        /* idle list holding the flow, FLOW_LIST_FREE if unused */
	uint8_t fin_dirs;        /* bit d: FIN seen from direction d */
	/* (kept in the key's first 64 bytes: a probe touches one cache line) */
	uint32_t hash32;         /* low 32 bits of the flow hash (flow.c) */
	uint32_t session_index;  /* mirror session of the first packet (set by the caller) */
	uint32_t lru_prev;       /* older neighbour in the idle list (flow.c) */
	uint32_t lru_next;       /* newer neighbour, or next free slot (flow.c) */

	/* ---- counters ---- */
	uint64_t packets[2];     /* per direction */
	uint64_t bytes[2];       /* IP bytes (l3_len) per direction */
	uint64_t first_ns;       /* first packet time */
	uint64_t last_ns;        /* latest packet time */
	uint64_t acked_bytes[2]; /* payload bytes of direction d that the other side ACKed */
	uint64_t unseen_bytes[2]; /* of those, bytes never seen (ACKed-but-unseen) */
	uint64_t gap_events[2];  /* holes of direction d judged unseen */

	/* ---- TCP tracking (flow_tcp.c) ---- */
	struct flow_tcp_dir tcp[2]; /* per direction: data sent by a[d] */
	uint32_t lru_epoch;      /* packet time >> 30 (~1 s) when last moved in its list (flow.c) */
};

struct flow_table; /* opaque */

/* NULL on OOM. max_flows 0 = FLOW_DEFAULT_MAX. */
struct flow_table *flow_table_new(const struct flow_config *cfg);
void flow_table_free(struct flow_table *t);

/* Optional: count flow.* events into ec. */
void flow_table_set_events(struct flow_table *t, struct event_counts *ec);
/*
 * Optional: told of a TCP flow's loss figures as the flow stage counts them:
 * bytes of direction dir (data a[dir] sent) newly ACKed by the other side,
 * and bytes judged ACKed-but-unseen. ts_ns: time of the packet that made it
 * so, or the flow's last packet when it ends. The sums over a flow equal its
 * acked_bytes / unseen_bytes; report layers accumulate these, they never
 * track sequence numbers themselves.
 */
typedef void (*flow_tcp_report_fn)(void *ctx, const struct flow *f, int dir,
				   uint64_t acked, uint64_t unseen, uint64_t ts_ns);
void flow_table_set_on_tcp_bytes(struct flow_table *t, flow_tcp_report_fn fn, void *ctx);
/* Optional: called for each flow evicted by flow_update when the table is full. */
void flow_table_set_on_evict(struct flow_table *t,
			     void (*on_end)(void *ctx, const struct flow *f),
			     void *ctx);

/*
 * Finds or creates the flow of p (IP packets only; NULL for non-IP, non-first
 * IP fragments, or when full and eviction failed); *dir = 0 if p goes
 * initiator -> responder. Computes p->flow_hash once (also when NULL is
 * returned for a full table). A new flow has session_index
 * FLOW_SESSION_NONE: the caller stamps its session index.
 */
struct flow *flow_update(struct flow_table *t, struct packet *p, int *dir);
/* Compute p's flow hash ahead of flow_update and prefetch its index slot. */
void flow_prepare(const struct flow_table *t, struct packet *p);
/* Once the index slot is in cache (a packet after flow_prepare): prefetch
 * the flow entry the slot points to. */
void flow_prefetch_entry(const struct flow_table *t, const struct packet *p);

/* The symmetric hash flow_update uses (0 for non-IP). */
uint64_t flow_hash_packet(const struct packet *p, bool vlan_in_key);

/* Expire idle flows as of now_ns, calling on_end for each one leaving the table. */
void flow_expire(struct flow_table *t, uint64_t now_ns,
		 void (*on_end)(void *ctx, const struct flow *f), void *ctx);
/* End every flow (calling on_end for each), leaving the table empty. */
void flow_flush(struct flow_table *t,
		void (*on_end)(void *ctx, const struct flow *f), void *ctx);
/* Visit live flows (table order). */
void flow_foreach(const struct flow_table *t,
		  void (*fn)(void *ctx, const struct flow *f), void *ctx);

struct flow_stats {
	uint64_t created;       /* flows created */
	uint64_t expired;       /* ended by idle timeout */
	uint64_t evicted;       /* ended early because the table was full */
	uint64_t flushed;       /* ended by flow_flush */
	uint64_t active;        /* live now */
	uint64_t peak;          /* most live at once */
	uint64_t full_drops;    /* packets without a flow: table full, nothing evictable */
	uint64_t not_ip;        /* packets that were not IP */
	uint64_t fragments;     /* non-first IP fragments (no ports: not tracked) */
	uint64_t tcp_packets;   /* TCP packets tracked */
	uint64_t acked_bytes;   /* over ended flows (+ live ones at flush) */
	uint64_t unseen_bytes;  /* over ended flows (+ live ones at flush) */
	uint64_t gap_events;    /* holes judged unseen */
	uint64_t hole_overflow; /* holes dropped: FLOW_TCP_MAX_HOLES open or pool empty */
	uint64_t holes_peak;    /* most unseen ranges held at once (pool use) */
	uint64_t holes_held;    /* unseen ranges held now (0 after flow_flush) */
	uint64_t ack_desync;    /* implausible ACK jumps: tracking restarted */
	uint64_t tcp_reused;    /* SYN with a new ISN on a tracked flow: restarted */
	uint64_t tcp_fragmented; /* first fragments of TCP segments: tracking paused */
};

const struct flow_stats *flow_stats(const struct flow_table *t);

/* Memory per tracked flow (entry + index), for the benchmark report. */
size_t flow_bytes_per_flow(void);

/*
 * ACKed-unseen estimate of one flow / of the table in percent of ACKed
 * bytes (0 when nothing was ACKed).
 */
double flow_unseen_pct(uint64_t acked, uint64_t unseen);

#endif
