/*
 * health.c - the mirror health accumulator (see health.h for what it keeps).
 *
 * Called once per decoded packet by the pipeline observer. Work per packet
 * is a handful of counter updates plus three bounded table look-ups
 * (session: short linear list with a last-hit cache; subnet: open
 * addressing; TCP connection: open addressing). All tables are allocated
 * once in health_new().
 *
 * GRE sequence gaps are judged per (input, tunnel source, session), as
 * sessions from one switch interleave with their own counters; a jump
 * backwards by more than HEALTH_SEQ_REORDER, or forwards by more than
 * HEALTH_SEQ_RESTART, is taken as the source restarting its counter, not
 * as loss. Serial-number arithmetic (RFC 1982) handles wrap-around.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "flow/flow.h"
#include "health/health.h"
#include "mirror/session.h"

#define HEALTH_SEQ_REORDER 1024u      /* a late packet within this many numbers */
#define HEALTH_SEQ_RESTART (1u << 20) /* larger forward jumps are restarts */
#define HEALTH_SUBNET_SLOTS 2048      /* index slots for the subnet table */
#define HEALTH_CONN_IDLE_NS (300ull * 1000000000ull) /* idle connections may be retired */
#define HEALTH_CONN_PROBE 64          /* probes before a connection is not tracked */

/* One side of a TCP connection (direction evidence only: the ACKed and
 * unseen bytes come from the flow stage, see health_tcp_bytes()). */
struct conn_dir {
	bool sent_ack;      /* sent a segment with ACK set: the peer did send */
	uint64_t pkts;      /* packets from this side */
};

struct health_conn {
	bool used;               /* slot holds a connection */
	bool judged;             /* directions already counted */
	uint64_t hash;           /* symmetric hash of the endpoints */
	struct ip_addr a[2];     /* side 0 = sender of the first packet */
	uint16_t port[2];
	int32_t subnet[2];       /* subnet index of each side, -1 none */
	int32_t sess;            /* session of the first packet, -1 none */
	uint16_t input;          /* input of the first packet */
	uint16_t vlan;           /* outermost VLAN of the first packet, 0 none */
	int8_t client;           /* side that sent the SYN (or the ephemeral port), -1 unknown */
	uint64_t last_ns;        /* last packet */
	struct conn_dir d[2];
};

/* Index of the subnet table (open addressing into h->subnets). */
struct health_index {
	int16_t slot[HEALTH_SUBNET_SLOTS]; /* subnet index + 1, 0 = empty */
};

/* Private extension kept after struct health in one allocation. */
struct health_priv {
	struct health pub;          /* what callers and renderers see (first member) */
	struct health_index sidx;   /* subnet look-up index */
	int last_sess;              /* last session hit (consecutive packets share one) */
	uint32_t tcp_pl;            /* pipeline session index of the last TCP report */
	int tcp_sess;               /* its session here (-1 none); valid if tcp_pl_set */
	bool tcp_pl_set;            /* tcp_pl / tcp_sess hold a look-up */
};

void health_config_default(struct health_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->loss_warn = 1;
	cfg->loss_fail = 10;
	cfg->dup_warn = 1;
	cfg->dup_fail = 60;
	cfg->bidir_warn = 90;
	cfg->bidir_fail = 50;
	cfg->unicast_warn = 20;
	cfg->unicast_fail = 5;
	cfg->trunc_warn = 0;
	cfg->trunc_fail = 10;
	cfg->ooo_warn = 0;
	cfg->ooo_fail = 1;
	cfg->gap_s = 10;
	cfg->hwts_spread_ms = 100;
	cfg->link_speed_mbps = 0;
	cfg->min_conn_packets = 2;
}

static void peak_init(struct health_peak *pk, uint64_t window_ns)
{
	memset(pk, 0, sizeof(*pk));
	pk->window_ns = window_ns;
	pk->cur_id = UINT64_MAX;
}

static void peak_limit(struct health_peak *pk, uint64_t mbps)
{
	/* bytes per window at mbps: mbps * 1e6 / 8 * window_s */
	pk->over_bytes_limit = mbps ? (uint64_t)((double)mbps * 1e6 / 8.0 *
						 ((double)pk->window_ns / 1e9)) : 0;
}

struct health *health_new(const struct health_config *cfg)
{
	struct health_priv *hp = calloc(1, sizeof(*hp));
	if (!hp)
		return NULL;
	struct health *h = &hp->pub;
	h->cfg = *cfg;
	h->sess = calloc(HEALTH_MAX_SESSIONS, sizeof(*h->sess));
	h->subnets = calloc(HEALTH_MAX_SUBNETS, sizeof(*h->subnets));
	h->vlans = calloc(HEALTH_VLANS, sizeof(*h->vlans));
	h->macs = calloc(HEALTH_MAX_MACS, sizeof(*h->macs));
	h->mac_used = calloc(HEALTH_MAX_MACS, sizeof(*h->mac_used));
	h->conns = calloc(HEALTH_CONN_SLOTS, sizeof(*h->conns));
	h->oneway = calloc(HEALTH_ONEWAY_HOSTS, sizeof(*h->oneway));
	if (!h->sess || !h->subnets || !h->vlans || !h->macs || !h->mac_used || !h->conns ||
	    !h->oneway) {
		health_free(h);
		return NULL;
	}
	for (unsigned i = 0; i < HEALTH_MAX_INPUTS; i++) {
		peak_init(&h->in[i].p1ms, 1000000ull);
		peak_init(&h->in[i].p100ms, 100000000ull);
		peak_limit(&h->in[i].p1ms, cfg->link_speed_mbps);
		peak_limit(&h->in[i].p100ms, cfg->link_speed_mbps);
		h->in[i].link_speed_mbps = cfg->link_speed_mbps;
		snprintf(h->in[i].name, sizeof(h->in[i].name), "input %u", i);
	}
	h->bin_ns = 1000000ull; /* 1 ms, doubled as the capture grows */
	hp->last_sess = -1;
	return h;
}

