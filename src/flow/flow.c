/*
 * flow.c - the bidirectional flow table: symmetric hash, open addressing,
 * bounded memory, LRU eviction and idle expiry.
 *
 * Layout: flows live in a fixed array (max_flows entries, a slot's index
 * never changes while the flow lives); an index of 2x as many uint32 slots
 * (linear probing, entries = flow index + 1, 0 = empty, backward-shift
 * deletion so no tombstones) finds them from the hash. Each flow carries
 * the low 32 bits of its hash, so a probe compares the key only on a hash
 * match and a deletion finds the home slot without rehashing. Nothing is
 * allocated per packet; a slot is taken from the free list or from the
 * never-used tail of the array.
 *
 * Idle lists: four doubly linked lists (open TCP, closed TCP, UDP, other),
 * each kept in order of last activity, lazily: a packet moves its flow to
 * the newest end only when the flow was last moved in an earlier epoch of
 * packet time (2^30 ns, about a second), so a busy flow costs one move per
 * second instead of touching two neighbours per packet. Expiry pops each
 * list from its oldest end while the oldest flow is past its timeout, and
 * sends a head that was active since its last move back to the newest end;
 * timeouts are thus honoured within about a second. When the
 * table is full a new flow evicts the oldest closed TCP flow if there is
 * one, else the least recently active flow of the other lists (counted in
 * stats.evicted and flow.table_full).
 *
 * Direction: the initiator is the sender of the first packet, except when
 * that packet shows otherwise: a SYN-ACK comes from the responder, and a
 * midstream packet from a well-known service port (below 1024, or an
 * industrial protocol port listed below) to another port comes from the
 * responder.
 */
#include "core/hash.h"
#include "flow/flow.h"
#include "flow/flow_tcp.h"

#include <stdlib.h>
#include <string.h>

#define FLOW_NIL UINT32_MAX

enum {
	LIST_TCP = 0,    /* TCP not closed */
	LIST_TCP_CLOSED, /* TCP after FIN both ways or RST */
	LIST_UDP,        /* UDP */
	LIST_OTHER,      /* ICMP and other protocols */
	LIST__COUNT
};

struct flow_table {
	struct flow_config cfg;      /* as given, defaults filled in */
	struct flow *flows;          /* cfg.max_flows slots */
	uint32_t used;               /* slots ever taken (never-used tail starts here) */
	uint32_t free_head;          /* free list through lru_next, FLOW_NIL = empty */
	uint32_t *index;             /* hash index: flow index + 1, 0 = empty */
	uint32_t mask;               /* index slots - 1 */
	uint32_t head[LIST__COUNT];  /* oldest flow of each idle list */
	uint32_t tail[LIST__COUNT];  /* newest flow of each idle list */
	uint64_t timeout[LIST__COUNT]; /* idle timeout of each list */
	struct flow_hole_pool holes; /* unseen TCP ranges of all flows */
	struct flow_stats stats;     /* counters */
	struct event_counts *events; /* optional event counters */
	void (*on_evict)(void *ctx, const struct flow *f); /* eviction callback */
	void *evict_ctx;             /* its context */
};

_Static_assert(sizeof(struct flow) <= 208, "struct flow grew: keep it small");

static uint32_t hole_pool_size(uint32_t max_flows)
{
	return max_flows / 2 > FLOW_HOLE_POOL_MIN ? max_flows / 2 : FLOW_HOLE_POOL_MIN;
}

void flow_config_default(struct flow_config *cfg)
{
	cfg->max_flows = FLOW_DEFAULT_MAX;
	cfg->vlan_in_key = false;
	cfg->tcp_idle_ns = 600ull * 1000000000ull;
	cfg->tcp_closed_ns = 10ull * 1000000000ull;
	cfg->udp_idle_ns = 120ull * 1000000000ull;
	cfg->other_idle_ns = 60ull * 1000000000ull;
	cfg->tcp_reorder_ns = FLOW_DEFAULT_REORDER_NS;
}

