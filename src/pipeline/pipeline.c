/*
 * pipeline.c - runs the stages in order for each packet and keeps the
 * counters that belong to no single stage (totals, per transport, per
 * VLAN, duplicate sources). See pipeline.h for the order and why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/pcap_out.h"
#include "pipeline/pipeline.h"

/* Flows are expired at most once per second of packet time. */
#define PIPELINE_EXPIRE_EVERY_NS 1000000000ull

/*
 * Packets up to PIPELINE_COPY_MAX captured bytes are copied into a slot of a
 * small ring and run through the stages PIPELINE_LAG packets late: when
 * packet n is decoded, its dedup set and flow index slot are prefetched;
 * one packet later the flow entry that index slot names is prefetched; one
 * more packet later the stages run for it and find its table lines in
 * cache. The copy is needed because a source may reuse its buffer on the
 * next read (libpcap does). Larger packets, and packets rebuilt from
 * fragments (they live in the decoder's buffer), first let the waiting
 * packets through and then go on at once, so the order never changes.
 */
#define PIPELINE_LAG 2
#define PIPELINE_RING 4   /* slots: a power of two > PIPELINE_LAG (index by mask) */
_Static_assert((PIPELINE_RING & (PIPELINE_RING - 1)) == 0 && PIPELINE_RING > PIPELINE_LAG,
	       "PIPELINE_RING: a power of two above PIPELINE_LAG");
#define PIPELINE_COPY_MAX 2048

struct pipeline_slot {
	struct packet p;                  /* decoded, waiting for the stages */
	uint8_t buf[PIPELINE_COPY_MAX];   /* its captured bytes */
};

struct pipeline {
	struct pipeline_config cfg;
	struct event_counts events;
	struct decoder *dec;
	struct session_table *sessions;
	struct dedup *dedup;
	struct flow_table *flows;
	struct pcap_out *writer;
	struct pipeline_observer obs[PIPELINE_MAX_OBSERVERS];
	unsigned nobs;
	uint64_t next_expire_ns;
	struct pipeline_stats st;
	struct pipeline_slot slot[PIPELINE_RING]; /* ring of decoded packets */
	unsigned head;                    /* oldest waiting packet */
	unsigned nwaiting;                /* packets decoded, stages not run yet */
};

void pipeline_config_default(struct pipeline_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	decode_config_default(&cfg->decode);
	dedup_config_default(&cfg->dedup);
	flow_config_default(&cfg->flow);
	cfg->max_sessions = 1024;
}

static void flow_ended(void *ctx, const struct flow *f);
static void flow_tcp_bytes(void *ctx, const struct flow *f, int dir,
			   uint64_t acked, uint64_t unseen, uint64_t ts_ns);