void health_free(struct health *h)
{
	if (!h)
		return;
	free(h->sess);
	free(h->subnets);
	free(h->vlans);
	free(h->macs);
	free(h->mac_used);
	free(h->conns);
	free(h->oneway);
	free((struct health_priv *)h);
}

void health_set_input(struct health *h, unsigned idx, const char *name, bool live,
		      uint64_t link_speed_mbps, uint64_t kernel_drops)
{
	if (idx >= HEALTH_MAX_INPUTS)
		return;
	struct health_input *in = &h->in[idx];
	snprintf(in->name, sizeof(in->name), "%s", name);
	in->used = true;
	in->live = live;
	if (!h->cfg.link_speed_mbps && link_speed_mbps) {
		in->link_speed_mbps = link_speed_mbps;
		peak_limit(&in->p1ms, link_speed_mbps);
		peak_limit(&in->p100ms, link_speed_mbps);
	}
	if (kernel_drops >= in->kernel_drops) {
		h->kernel_drops += kernel_drops - in->kernel_drops;
		in->kernel_drops = kernel_drops;
	}
	if (idx + 1 > h->ninputs)
		h->ninputs = idx + 1;
}

/* ---------------------------------------------------------------- time */

static void bins_halve(uint64_t *b)
{
	for (unsigned i = 0; i < HEALTH_BINS / 2; i++)
		b[i] = b[2 * i] + b[2 * i + 1];
	memset(b + HEALTH_BINS / 2, 0, sizeof(*b) * (HEALTH_BINS / 2));
}

/* Plot bin of a timestamp; widens the bins (merging pairs) when needed. */
static unsigned bin_of(struct health *h, uint64_t ts)
{
	if (ts <= h->base_ns)
		return 0;
	uint64_t idx = (ts - h->base_ns) / h->bin_ns;
	while (idx >= HEALTH_BINS) {
		for (unsigned i = 0; i < HEALTH_MAX_INPUTS; i++) {
			bins_halve(h->in[i].bins_pkts);
			bins_halve(h->in[i].bins_bytes);
		}
		bins_halve(h->bins_dir[0]);
		bins_halve(h->bins_dir[1]);
		bins_halve(h->bins_seq_lost);
		bins_halve(h->bins_acked);
		bins_halve(h->bins_unseen);
		bins_halve(h->bins_dups);
		for (unsigned i = 0; i < h->nsess; i++)
			bins_halve(h->sess[i].bins_bytes);
		h->bin_ns *= 2;
		h->nbins = (h->nbins + 1) / 2;
		idx = (ts - h->base_ns) / h->bin_ns;
	}
	if (idx + 1 > h->nbins)
		h->nbins = (unsigned)idx + 1;
	return (unsigned)idx;
}

static void peak_add(struct health_peak *pk, uint64_t ts, uint64_t bytes)
{
	uint64_t id = ts / pk->window_ns;
	if (pk->cur_id == UINT64_MAX || id > pk->cur_id) {
		pk->cur_id = id;
		pk->cur_bytes = 0;
	}
	/* A late packet (older timestamp) counts into the current window. */
	bool was_over = pk->over_bytes_limit && pk->cur_bytes > pk->over_bytes_limit;
	pk->cur_bytes += bytes;
	if (pk->cur_bytes > pk->peak_bytes) {
		pk->peak_bytes = pk->cur_bytes;
		pk->peak_at_ns = pk->cur_id * pk->window_ns;
	}
	if (!was_over && pk->over_bytes_limit && pk->cur_bytes > pk->over_bytes_limit)
		pk->over++;
}

static void input_time(struct health *h, struct health_input *in, uint64_t ts)
{
	if (!in->packets) {
		in->first_ns = ts;
		in->prev_ns = ts;
	}
	if (ts < in->prev_ns) {
		/* One step back in time (the next packet compares with this one). */
		in->ooo++;
		if (in->prev_ns - ts > in->max_back_ns)
			in->max_back_ns = in->prev_ns - ts;
		in->prev_ns = ts;
	} else {
		uint64_t gap = ts - in->prev_ns;
		if (gap > in->max_gap_ns) {
			in->max_gap_ns = gap;
			in->max_gap_at_ns = in->prev_ns;
		}
		if ((double)gap > h->cfg.gap_s * 1e9)
			in->gaps++;
		in->prev_ns = ts;
	}
	if (ts > in->last_ns)
		in->last_ns = ts;
}

/* ---------------------------------------------------------------- sessions */