const char *flow_tcp_state_name(uint8_t state)
{
	switch (state) {
	case FLOW_TCP_NONE: return "none";
	case FLOW_TCP_SYN_SENT: return "syn_sent";
	case FLOW_TCP_SYN_RECEIVED: return "syn_received";
	case FLOW_TCP_ESTABLISHED: return "established";
	case FLOW_TCP_CLOSING: return "closing";
	case FLOW_TCP_CLOSED: return "closed";
	}
	return "unknown";
}

struct flow_table *flow_table_new(const struct flow_config *cfg)
{
	struct flow_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	if (t->cfg.max_flows == 0)
		t->cfg.max_flows = FLOW_DEFAULT_MAX;
	if (t->cfg.max_flows > (1u << 28))
		t->cfg.max_flows = 1u << 28;
	uint32_t slots = 16;
	while (slots < 2u * t->cfg.max_flows)
		slots <<= 1;
	t->flows = calloc(t->cfg.max_flows, sizeof(*t->flows));
	t->index = calloc(slots, sizeof(*t->index));
	t->holes.cap = hole_pool_size(t->cfg.max_flows);
	t->holes.holes = calloc(t->holes.cap, sizeof(*t->holes.holes));
	t->holes.free_head = FLOW_HOLE_NIL;
	if (!t->flows || !t->index || !t->holes.holes) {
		flow_table_free(t);
		return NULL;
	}
	t->mask = slots - 1;
	t->free_head = FLOW_NIL;
	for (int i = 0; i < LIST__COUNT; i++)
		t->head[i] = t->tail[i] = FLOW_NIL;
	t->timeout[LIST_TCP] = t->cfg.tcp_idle_ns;
	t->timeout[LIST_TCP_CLOSED] = t->cfg.tcp_closed_ns;
	t->timeout[LIST_UDP] = t->cfg.udp_idle_ns;
	t->timeout[LIST_OTHER] = t->cfg.other_idle_ns;
	return t;
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	free(t->flows);
	free(t->index);
	free(t->holes.holes);
	free(t);
}

void flow_table_set_events(struct flow_table *t, struct event_counts *ec)
{
	t->events = ec;
}

void flow_table_set_on_tcp_bytes(struct flow_table *t, flow_tcp_report_fn fn, void *ctx)
{
	t->holes.report = fn;
	t->holes.report_ctx = ctx;
}

void flow_table_set_on_evict(struct flow_table *t,
			     void (*on_end)(void *ctx, const struct flow *f),
			     void *ctx)
{
	t->on_evict = on_end;
	t->evict_ctx = ctx;
}

const struct flow_stats *flow_stats(const struct flow_table *t)
{
	return &t->stats;
}

size_t flow_bytes_per_flow(void)
{
	/* entry + index slots (load <= 1/2) + share of the hole pool */
	return sizeof(struct flow) + 2 * sizeof(uint32_t) +
	       sizeof(struct flow_tcp_hole) / 2;
}

double flow_unseen_pct(uint64_t acked, uint64_t unseen)
{
	return acked ? 100.0 * (double)unseen / (double)acked : 0.0;
}

/* ---- key and hash ---- */

static size_t addr_len(const struct ip_addr *a)
{
	return a->family == 4 ? 4 : a->family == 6 ? 16 : 0;
}

static uint64_t load64(const uint8_t *b);
static uint32_t load32(const uint8_t *b);

/* Same family and the same address bytes of that family (no memcmp call:
 * this runs twice per packet). */