struct pipeline *pipeline_new(const struct pipeline_config *cfg, char *err, size_t errlen)
{
	struct pipeline *pl = calloc(1, sizeof *pl);
	if (!pl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pl->cfg = *cfg;
	pl->dec = decoder_new(&pl->cfg.decode, &pl->events);
	pl->sessions = session_table_new(cfg->max_sessions);
	pl->dedup = dedup_new(&pl->cfg.dedup);
	pl->flows = flow_table_new(&pl->cfg.flow);
	if (pl->sessions)
		session_table_set_events(pl->sessions, &pl->events);
	if (pl->dedup)
		dedup_set_events(pl->dedup, &pl->events);
	if (pl->flows) {
		flow_table_set_events(pl->flows, &pl->events);
		flow_table_set_on_evict(pl->flows, flow_ended, pl);
	}
	if (!pl->dec || !pl->sessions || !pl->dedup || !pl->flows) {
		snprintf(err, errlen, "out of memory setting up the pipeline (max flows %u)",
			 cfg->flow.max_flows);
		pipeline_free(pl);
		return NULL;
	}
	return pl;
}

void pipeline_free(struct pipeline *pl)
{
	if (!pl)
		return;
	if (pl->dec)
		decoder_free(pl->dec);
	if (pl->sessions)
		session_table_free(pl->sessions);
	if (pl->dedup)
		dedup_free(pl->dedup);
	if (pl->flows)
		flow_table_free(pl->flows);
	free(pl);
}

int pipeline_add_observer(struct pipeline *pl, const struct pipeline_observer *o)
{
	if (pl->nobs >= PIPELINE_MAX_OBSERVERS)
		return -1;
	pl->obs[pl->nobs++] = *o;
	if (o->on_tcp_bytes) /* (only then: no call per ACK for nobody) */
		flow_table_set_on_tcp_bytes(pl->flows, flow_tcp_bytes, pl);
	return 0;
}

void pipeline_set_writer(struct pipeline *pl, struct pcap_out *w)
{
	pl->writer = w;
}

static uint64_t flow_total_bytes(const struct flow *f)
{
	return f->bytes[0] + f->bytes[1];
}

/* Keep the PIPELINE_TOP_FLOWS largest flows (insertion into a short sorted array). */
static void keep_top(struct pipeline_stats *st, const struct flow *f)
{
	uint64_t b = flow_total_bytes(f);
	unsigned n = st->ntop;
	if (n == PIPELINE_TOP_FLOWS && flow_total_bytes(&st->top[n - 1]) >= b)
		return;
	unsigned i = n < PIPELINE_TOP_FLOWS ? n : PIPELINE_TOP_FLOWS - 1;
	while (i > 0 && flow_total_bytes(&st->top[i - 1]) < b) {
		st->top[i] = st->top[i - 1];
		i--;
	}
	st->top[i] = *f;
	if (n < PIPELINE_TOP_FLOWS)
		st->ntop++;
}

static void flow_ended(void *ctx, const struct flow *f)
{
	struct pipeline *pl = ctx;
	pl->st.flows_ended++;
	keep_top(&pl->st, f);
	for (unsigned i = 0; i < pl->nobs; i++)
		if (pl->obs[i].on_flow_end)
			pl->obs[i].on_flow_end(pl->obs[i].ctx, f);
}

/* The flow stage counted TCP bytes ACKed / unseen: observers accumulate them. */
static void flow_tcp_bytes(void *ctx, const struct flow *f, int dir,
			   uint64_t acked, uint64_t unseen, uint64_t ts_ns)
{
	struct pipeline *pl = ctx;
	for (unsigned i = 0; i < pl->nobs; i++)
		if (pl->obs[i].on_tcp_bytes)
			pl->obs[i].on_tcp_bytes(pl->obs[i].ctx, f, dir, acked, unseen, ts_ns);
}

static void notify(struct pipeline *pl, const struct packet *p,
		   const struct mirror_session *s, const struct flow *f, int dir)
{
	for (unsigned i = 0; i < pl->nobs; i++)
		if (pl->obs[i].on_packet)
			pl->obs[i].on_packet(pl->obs[i].ctx, p, s, f, dir);
}

/* Count a removed copy against the pair (kept copy's session, this one's). */
static void count_dup_pair(struct pipeline_stats *st, uint32_t orig, uint32_t copy)
{
	for (unsigned i = 0; i < st->ndup_pairs; i++) {
		struct pipeline_dup_pair *dp = &st->dup_pairs[i];
		if (dp->orig_session == orig && dp->copy_session == copy) {
			dp->packets++;
			return;
		}
	}
	if (st->ndup_pairs >= PIPELINE_MAX_DUP_PAIRS) {
		st->dup_pairs_overflow++;
		return;
	}
	st->dup_pairs[st->ndup_pairs++] =
		(struct pipeline_dup_pair){ .orig_session = orig, .copy_session = copy, .packets = 1 };
}

/* Everything after decoding, for one decoded packet. */
static void stages(struct pipeline *pl, struct packet *p)
{
	struct pipeline_stats *st = &pl->st;

	st->frames++;
	st->frame_bytes += p->frame_wirelen;
	if (p->truncated)
		st->truncated++;

	struct mirror_session *s = session_account(pl->sessions, p);
	if (!s)
		st->no_session++;
	uint32_t sidx = s ? s->index : UINT32_MAX;

	if (!admit_accept(&pl->cfg.admit, p)) {
		p->rejected = true;
		st->rejected++;
		if (s)
			s->rejected++;
		notify(pl, p, s, NULL, 0);
		return;
	}
	st->by_transport[p->mirror.transport]++;

	uint32_t orig = 0;
	if (pl->cfg.dedup.enabled && dedup_check(pl->dedup, p, sidx, &orig)) {
		p->duplicate = true;
		st->duplicates++;
		if (s)
			s->duplicates++;
		count_dup_pair(st, orig, sidx);
		notify(pl, p, s, NULL, 0);
		return;
	}
	st->unique++;
	st->unique_bytes += p->frame_wirelen;
	if (p->nvlans)
		st->vlan_packets[p->vlans[p->nvlans - 1] & (PIPELINE_VLANS - 1)]++;
	else
		st->untagged++;
	if (!(p->layers & (LAYER_IPV4 | LAYER_IPV6)))
		st->non_ip++;

	int dir = 0;
	struct flow *f = flow_update(pl->flows, p, &dir);
	if (f && f->session_index == FLOW_SESSION_NONE)
		f->session_index = sidx;
	if (p->ts_ns >= pl->next_expire_ns) {
		flow_expire(pl->flows, p->ts_ns, flow_ended, pl);
		pl->next_expire_ns = p->ts_ns + PIPELINE_EXPIRE_EVERY_NS;
	}
	if (pl->writer && pcap_out_write(pl->writer, p) == 0)
		st->written++;
	notify(pl, p, s, f, dir);
}

/* Run the stages for the oldest waiting packet. */
static void run_oldest(struct pipeline *pl)
{
	struct pipeline_slot *sl = &pl->slot[pl->head];
	pl->head = (pl->head + 1) & (PIPELINE_RING - 1);
	pl->nwaiting--;
	stages(pl, &sl->p);
}

void pipeline_drain(struct pipeline *pl)
{
	while (pl->nwaiting)
		run_oldest(pl);
}

struct packet *pipeline_next_packet(struct pipeline *pl)
{
	return &pl->slot[(pl->head + pl->nwaiting) & (PIPELINE_RING - 1)].p;
}

void pipeline_packet(struct pipeline *pl, struct packet *p)
{
	struct pipeline_stats *st = &pl->st;

	st->packets++;
	st->bytes += p->wirelen;
	if (p->caplen < p->wirelen)
		event_count(&pl->events, EV_CAPTURE_SNAPLEN_CUT);
	if (st->first_ns == 0 || p->ts_ns < st->first_ns)
		st->first_ns = p->ts_ns;
	if (p->ts_ns < st->last_ns)
		st->ts_backwards++;
	else
		st->last_ns = p->ts_ns;

	if (p->caplen > PIPELINE_COPY_MAX) {
		/* Too big for a slot: let the waiting packets go first. */
		pipeline_drain(pl);
		if (!decode_packet(pl->dec, p)) {
			st->held_fragments++;
			return;
		}
		stages(pl, p);
		return;
	}
	unsigned tail = (pl->head + pl->nwaiting) & (PIPELINE_RING - 1);
	struct pipeline_slot *sl = &pl->slot[tail];
	if (p != &sl->p)
		sl->p = *p;
	memcpy(sl->buf, p->data, p->caplen);
	sl->p.data = sl->buf;
	if (!decode_packet(pl->dec, &sl->p)) {
		st->held_fragments++;
		return;
	}
	if (sl->p.data != sl->buf) {
		/* Rebuilt from fragments: valid only until the next decode. */
		pipeline_drain(pl);
		stages(pl, &sl->p);
		return;
	}
	if (pl->cfg.dedup.enabled)
		dedup_prepare(pl->dedup, &sl->p);
	flow_prepare(pl->flows, &sl->p);
	if (pl->nwaiting) {
		/* The newest waiting packet's index slot was prefetched one packet ago. */
		unsigned prev = (tail - 1) & (PIPELINE_RING - 1);
		flow_prefetch_entry(pl->flows, &pl->slot[prev].p);
	}
	pl->nwaiting++;
	if (pl->nwaiting > PIPELINE_LAG)
		run_oldest(pl);
}

void pipeline_finish(struct pipeline *pl)
{
	pipeline_drain(pl);
	flow_flush(pl->flows, flow_ended, pl);
	for (unsigned i = 0; i < pl->nobs; i++)
		if (pl->obs[i].on_finish)
			pl->obs[i].on_finish(pl->obs[i].ctx);
}

const struct pipeline_config *pipeline_config(const struct pipeline *pl) { return &pl->cfg; }
const struct pipeline_stats *pipeline_stats(const struct pipeline *pl) { return &pl->st; }
const struct session_table *pipeline_sessions(const struct pipeline *pl) { return pl->sessions; }
const struct flow_table *pipeline_flows(const struct pipeline *pl) { return pl->flows; }
const struct dedup *pipeline_dedup(const struct pipeline *pl) { return pl->dedup; }
const struct decoder *pipeline_decoder(const struct pipeline *pl) { return pl->dec; }
const struct event_counts *pipeline_events(const struct pipeline *pl) { return &pl->events; }