void health_session_name(const struct health_session *s, char *buf, size_t len)
{
	char origin[64] = "";
	if (s->origin.family == 4)
		snprintf(origin, sizeof(origin), " from %u.%u.%u.%u", s->origin.a[0],
			 s->origin.a[1], s->origin.a[2], s->origin.a[3]);
	else if (s->origin.family == 6) {
		char tmp[48];
		int n = 0;
		for (int i = 0; i < 16; i += 2)
			n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, "%s%x", i ? ":" : "",
				      (unsigned)((s->origin.a[i] << 8) | s->origin.a[i + 1]));
		snprintf(origin, sizeof(origin), " from %s", tmp);
	}
	const char *what = "session";
	switch (s->transport) {
	case TRANSPORT_VXLAN:
	case TRANSPORT_GENEVE:
		what = "VNI";
		break;
	case TRANSPORT_RSPAN:
		what = "VLAN";
		break;
	case TRANSPORT_GRE:
		what = "key";
		break;
	default:
		break;
	}
	if (s->has_id)
		snprintf(buf, len, "%s %s %u%s", transport_name(s->transport), what, s->id, origin);
	else
		snprintf(buf, len, "%s%s", transport_name(s->transport), origin);
}

static bool ip_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return false;
	return !memcmp(a->a, b->a, a->family == 4 ? 4 : a->family == 6 ? 16 : 0);
}

/* The session of a packet, -1 for plain SPAN/TAP frames or a full table. */
static int session_get(struct health *h, const struct packet *p)
{
	struct health_priv *hp = (struct health_priv *)h;
	const struct mirror_ctx *m = &p->mirror;
	if (m->transport == TRANSPORT_PLAIN || m->transport >= TRANSPORT__COUNT)
		return -1;
	uint32_t id = 0;
	bool has_id = false;
	struct ip_addr origin = m->outer_src;
	switch (m->transport) {
	case TRANSPORT_RSPAN:
		id = m->rspan_vlan;
		has_id = true;
		memset(&origin, 0, sizeof(origin));
		break;
	case TRANSPORT_GRE:
		id = m->gre_key;
		has_id = m->has_gre_key;
		break;
	case TRANSPORT_ERSPAN1:
	case TRANSPORT_TZSP:
		break;
	default:
		id = m->session;
		has_id = m->has_session;
		break;
	}
	int hit = hp->last_sess;
	for (unsigned k = 0; k <= h->nsess; k++) {
		int i = k == 0 ? hit : (int)k - 1;
		if (i < 0 || (unsigned)i >= h->nsess)
			continue;
		struct health_session *s = &h->sess[i];
		if (s->input == p->source && s->transport == m->transport && s->id == id &&
		    s->has_id == has_id && ip_eq(&s->origin, &origin)) {
			hp->last_sess = i;
			return i;
		}
	}
	if (h->nsess >= HEALTH_MAX_SESSIONS) {
		h->sess_overflow++;
		event_count(&h->events, EV_HEALTH_SESSION_TABLE_FULL);
		return -1;
	}
	struct health_session *s = &h->sess[h->nsess];
	memset(s, 0, sizeof(*s));
	s->input = p->source;
	s->transport = m->transport;
	s->origin = origin;
	s->id = id;
	s->has_id = has_id;
	s->pl_index = -1;
	s->first_ns = p->ts_ns;
	hp->last_sess = (int)h->nsess;
	return (int)h->nsess++;
}

/* GRE sequence numbers of one session: exact loss upstream of the sensor. */
static void session_seq(struct health *h, struct health_session *s, uint32_t seq, uint64_t ts)
{
	s->seq_packets++;
	if (!s->has_seq) {
		s->has_seq = true;
		s->last_seq = seq;
		return;
	}
	uint32_t fwd = seq - s->last_seq; /* modulo 2^32 */
	if (fwd == 0) {
		s->seq_repeat++;
	} else if (fwd < HEALTH_SEQ_RESTART) {
		if (fwd > 1) {
			s->seq_lost += fwd - 1;
			h->bins_seq_lost[bin_of(h, ts)] += fwd - 1;
		}
		s->last_seq = seq;
	} else if ((uint32_t)(s->last_seq - seq) < HEALTH_SEQ_REORDER) {
		/* Late: it fills a gap counted as lost before. */
		s->seq_late++;
		if (s->seq_lost) {
			s->seq_lost--;
			uint64_t *b = &h->bins_seq_lost[bin_of(h, ts)];
			if (*b)
				(*b)--;
		}
	} else {
		s->seq_restarts++;
		s->last_seq = seq;
	}
}

/* Take the sequence counters of the pipeline's session accounting. */
static void session_seq_from(struct health *h, struct health_session *s,
			     const struct mirror_session *ms, uint64_t ts)
{
	s->pl_index = (int32_t)ms->index;
	if (ms->seq_lost > s->seq_lost) {
		h->bins_seq_lost[bin_of(h, ts)] += ms->seq_lost - s->seq_lost;
	} else if (ms->seq_lost < s->seq_lost) {
		uint64_t *b = &h->bins_seq_lost[bin_of(h, ts)];
		uint64_t d = s->seq_lost - ms->seq_lost;
		*b = *b > d ? *b - d : 0;
	}
	s->has_seq = ms->seq_init;
	s->last_seq = ms->seq_high;
	s->seq_packets = ms->seq_packets;
	s->seq_lost = ms->seq_lost;
	s->seq_late = ms->seq_reordered;
	s->seq_repeat = ms->seq_repeated;
	s->seq_restarts = ms->seq_restarts;
}