static inline bool addr_eq(const struct ip_addr *x, const struct ip_addr *y)
{
	if (x->family != y->family)
		return false;
	if (x->family == 4)
		return load32(x->a) == load32(y->a);
	if (x->family == 6)
		return load64(x->a) == load64(y->a) && load64(x->a + 8) == load64(y->a + 8);
	return true;
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

static uint16_t pkt_vlan(const struct packet *p)
{
	return p->nvlans ? p->vlans[p->nvlans > PACKET_MAX_VLANS ? PACKET_MAX_VLANS - 1
								 : p->nvlans - 1]
			 : 0;
}

static bool pkt_is_ip(const struct packet *p)
{
	return (p->layers & (LAYER_IPV4 | LAYER_IPV6)) &&
	       (p->src.family == 4 || p->src.family == 6) &&
	       p->src.family == p->dst.family;
}

/* Endpoints of p with the ports the key uses. */
static void pkt_ports(const struct packet *p, uint16_t *sp, uint16_t *dp)
{
	bool frag = p->ip_fragment && !p->ip_first_fragment;
	if (has_ports(p->ip_proto) && !frag) {
		*sp = p->sport;
		*dp = p->dport;
	} else {
		*sp = *dp = 0;
	}
}

static uint64_t load64(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, 8);
	return v;
}

static uint32_t load32(const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return v;
}

/*
 * Symmetric: the two endpoints are put in a fixed order first, so both
 * directions hash alike. Only the address bytes of the family are read.
 */
uint64_t flow_hash_packet(const struct packet *p, bool vlan_in_key)
{
	if (!pkt_is_ip(p))
		return 0;
	uint16_t sp, dp;
	pkt_ports(p, &sp, &dp);
	uint64_t vlan = vlan_in_key ? pkt_vlan(p) : 0;
	uint64_t proto = p->ip_proto;
	uint64_t h;
	if (p->src.family == 4) {
		uint64_t es = ((uint64_t)load32(p->src.a) << 16) | sp;
		uint64_t ed = ((uint64_t)load32(p->dst.a) << 16) | dp;
		uint64_t lo = es < ed ? es : ed, hi = es < ed ? ed : es;
		h = hash_mix64(hash_mix64(lo ^ (vlan << 48) ^ 0x9e3779b97f4a7c15ull) ^ hi ^
			  (proto << 48));
	} else {
		uint64_t s0 = load64(p->src.a), s1 = load64(p->src.a + 8);
		uint64_t d0 = load64(p->dst.a), d1 = load64(p->dst.a + 8);
		bool s_first = s0 != d0 ? s0 < d0 : s1 != d1 ? s1 < d1 : sp <= dp;
		uint64_t l0 = s_first ? s0 : d0, l1 = s_first ? s1 : d1;
		uint64_t h0 = s_first ? d0 : s0, h1 = s_first ? d1 : s1;
		uint64_t ports = s_first ? ((uint64_t)sp << 16 | dp)
					 : ((uint64_t)dp << 16 | sp);
		h = hash_mix64(l0 ^ 0x6a09e667f3bcc908ull);
		h = hash_mix64(h ^ l1);
		h = hash_mix64(h ^ h0);
		h = hash_mix64(h ^ h1 ^ (ports << 24) ^ (proto << 56) ^ (vlan << 8) ^ 6);
	}
	return h ? h : 1;
}

/* ---- idle lists ---- */

static void list_unlink(struct flow_table *t, struct flow *f)
{
	if (f->lru_prev != FLOW_NIL)
		t->flows[f->lru_prev].lru_next = f->lru_next;
	else
		t->head[f->lru_list] = f->lru_next;
	if (f->lru_next != FLOW_NIL)
		t->flows[f->lru_next].lru_prev = f->lru_prev;
	else
		t->tail[f->lru_list] = f->lru_prev;
	f->lru_prev = f->lru_next = FLOW_NIL;
}

static void list_append(struct flow_table *t, struct flow *f, uint8_t list)
{
	uint32_t me = (uint32_t)(f - t->flows);
	f->lru_list = list;
	f->lru_next = FLOW_NIL;
	f->lru_prev = t->tail[list];
	if (t->tail[list] != FLOW_NIL)
		t->flows[t->tail[list]].lru_next = me;
	else
		t->head[list] = me;
	t->tail[list] = me;
}

