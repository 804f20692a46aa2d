/*
 * pipeline.h - the stages every packet passes through, in order:
 *
 *   decode -> mirror session accounting -> admission (tunnel rules)
 *          -> dedup -> flow -> clean pcap out -> observers (health, assets)
 *
 * One pipeline owns all state for the packets it sees (one worker); running
 * on more cores means one pipeline per worker with packets sharded by inner
 * flow hash before pipeline_packet(). The report layer reads the counters
 * the stages keep; it never recomputes them.
 */
#ifndef MS_PIPELINE_PIPELINE_H
#define MS_PIPELINE_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/source.h"
#include "core/event.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "mirror/admit.h"
#include "mirror/dedup.h"
#include "mirror/session.h"

#define PIPELINE_MAX_OBSERVERS 4
#define PIPELINE_MAX_DUP_PAIRS 64   /* (original session, copy session) pairs kept */
#define PIPELINE_VLANS 4096
#define PIPELINE_TOP_FLOWS 32     /* largest ended flows kept for the summary */

struct pcap_out;

struct pipeline_config {
	struct decode_config decode;
	struct admit_config admit;
	struct dedup_config dedup;
	struct flow_config flow;
	unsigned max_sessions;          /* mirror sessions tracked (default 1024) */
};

void pipeline_config_default(struct pipeline_config *cfg);

/*
 * Observers: verify's health stage and the inventory register here.
 * on_packet is called for every decoded packet after session accounting,
 * admission, dedup and flow update; p->rejected and p->duplicate say whether
 * it was refused or a copy (s / f may be NULL: no session table room,
 * non-IP, refused or duplicate). dir: 0 initiator->responder, 1 back.
 */
struct pipeline_observer {
	void (*on_packet)(void *ctx, const struct packet *p,
			  const struct mirror_session *s, const struct flow *f, int dir);
	void (*on_flow_end)(void *ctx, const struct flow *f);
	void (*on_finish)(void *ctx);
	/* TCP bytes of flow direction dir newly ACKed / judged unseen, as the
	 * flow stage counts them (see flow_tcp_report_fn); may be NULL. */
	void (*on_tcp_bytes)(void *ctx, const struct flow *f, int dir,
			     uint64_t acked, uint64_t unseen, uint64_t ts_ns);
	void *ctx;
};

/* Duplicates by where the first copy and the removed copy came from. */
struct pipeline_dup_pair {
	uint32_t orig_session;   /* session index of the copy that was kept */
	uint32_t copy_session;   /* session index of the copy that was removed */
	uint64_t packets;
};

struct pipeline_stats {
	uint64_t packets;            /* captured packets handed in */
	uint64_t bytes;              /* their wire bytes */
	uint64_t held_fragments;     /* outer fragments held for reassembly */
	uint64_t frames;             /* original frames out of the decoders */
	uint64_t frame_bytes;        /* their wire bytes */
	uint64_t truncated;          /* frames the capture cut (snaplen) */
	uint64_t rejected;           /* refused by the tunnel rules */
	uint64_t no_session;         /* session table full */
	uint64_t duplicates;         /* removed by dedup */
	uint64_t unique;             /* frames after dedup */
	uint64_t unique_bytes;
	uint64_t non_ip;             /* unique frames without an IP layer */
	uint64_t by_transport[TRANSPORT__COUNT];
	uint64_t ts_backwards;       /* capture timestamps going back in time */
	uint64_t first_ns, last_ns;  /* capture time of first and last packet */
	uint64_t vlan_packets[PIPELINE_VLANS]; /* unique frames per outer inner VLAN */
	uint64_t untagged;           /* unique frames without a VLAN tag */
	struct pipeline_dup_pair dup_pairs[PIPELINE_MAX_DUP_PAIRS];
	unsigned ndup_pairs;
	uint64_t dup_pairs_overflow;
	uint64_t written;            /* frames written to -w */
	uint64_t flows_ended;        /* flows that left the table */
	struct flow top[PIPELINE_TOP_FLOWS]; /* largest flows by bytes, largest first */
	unsigned ntop;
};

struct pipeline *pipeline_new(const struct pipeline_config *cfg, char *err, size_t errlen);
void pipeline_free(struct pipeline *pl);
int pipeline_add_observer(struct pipeline *pl, const struct pipeline_observer *o);
/* Write the clean frames (after decap and dedup) here; NULL to stop. */
void pipeline_set_writer(struct pipeline *pl, struct pcap_out *w);

/* The packet struct the next pipeline_packet() call should be given: the
 * source fills it in place, so the packet is not copied into the ring. */
struct packet *pipeline_next_packet(struct pipeline *pl);
/* All stages for one captured packet. The stages may run for it only at
 * the next call (see pipeline.c); p's bytes are copied, so the caller may
 * reuse its buffer at once. */
void pipeline_packet(struct pipeline *pl, struct packet *p);
/* Run the stages for a packet still waiting (idle live capture). */
void pipeline_drain(struct pipeline *pl);
/* End of input: flush flows (observers see every flow end), on_finish. */
void pipeline_finish(struct pipeline *pl);

const struct pipeline_config *pipeline_config(const struct pipeline *pl);
const struct pipeline_stats *pipeline_stats(const struct pipeline *pl);
const struct session_table *pipeline_sessions(const struct pipeline *pl);
const struct flow_table *pipeline_flows(const struct pipeline *pl);
const struct dedup *pipeline_dedup(const struct pipeline *pl);
const struct decoder *pipeline_decoder(const struct pipeline *pl);
const struct event_counts *pipeline_events(const struct pipeline *pl);

#endif