static void session_packet(struct health *h, struct health_session *s, const struct packet *p,
			   const struct mirror_session *ms)
{
	const struct mirror_ctx *m = &p->mirror;
	s->packets++;
	s->bytes += p->wirelen;
	s->last_ns = p->ts_ns;
	if (p->wirelen > s->max_outer)
		s->max_outer = p->wirelen;
	if (ms)
		session_seq_from(h, s, ms, p->ts_ns);
	else if (m->has_gre_seq && m->transport != TRANSPORT_ERSPAN1)
		session_seq(h, s, m->gre_seq, p->ts_ns);
	if (m->truncated)
		s->t_bit++;
	/* The original frame shorter than its IP header says, although the
	 * capture kept the whole tunnel packet and the T bit is clear: the
	 * mirror path cut it (a tunnel over a too-small MTU). */
	bool inner_short = (p->layers & (LAYER_IPV4 | LAYER_IPV6)) && p->l3_len &&
			   p->frame_caplen >= p->l3_off && p->frame_caplen - p->l3_off < p->l3_len;
	if (p->caplen < p->wirelen)
		s->snap_cut++;
	else if ((p->truncated || inner_short) && !m->truncated)
		s->mtu_cut++;
	if (m->outer_fragmented)
		s->outer_frag++;
	if (m->transport == TRANSPORT_ERSPAN3) {
		if (m->dir == MIRROR_DIR_INGRESS)
			s->dir_ingress++;
		else if (m->dir == MIRROR_DIR_EGRESS)
			s->dir_egress++;
	}
	if (m->has_hw_ts_ns) {
		/* The 32-bit timestamp field wraps (every 4.97 days at 100 us,
		 * every 429 s at 100 ns granularity): unwrap it per session. */
		uint64_t period = m->gra == 0 ? (1ull << 32) * 100000ull
				  : m->gra == 1 ? (1ull << 32) * 100ull : 0;
		uint64_t hw = m->hw_ts_ns + s->hwts_wrap_add;
		if (period && s->hwts && hw + period / 2 < s->hwts_prev) {
			s->hwts_wrap_add += period;
			s->hwts_wraps++;
			hw += period;
		}
		s->hwts_prev = hw;
		int64_t off = (int64_t)(p->ts_ns - hw);
		if (!s->hwts || off < s->hwts_min_off)
			s->hwts_min_off = off;
		if (!s->hwts || off > s->hwts_max_off)
			s->hwts_max_off = off;
		s->hwts++;
	}
}

/* ---------------------------------------------------------------- hashing */

static uint64_t fnv(uint64_t hsh, const void *data, size_t n)
{
	const uint8_t *b = data;
	for (size_t i = 0; i < n; i++) {
		hsh ^= b[i];
		hsh *= 0x100000001b3ull;
	}
	return hsh;
}

static size_t ip_len(const struct ip_addr *a)
{
	return a->family == 4 ? 4 : a->family == 6 ? 16 : 0;
}

/* ---------------------------------------------------------------- subnets */

static bool v4_unicast(const uint8_t *a)
{
	if (a[0] == 0 || a[0] >= 224)
		return false;
	return a[3] != 0 && a[3] != 255;
}

static bool ip_unicast(const struct ip_addr *a)
{
	if (a->family == 4)
		return v4_unicast(a->a);
	if (a->family == 6) {
		static const uint8_t zero[16];
		return a->a[0] != 0xff && memcmp(a->a, zero, 16) != 0;
	}
	return false;
}

static bool ip_subnettable(const struct ip_addr *a)
{
	if (a->family == 4)
		return a->a[0] != 0 && a->a[0] < 224;
	if (a->family == 6)
		return ip_unicast(a);
	return false;
}

void health_subnet_name(const struct health_subnet *s, char *buf, size_t len)
{
	if (s->prefix.family == 4) {
		snprintf(buf, len, "%u.%u.%u.0/24", s->prefix.a[0], s->prefix.a[1], s->prefix.a[2]);
		return;
	}
	/* IPv6 /64: four groups, zero groups at the end shortened to "::". */
	char tmp[48];
	int n = 0;
	int last = 3;
	while (last > 0 && !s->prefix.a[2 * last] && !s->prefix.a[2 * last + 1])
		last--;
	for (int i = 0; i <= last; i++)
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, "%s%x", i ? ":" : "",
			      (unsigned)((s->prefix.a[2 * i] << 8) | s->prefix.a[2 * i + 1]));
	snprintf(buf, len, "%s%s/64", tmp, last < 3 ? "::" : "::");
}