/* Packet time in ~1 s units: a flow moves in its idle list at most once per unit. */
static uint32_t epoch_of(uint64_t ts_ns)
{
	return (uint32_t)(ts_ns >> 30);
}

static void list_move_tail(struct flow_table *t, struct flow *f, uint8_t list,
			   uint64_t ts_ns)
{
	list_unlink(t, f);
	list_append(t, f, list);
	f->lru_epoch = epoch_of(ts_ns);
}

/*
 * The head of a list may have been active since it was last moved (moves
 * are lazy): put such flows back at the newest end, at most max of them.
 */
static void list_settle(struct flow_table *t, int l, unsigned max)
{
	while (max-- && t->head[l] != FLOW_NIL) {
		struct flow *f = &t->flows[t->head[l]];
		if (epoch_of(f->last_ns) == f->lru_epoch)
			break;
		list_move_tail(t, f, (uint8_t)l, f->last_ns);
	}
}

static uint8_t list_of(const struct flow *f)
{
	if (f->proto == 6)
		return f->tcp_state == FLOW_TCP_CLOSED ? LIST_TCP_CLOSED : LIST_TCP;
	if (f->proto == 17)
		return LIST_UDP;
	return LIST_OTHER;
}

/* ---- index ---- */

static void index_delete(struct flow_table *t, struct flow *f)
{
	uint32_t me = (uint32_t)(f - t->flows) + 1;
	uint32_t i = f->hash32 & t->mask;
	while (t->index[i] != me) {
		if (t->index[i] == 0)
			return; /* not indexed: cannot happen */
		i = (i + 1) & t->mask;
	}
	for (;;) {
		t->index[i] = 0;
		uint32_t j = i;
		for (;;) {
			j = (j + 1) & t->mask;
			if (t->index[j] == 0)
				return;
			uint32_t k = t->flows[t->index[j] - 1].hash32 & t->mask;
			/* The entry at j may stay if its home k lies cyclically in (i, j]. */
			bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
			if (!stays)
				break;
		}
		t->index[i] = t->index[j];
		i = j;
	}
}

/* The flow leaves the table: totals, callback, slot freed. */
static void flow_end(struct flow_table *t, struct flow *f,
		     void (*on_end)(void *ctx, const struct flow *f), void *ctx)
{
	flow_tcp_finish(f, &t->holes, &t->stats);
	if (on_end)
		on_end(ctx, f);
	list_unlink(t, f);
	index_delete(t, f);
	f->lru_list = FLOW_LIST_FREE;
	f->lru_next = t->free_head;
	t->free_head = (uint32_t)(f - t->flows);
	t->stats.active--;
}

static bool evict_one(struct flow_table *t)
{
	for (int l = 0; l < LIST__COUNT; l++)
		list_settle(t, l, 8);
	uint32_t v = t->head[LIST_TCP_CLOSED];
	if (v == FLOW_NIL) {
		static const int others[] = { LIST_TCP, LIST_UDP, LIST_OTHER };
		for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
			uint32_t h = t->head[others[i]];
			if (h != FLOW_NIL &&
			    (v == FLOW_NIL || t->flows[h].last_ns < t->flows[v].last_ns))
				v = h;
		}
	}
	if (v == FLOW_NIL)
		return false;
	t->stats.evicted++;
	if (t->events)
		event_count(t->events, EV_FLOW_TABLE_FULL);
	flow_end(t, &t->flows[v], t->on_evict, t->evict_ctx);
	return true;
}