/* Subnet of an address (created on first sight), -1 when not tracked. */
static int subnet_get(struct health *h, const struct ip_addr *a)
{
	struct health_priv *hp = (struct health_priv *)h;
	if (!ip_subnettable(a))
		return -1;
	size_t klen = a->family == 4 ? 3 : 8;
	uint64_t hsh = fnv(0xcbf29ce484222325ull ^ a->family, a->a, klen);
	for (unsigned probe = 0; probe < HEALTH_SUBNET_SLOTS; probe++) {
		unsigned slot = (unsigned)((hsh + probe) % HEALTH_SUBNET_SLOTS);
		int16_t v = hp->sidx.slot[slot];
		if (v == 0) {
			if (h->nsubnets >= HEALTH_MAX_SUBNETS) {
				h->subnet_overflow++;
				event_count(&h->events, EV_HEALTH_SUBNET_TABLE_FULL);
				return -1;
			}
			struct health_subnet *s = &h->subnets[h->nsubnets];
			memset(s, 0, sizeof(*s));
			s->prefix.family = a->family;
			memcpy(s->prefix.a, a->a, klen);
			s->plen = a->family == 4 ? 24 : 64;
			s->order = h->nsubnets;
			hp->sidx.slot[slot] = (int16_t)(h->nsubnets + 1);
			return (int)h->nsubnets++;
		}
		struct health_subnet *s = &h->subnets[v - 1];
		if (s->prefix.family == a->family && !memcmp(s->prefix.a, a->a, klen))
			return v - 1;
	}
	h->subnet_overflow++;
	return -1;
}

static void subnet_host(struct health_subnet *s, const struct ip_addr *a)
{
	if (!ip_unicast(a))
		return;
	if (a->family == 4) {
		s->v4_hosts[a->a[3] >> 3] |= (uint8_t)(1u << (a->a[3] & 7));
		return;
	}
	uint64_t iid = 0;
	for (int i = 8; i < 16; i++)
		iid = (iid << 8) | a->a[i];
	for (unsigned i = 0; i < s->nv6_hosts; i++)
		if (s->v6_hosts[i] == iid)
			return;
	if (s->nv6_hosts < HEALTH_V6_HOSTS)
		s->v6_hosts[s->nv6_hosts++] = iid;
	else
		s->v6_hosts_overflow = true;
}

static void subnet_mac(struct health_subnet *s, const uint8_t *mac)
{
	if (mac[0] & 1)
		return;
	for (unsigned i = 0; i < s->nmacs; i++)
		if (!memcmp(s->macs[i], mac, 6))
			return;
	if (s->nmacs < HEALTH_SUBNET_MACS)
		memcpy(s->macs[s->nmacs++], mac, 6);
	else
		s->macs_overflow = true;
}

static void subnet_vlan(struct health_subnet *s, uint16_t vlan)
{
	for (unsigned i = 0; i < s->nvlans; i++)
		if (s->vlans[i] == vlan)
			return;
	if (s->nvlans < HEALTH_SUBNET_VLANS)
		s->vlans[s->nvlans++] = vlan;
	else
		s->vlans_overflow = true;
}

unsigned health_subnet_hosts(const struct health_subnet *s)
{
	if (s->prefix.family == 6)
		return s->nv6_hosts;
	unsigned n = 0;
	for (int i = 0; i < 32; i++)
		n += (unsigned)__builtin_popcount(s->v4_hosts[i]);
	return n;
}

uint64_t health_devices(const struct health *h)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < h->nsubnets; i++)
		n += health_subnet_hosts(&h->subnets[i]);
	return n;
}

static const struct health *sort_h;
static int subnet_cmp(const void *a, const void *b)
{
	const struct health_subnet *x = &sort_h->subnets[*(const unsigned *)a];
	const struct health_subnet *y = &sort_h->subnets[*(const unsigned *)b];
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void health_subnet_order(const struct health *h, unsigned *idx)
{
	for (unsigned i = 0; i < h->nsubnets; i++)
		idx[i] = i;
	sort_h = h;
	qsort(idx, h->nsubnets, sizeof(*idx), subnet_cmp);
	sort_h = NULL;
}

/* ---------------------------------------------------------------- MACs */

static void mac_add(struct health *h, const uint8_t *mac)
{
	if (mac[0] & 1)
		return;
	uint64_t hsh = fnv(0xcbf29ce484222325ull, mac, 6);
	for (unsigned probe = 0; probe < 32; probe++) {
		unsigned slot = (unsigned)((hsh + probe) % HEALTH_MAX_MACS);
		if (!h->mac_used[slot]) {
			if (h->nmacs >= HEALTH_MAX_MACS * 3 / 4)
				break;
			h->mac_used[slot] = true;
			memcpy(h->macs[slot], mac, 6);
			h->nmacs++;
			return;
		}
		if (!memcmp(h->macs[slot], mac, 6))
			return;
	}
	h->mac_overflow++;
	event_count(&h->events, EV_HEALTH_MAC_TABLE_FULL);
}

/* ---------------------------------------------------------------- TCP */

static void dirs_add(struct health_dirs *d, int kind)
{
	d->conns++;
	if (kind == 0)
		d->both++;
	else if (kind == 1)
		d->only_c2s++;
	else
		d->only_s2c++;
}

static void missing_add(struct health *h, int32_t from, int32_t to)
{
	for (unsigned i = 0; i < h->nmissing; i++)
		if (h->missing[i].from == from && h->missing[i].to == to) {
			h->missing[i].conns++;
			return;
		}
	if (h->nmissing >= HEALTH_MISSING_PAIRS) {
		h->missing_overflow++;
		return;
	}
	h->missing[h->nmissing].from = from;
	h->missing[h->nmissing].to = to;
	h->missing[h->nmissing].conns = 1;
	h->nmissing++;
}

static struct health_oneway_host *oneway_host(struct health *h, const struct ip_addr *a)
{
	for (unsigned i = 0; i < h->noneway; i++)
		if (ip_eq(&h->oneway[i].addr, a))
			return &h->oneway[i];
	if (h->noneway >= HEALTH_ONEWAY_HOSTS) {
		h->oneway_overflow++;
		return NULL;
	}
	struct health_oneway_host *o = &h->oneway[h->noneway++];
	memset(o, 0, sizeof(*o));
	o->addr = *a;
	return o;
}

void health_addr_name(const struct ip_addr *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->a, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "?");
	snprintf(buf, len, "%s", tmp);
}