/* Well-known industrial service ports (responder side when midstream). */
static bool service_port(uint16_t port)
{
	static const uint16_t ports[] = {
		502, 102, 2222, 2404, 4840, 9600, 20000, 44818, 47808, 1962,
		5007, 5094, 18245, 18246, 34962, 34963, 34964, 20547, 1089,
		1090, 1091, 2455, 5450, 4000,
	};
	if (port < 1024)
		return true;
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* Does the first packet of a flow come from the responder? */
static bool first_from_responder(const struct packet *p)
{
	if (p->ip_proto == 6) {
		if ((p->tcp_flags & 0x12) == 0x12)
			return true; /* SYN-ACK */
		if (p->tcp_flags & 0x02)
			return false; /* SYN */
	}
	if (!has_ports(p->ip_proto) || (p->ip_fragment && !p->ip_first_fragment))
		return false;
	return service_port(p->sport) && !service_port(p->dport);
}

static bool key_match(const struct flow *f, const struct packet *p, uint16_t sp,
		      uint16_t dp, uint16_t vlan, bool vlan_in_key, int *dir)
{
	if (f->proto != p->ip_proto || (vlan_in_key && f->vlan != vlan))
		return false;
	if (f->port[0] == sp && f->port[1] == dp && addr_eq(&f->a[0], &p->src) &&
	    addr_eq(&f->a[1], &p->dst)) {
		*dir = 0;
		return true;
	}
	if (f->port[0] == dp && f->port[1] == sp && addr_eq(&f->a[0], &p->dst) &&
	    addr_eq(&f->a[1], &p->src)) {
		*dir = 1;
		return true;
	}
	return false;
}

static void copy_addr(struct ip_addr *dst, const struct ip_addr *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = src->family;
	memcpy(dst->a, src->a, addr_len(src));
}

void flow_prepare(const struct flow_table *t, struct packet *p)
{
	if (!pkt_is_ip(p))
		return;
	p->flow_hash = flow_hash_packet(p, t->cfg.vlan_in_key);
	p->flow_hashed = true;
	__builtin_prefetch(&t->index[(uint32_t)p->flow_hash & t->mask]);
}

void flow_prefetch_entry(const struct flow_table *t, const struct packet *p)
{
	if (!p->flow_hashed)
		return;
	uint32_t v = t->index[(uint32_t)p->flow_hash & t->mask];
	if (v) {
		/* Every cache line of the entry: a packet touches them all
		 * (key, counters, TCP tracking). */
		const char *e = (const char *)&t->flows[v - 1];
		for (size_t off = 0; off < sizeof(struct flow); off += 64)
			__builtin_prefetch(e + off, 1);
		__builtin_prefetch(e + sizeof(struct flow) - 1, 1);
	}
}

struct flow *flow_update(struct flow_table *t, struct packet *p, int *dir)
{
	int d = 0;
	if (dir)
		*dir = 0;
	if (!pkt_is_ip(p)) {
		p->flow_hash = 0;
		t->stats.not_ip++;
		return NULL;
	}
	uint64_t h = p->flow_hashed ? p->flow_hash : flow_hash_packet(p, t->cfg.vlan_in_key);
	p->flow_hash = h;
	if (p->ip_fragment && !p->ip_first_fragment) {
		t->stats.fragments++;
		return NULL;
	}
	uint16_t sp, dp;
	pkt_ports(p, &sp, &dp);
	uint16_t vlan = pkt_vlan(p);
	uint32_t h32 = (uint32_t)h;
	struct flow *f = NULL;
	uint32_t i;
	for (i = h32 & t->mask; t->index[i]; i = (i + 1) & t->mask) {
		struct flow *c = &t->flows[t->index[i] - 1];
		if (c->hash32 == h32 &&
		    key_match(c, p, sp, dp, vlan, t->cfg.vlan_in_key, &d)) {
			f = c;
			break;
		}
	}
	if (!f) {
		uint32_t slot;
		if (t->free_head == FLOW_NIL && t->used >= t->cfg.max_flows) {
			if (!evict_one(t)) {
				t->stats.full_drops++;
				if (t->events)
					event_count(t->events, EV_FLOW_NO_SLOT);
				return NULL;
			}
			/* The deletion shifted index entries: find the free slot again. */
			for (i = h32 & t->mask; t->index[i]; i = (i + 1) & t->mask)
				;
		}
		if (t->free_head != FLOW_NIL) {
			slot = t->free_head;
			t->free_head = t->flows[slot].lru_next;
		} else {
			slot = t->used++;
		}
		f = &t->flows[slot];
		memset(f, 0, sizeof(*f));
		bool swap = first_from_responder(p);
		copy_addr(&f->a[0], swap ? &p->dst : &p->src);
		copy_addr(&f->a[1], swap ? &p->src : &p->dst);
		f->port[0] = swap ? dp : sp;
		f->port[1] = swap ? sp : dp;
		d = swap ? 1 : 0;
		f->proto = p->ip_proto;
		f->vlan = vlan;
		f->source = p->source;
		f->session_index = FLOW_SESSION_NONE;
		f->first_ns = p->ts_ns;
		f->last_ns = p->ts_ns;
		f->hash32 = h32;
		flow_tcp_init(f);
		t->index[i] = slot + 1;
		list_append(t, f, list_of(f));
		f->lru_epoch = epoch_of(p->ts_ns);
		t->stats.created++;
		t->stats.active++;
		if (t->stats.active > t->stats.peak)
			t->stats.peak = t->stats.active;
	}
	f->packets[d]++;
	uint64_t len = p->l3_len;
	if (!len && p->frame_wirelen > p->l3_off)
		len = p->frame_wirelen - p->l3_off;
	f->bytes[d] += len;
	if (p->ts_ns > f->last_ns)
		f->last_ns = p->ts_ns;
	if (f->proto == 6)
		flow_tcp_packet(f, p, d, &t->holes, t->cfg.tcp_reorder_ns,
				&t->stats, t->events);
	/* Newest end of its idle list when it changed list (TCP closed) or
	 * was last moved in an earlier epoch; otherwise the move waits (lazy
	 * LRU: expiry and eviction settle the heads). */
	uint8_t l = list_of(f);
	if (l != f->lru_list || epoch_of(p->ts_ns) != f->lru_epoch)
		list_move_tail(t, f, l, p->ts_ns);
	if (dir)
		*dir = d;
	return f;
}

void flow_expire(struct flow_table *t, uint64_t now_ns,
		 void (*on_end)(void *ctx, const struct flow *f), void *ctx)
{
	for (int l = 0; l < LIST__COUNT; l++) {
		while (t->head[l] != FLOW_NIL) {
			struct flow *f = &t->flows[t->head[l]];
			if (now_ns >= f->last_ns && now_ns - f->last_ns >= t->timeout[l]) {
				t->stats.expired++;
				flow_end(t, f, on_end, ctx);
				continue;
			}
			/* Active since its last move: back to the newest end (each
			 * flow at most once per call, so this ends). */
			if (epoch_of(f->last_ns) != f->lru_epoch) {
				list_move_tail(t, f, (uint8_t)l, f->last_ns);
				continue;
			}
			break;
		}
	}
}

void flow_flush(struct flow_table *t,
		void (*on_end)(void *ctx, const struct flow *f), void *ctx)
{
	for (;;) {
		uint32_t v = FLOW_NIL;
		for (int l = 0; l < LIST__COUNT; l++) {
			uint32_t h = t->head[l];
			if (h != FLOW_NIL &&
			    (v == FLOW_NIL || t->flows[h].last_ns < t->flows[v].last_ns))
				v = h;
		}
		if (v == FLOW_NIL)
			break;
		t->stats.flushed++;
		flow_end(t, &t->flows[v], on_end, ctx);
	}
}

void flow_foreach(const struct flow_table *t,
		  void (*fn)(void *ctx, const struct flow *f), void *ctx)
{
	for (uint32_t i = 0; i < t->used; i++)
		if (t->flows[i].lru_list != FLOW_LIST_FREE)
			fn(ctx, &t->flows[i]);
}