/* Count a connection's directions once (at the end or when retired). */
static void conn_judge(struct health *h, struct health_conn *c)
{
	if (c->judged)
		return;
	c->judged = true;
	if (c->d[0].pkts + c->d[1].pkts < h->cfg.min_conn_packets)
		return;
	int kind = 0;
	int seen = -1;
	if (!(c->d[0].pkts && c->d[1].pkts)) {
		seen = c->d[0].pkts ? 0 : 1;
		/* Only SYNs (or RSTs) from one side: an unanswered attempt, not
		 * proof that the mirror missed a direction. An ACK is: the peer
		 * must have sent what it acknowledges. */
		if (!c->d[seen].sent_ack)
			return;
		int client = c->client >= 0 ? c->client : 0;
		kind = seen == client ? 1 : 2;
	}
	dirs_add(&h->dirs, kind);
	if (c->input < HEALTH_MAX_INPUTS)
		dirs_add(&h->in[c->input].dirs, kind);
	if (c->sess >= 0)
		dirs_add(&h->sess[c->sess].dirs, kind);
	dirs_add(&h->vlans[c->vlan].dirs, kind);
	for (int i = 0; i < 2; i++) {
		if (c->subnet[i] < 0 || (i == 1 && c->subnet[1] == c->subnet[0]))
			continue;
		dirs_add(&h->subnets[c->subnet[i]].dirs, kind);
	}
	if (seen >= 0) {
		/* Traffic from the unseen side towards the seen side is missing. */
		int32_t from = c->subnet[!seen], to = c->subnet[seen];
		if (to >= 0)
			h->subnets[to].missing_to++;
		if (from >= 0)
			h->subnets[from].missing_from++;
		missing_add(h, from, to);
		struct health_oneway_host *o = oneway_host(h, &c->a[seen]);
		if (o)
			o->to_missing++;
		o = oneway_host(h, &c->a[!seen]);
		if (o)
			o->from_missing++;
	}
}

/* The session here that the pipeline's session index pl stands for, -1 none. */
static int session_of_pl(struct health *h, uint32_t pl)
{
	struct health_priv *hp = (struct health_priv *)h;
	if (pl == FLOW_SESSION_NONE)
		return -1;
	if (hp->tcp_pl_set && hp->tcp_pl == pl)
		return hp->tcp_sess;
	int found = -1;
	for (unsigned i = 0; i < h->nsess; i++)
		if (h->sess[i].pl_index >= 0 && (uint32_t)h->sess[i].pl_index == pl) {
			found = (int)i;
			break;
		}
	hp->tcp_pl = pl;
	hp->tcp_sess = found;
	hp->tcp_pl_set = found >= 0; /* a miss is not kept: the session may come */
	return found;
}

void health_tcp_bytes(struct health *h, const struct flow *f, int dir, uint64_t acked,
		      uint64_t unseen, uint64_t ts)
{
	if (dir < 0 || dir > 1 || (!acked && !unseen))
		return;
	h->tcp_acked += acked;
	h->tcp_unseen += unseen;
	unsigned b = bin_of(h, ts);
	h->bins_acked[b] += acked;
	h->bins_unseen[b] += unseen;
	int sn = subnet_get(h, &f->a[dir]); /* the sender of the data */
	if (sn >= 0) {
		h->subnets[sn].tcp_acked += acked;
		h->subnets[sn].tcp_unseen += unseen;
	}
	int sess = session_of_pl(h, f->session_index);
	if (sess >= 0) {
		h->sess[sess].tcp_acked += acked;
		h->sess[sess].tcp_unseen += unseen;
	}
	if (f->source < HEALTH_MAX_INPUTS) {
		h->in[f->source].tcp_acked += acked;
		h->in[f->source].tcp_unseen += unseen;
	}
}

static uint64_t conn_hash(const struct packet *p)
{
	/* Symmetric: hash the two endpoints in a fixed order. */
	size_t n = ip_len(&p->src);
	int cmp = memcmp(p->src.a, p->dst.a, n);
	if (!cmp)
		cmp = p->sport < p->dport ? -1 : p->sport > p->dport;
	const struct ip_addr *a = cmp <= 0 ? &p->src : &p->dst;
	const struct ip_addr *b = cmp <= 0 ? &p->dst : &p->src;
	uint16_t pa = cmp <= 0 ? p->sport : p->dport, pb = cmp <= 0 ? p->dport : p->sport;
	uint64_t hsh = fnv(0xcbf29ce484222325ull ^ p->src.family, a->a, n);
	hsh = fnv(hsh, b->a, n);
	hsh = fnv(hsh, &pa, 2);
	return fnv(hsh, &pb, 2);
}

/* A connection leaves the table (retired or end of input): its directions
 * are judged. */
static void conn_end(struct health *h, struct health_conn *c)
{
	conn_judge(h, c);
}

static void conn_init(struct health *h, struct health_conn *c, const struct packet *p,
		      uint64_t hsh, int sess)
{
	if (c->used) {
		conn_end(h, c);
		h->conn_reused++;
	} else {
		h->nconns++;
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->hash = hsh;
	c->a[0] = p->src;
	c->a[1] = p->dst;
	c->port[0] = p->sport;
	c->port[1] = p->dport;
	c->subnet[0] = subnet_get(h, &p->src);
	c->subnet[1] = subnet_get(h, &p->dst);
	c->sess = sess;
	c->input = p->source;
	c->vlan = p->nvlans ? (uint16_t)(p->vlans[0] & 0xfff) : 0;
	c->client = -1;
}

/* The connection of a TCP packet (created on first sight), NULL when the
 * table has no room; *side = 0 when p goes the way of the first packet. */
static struct health_conn *conn_get(struct health *h, const struct packet *p, int sess, int *side)
{
	uint64_t hsh = conn_hash(p);
	struct health_conn *victim = NULL;
	*side = 0;
	for (unsigned probe = 0; probe < HEALTH_CONN_PROBE; probe++) {
		struct health_conn *c = &h->conns[(hsh + probe) % HEALTH_CONN_SLOTS];
		if (!c->used) {
			if (h->nconns >= HEALTH_CONN_SLOTS * 3 / 4)
				break; /* keep the table sparse: retire or give up */
			conn_init(h, c, p, hsh, sess);
			return c;
		}
		if (c->hash == hsh) {
			if (ip_eq(&c->a[0], &p->src) && ip_eq(&c->a[1], &p->dst) &&
			    c->port[0] == p->sport && c->port[1] == p->dport)
				return c;
			if (ip_eq(&c->a[1], &p->src) && ip_eq(&c->a[0], &p->dst) &&
			    c->port[1] == p->sport && c->port[0] == p->dport) {
				*side = 1;
				return c;
			}
		}
		if (!victim && p->ts_ns > c->last_ns + HEALTH_CONN_IDLE_NS)
			victim = c;
	}
	if (!victim) {
		h->conn_overflow++;
		event_count(&h->events, EV_HEALTH_CONN_TABLE_FULL);
		return NULL;
	}
	conn_init(h, victim, p, hsh, sess);
	return victim;
}

static void tcp_packet(struct health *h, const struct packet *p, int sess)
{
	int side;
	struct health_conn *c = conn_get(h, p, sess, &side);
	if (!c)
		return;
	c->last_ns = p->ts_ns;
	c->d[side].pkts++;
	bool syn = p->tcp_flags & 0x02, ack = p->tcp_flags & 0x10;
	if (syn && c->client < 0)
		c->client = (int8_t)(ack ? !side : side);
	if (c->client < 0 && c->d[0].pkts + c->d[1].pkts == 1)
		c->client = (int8_t)(p->sport > p->dport ? side : !side);
	bool client_side = c->client < 0 ? side == 0 : side == c->client;
	h->dir_pkts[client_side ? 0 : 1]++;
	h->bins_dir[client_side ? 0 : 1][bin_of(h, p->ts_ns)]++;
	if (ack && !(p->tcp_flags & 0x04)) /* RST: its ACK field may be anything */
		c->d[side].sent_ack = true;
}

/* ---------------------------------------------------------------- frames */

static void l2_add(struct health_l2 *l2, int kind, bool arp)
{
	if (kind == 0)
		l2->unicast++;
	else if (kind == 1)
		l2->broadcast++;
	else
		l2->multicast++;
	if (arp)
		l2->arp++;
}

/* 0 unicast, 1 broadcast, 2 multicast. */
static int frame_kind(const struct packet *p)
{
	if (p->frame_is_eth) {
		static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
		if (!memcmp(p->eth_dst, bc, 6))
			return 1;
		return (p->eth_dst[0] & 1) ? 2 : 0;
	}
	if (p->dst.family == 4) {
		if (p->dst.a[0] == 255 && p->dst.a[1] == 255 && p->dst.a[2] == 255 && p->dst.a[3] == 255)
			return 1;
		return p->dst.a[0] >= 224 && p->dst.a[0] < 240 ? 2 : 0;
	}
	if (p->dst.family == 6)
		return p->dst.a[0] == 0xff ? 2 : 0;
	return 0;
}

/* ARP sender: its address and MAC go to the deployment analysis. */
static void arp_packet(struct health *h, const struct packet *p, int kind, int proto)
{
	if (!p->frame_is_eth)
		return;
	size_t off = 14 + 4u * p->nvlans;
	if (off >= p->frame_caplen)
		return;
	struct cursor c = cursor_make(p->frame + off, p->frame_caplen - off);
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint8_t sha[6];
	struct ip_addr spa = { .family = 4 };
	if (!cursor_be16(&c, &htype) || !cursor_be16(&c, &ptype) || !cursor_u8(&c, &hlen) ||
	    !cursor_u8(&c, &plen) || !cursor_skip(&c, 2))
		return;
	if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4)
		return;
	if (!cursor_copy(&c, sha, 6) || !cursor_copy(&c, spa.a, 4))
		return;
	int sn = subnet_get(h, &spa);
	if (sn < 0)
		return;
	struct health_subnet *s = &h->subnets[sn];
	s->packets++;
	s->pkts_from++;
	s->bytes += p->frame_wirelen;
	subnet_host(s, &spa);
	subnet_mac(s, sha);
	subnet_vlan(s, p->nvlans ? (uint16_t)(p->vlans[0] & 0xfff) : 0);
	if (kind == 1)
		s->broadcast = true;
	if (proto >= 0)
		s->protos |= 1ull << proto;
}

static void ip_packet(struct health *h, const struct packet *p, int kind, int proto)
{
	uint16_t vlan = p->nvlans ? (uint16_t)(p->vlans[0] & 0xfff) : 0;
	int ss = subnet_get(h, &p->src);
	if (ss >= 0) {
		struct health_subnet *s = &h->subnets[ss];
		s->packets++;
		s->pkts_from++;
		s->bytes += p->frame_wirelen;
		subnet_host(s, &p->src);
		if (p->frame_is_eth)
			subnet_mac(s, p->eth_src);
		subnet_vlan(s, vlan);
		if (kind == 1)
			s->broadcast = true;
		if (proto >= 0)
			s->protos |= 1ull << proto;
	}
	if (kind != 0)
		return;
	int ds = subnet_get(h, &p->dst);
	if (ds >= 0 && ds != ss) {
		struct health_subnet *s = &h->subnets[ds];
		s->packets++;
		s->bytes += p->frame_wirelen;
		subnet_vlan(s, vlan);
		if (proto >= 0)
			s->protos |= 1ull << proto;
	}
	if (ds >= 0) {
		h->subnets[ds].pkts_to++;
		subnet_host(&h->subnets[ds], &p->dst);
	}
}

void health_packet(struct health *h, const struct packet *p, const struct mirror_session *ms)
{
	uint64_t ts = p->ts_ns;
	unsigned ii = p->source < HEALTH_MAX_INPUTS ? p->source : HEALTH_MAX_INPUTS - 1;
	struct health_input *in = &h->in[ii];
	if (!h->packets) {
		h->first_ns = ts;
		h->base_ns = ts;
	}
	if (ts < h->first_ns)
		h->first_ns = ts;
	if (ts > h->last_ns)
		h->last_ns = ts;
	input_time(h, in, ts);
	in->used = true;
	if (ii + 1 > h->ninputs)
		h->ninputs = ii + 1;
	in->packets++;
	in->bytes += p->wirelen;
	h->packets++;
	h->bytes += p->wirelen;
	if (p->mirror.transport < TRANSPORT__COUNT)
		in->transports[p->mirror.transport]++;
	unsigned b = bin_of(h, ts);
	in->bins_pkts[b]++;
	in->bins_bytes[b] += p->wirelen;
	peak_add(&in->p1ms, ts, p->wirelen);
	peak_add(&in->p100ms, ts, p->wirelen);

	int sess = session_get(h, p);
	struct health_session *s = sess >= 0 ? &h->sess[sess] : NULL;
	if (s) {
		session_packet(h, s, p, ms);
		s->bins_bytes[bin_of(h, ts)] += p->wirelen;
	}
	if (p->rejected) {
		in->rejected++;
		h->rejected++;
		if (s)
			s->rejected++;
		return;
	}
	in->frames++;
	h->frames++;
	if (p->caplen < p->wirelen) {
		in->snap_cut++;
		h->snap_cut++;
	}
	if (p->duplicate) {
		in->duplicates++;
		h->duplicates++;
		h->bins_dups[b]++;
		if (s)
			s->duplicates++;
		return;
	}
	h->unique++;

	int kind = frame_kind(p);
	bool arp = p->layers & LAYER_ARP;
	l2_add(&in->l2, kind, arp);
	l2_add(&h->l2, kind, arp);
	if (s)
		l2_add(&s->l2, kind, arp);
	if (p->nvlans) {
		struct health_vlan *v = &h->vlans[p->vlans[0] & 0xfff];
		v->packets++;
		v->bytes += p->frame_wirelen;
	} else {
		h->untagged++;
	}
	if (p->frame_is_eth)
		mac_add(h, p->eth_src);
	int proto = health_proto_of(p);
	if (proto >= 0)
		h->protos |= 1ull << proto;
	if (p->layers & (LAYER_IPV4 | LAYER_IPV6)) {
		ip_packet(h, p, kind, proto);
		if ((p->layers & LAYER_TCP) && !(p->ip_fragment && !p->ip_first_fragment))
			tcp_packet(h, p, sess);
	} else {
		h->non_ip++;
		if (arp)
			arp_packet(h, p, kind, proto);
	}
}

void health_finish(struct health *h)
{
	if (h->finished)
		return;
	h->finished = true;
	for (unsigned i = 0; i < HEALTH_CONN_SLOTS; i++)
		if (h->conns[i].used)
			conn_end(h, &h->conns[i]);
}

void health_on_packet(void *ctx, const struct packet *p, const struct mirror_session *s,
		      const struct flow *f, int dir)
{
	(void)f;
	(void)dir;
	health_packet(ctx, p, s);
}

void health_on_tcp_bytes(void *ctx, const struct flow *f, int dir, uint64_t acked,
			 uint64_t unseen, uint64_t ts_ns)
{
	health_tcp_bytes(ctx, f, dir, acked, unseen, ts_ns);
}

void health_on_finish(void *ctx)
{
	health_finish(ctx);
}
