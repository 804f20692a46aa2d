/*
 * session.c - per mirror session accounting and exact upstream loss from
 * GRE sequence numbers (RFC 2890 section 2.2; ERSPAN II/III carry the GRE
 * sequence number, draft-foschiano-erspan-03).
 *
 * A session is keyed on (input, transport, outer source address, session
 * identifier). Sessions live in a fixed array (index stable, bounded by
 * max_sessions, overflow counted) found through an open-addressing index;
 * nothing is allocated per packet.
 *
 * Sequence rules, per session (so per source address and session ID: a
 * switch that sends several sessions interleaved keeps one counter per
 * session). All arithmetic is modulo 2^32 (serial numbers, RFC 1982), so a
 * counter wrapping from 0xffffffff to 0 is an ordinary step. Let H be the
 * highest number seen and d = seq - H taken as a signed 32-bit value:
 *
 *   first number seen     H = seq; nothing lost.
 *   d = 1                 in order.
 *   d > 1                 a gap: d - 1 packets lost, one gap event; H = seq.
 *                         (Every forward jump is loss: the sender increments
 *                         per packet it sends, lost or not.)
 *   d = 0                 repeated (the same copy twice).
 *   -W < d < 0            behind H, within the window W: if that number was
 *                         already seen, repeated; if not, reordered: it
 *                         fills a gap counted earlier, so lost is decremented
 *                         (a late packet is never reported as loss); gap
 *                         events follow the runs of lost numbers (a run's
 *                         last number arriving closes it, one in its middle
 *                         splits it). Numbers
 *                         older than the first one seen since the last
 *                         (re)start are reordered without touching lost.
 *   d <= -W               (or exactly 2^31 away): the source restarted its
 *                         counter; a restart is counted, tracking starts
 *                         again at seq, nothing is lost.
 *
 * W = SESSION_SEQ_WINDOW; which of the last W numbers were seen is kept in
 * a ring bitmap (bit n % W). A restart that lands less than W behind H is
 * indistinguishable from late copies and is counted as reordered/repeated.
 */
#include "core/hash.h"
#include "mirror/session.h"

#include <stdlib.h>
#include <string.h>

/* Sessions remembered for the quick check before the hash lookup: copies
 * come in runs from a few sessions (two ERSPAN sessions of one switch
 * interleave packet by packet), so a handful covers the common case. */
#define SESSION_RECENT 4

struct session_table {
	struct mirror_session *sessions; /* max entries, first count in use */
	unsigned count;                  /* sessions in use */
	unsigned max;                    /* bound */
	uint32_t *index;                 /* slot -> session index + 1, 0 empty */
	uint32_t mask;                   /* index slots - 1 (power of two) */
	uint64_t overflow;               /* copies refused: table full */
	struct event_counts *events;     /* optional event counters */
	uint32_t recent[SESSION_RECENT]; /* index + 1 of recently hit sessions, 0 none */
	unsigned recent_next;            /* slot of recent[] the next miss fills */
};

struct session_table *session_table_new(unsigned max_sessions)
{
	if (max_sessions == 0)
		max_sessions = SESSION_DEFAULT_MAX;
	if (max_sessions > (1u << 24))
		max_sessions = 1u << 24;
	struct session_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	uint32_t slots = 16;
	while (slots < 2u * max_sessions)
		slots <<= 1;
	t->sessions = calloc(max_sessions, sizeof(*t->sessions));
	t->index = calloc(slots, sizeof(*t->index));
	if (!t->sessions || !t->index) {
		session_table_free(t);
		return NULL;
	}
	t->max = max_sessions;
	t->mask = slots - 1;
	return t;
}

void session_table_free(struct session_table *t)
{
	if (!t)
		return;
	free(t->sessions);
	free(t->index);
	free(t);
}

void session_table_set_events(struct session_table *t, struct event_counts *ec)
{
	t->events = ec;
}

bool session_packet_id(const struct packet *p, uint32_t *id)
{
	const struct mirror_ctx *m = &p->mirror;
	if (m->has_session) {
		*id = m->session;
		return true;
	}
	if (m->has_gre_key) {
		*id = m->gre_key;
		return true;
	}
	if (m->transport == TRANSPORT_RSPAN) {
		*id = m->rspan_vlan;
		return true;
	}
	*id = 0;
	return false;
}

static void key_addr(const struct packet *p, struct ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (p->mirror.transport == TRANSPORT_PLAIN ||
	    p->mirror.transport == TRANSPORT_RSPAN)
		return;
	a->family = p->mirror.outer_src.family;
	size_t n = a->family == 4 ? 4 : a->family == 6 ? 16 : 0;
	memcpy(a->a, p->mirror.outer_src.a, n);
}

static uint32_t key_hash(enum transport tr, const struct ip_addr *a, uint32_t id,
			 bool has_id, uint16_t source)
{
	uint64_t w0, w1;
	memcpy(&w0, a->a, 8);
	memcpy(&w1, a->a + 8, 8);
	uint64_t h = ((uint64_t)id << 32) ^ ((uint64_t)source << 16) ^
		     ((uint64_t)tr << 8) ^ ((uint64_t)a->family << 1) ^ has_id;
	h = hash_mix64(h ^ hash_mix64(w0 ^ 0x9e3779b97f4a7c15ull) ^ (w1 * 0xbf58476d1ce4e5b9ull));
	return (uint32_t)(h ^ (h >> 32));
}

static bool key_eq(const struct mirror_session *s, enum transport tr,
		   const struct ip_addr *a, uint32_t id, bool has_id,
		   uint16_t source)
{
	return s->transport == tr && s->id == id && s->has_id == has_id &&
	       s->source == source && s->src.family == a->family &&
	       memcmp(s->src.a, a->a, 16) == 0;
}

/*
 * Does session s have the key of packet p (what key_addr / key_eq would
 * say), compared straight from the packet's fields? The stored address
 * was zeroed beyond its family's length, so comparing that length is
 * comparing all 16 bytes.
 */
static bool key_eq_packet(const struct mirror_session *s, const struct packet *p,
			  enum transport tr, uint32_t id, bool has_id)
{
	if (s->transport != tr || s->id != id || s->has_id != has_id ||
	    s->source != p->source)
		return false;
	if (tr == TRANSPORT_PLAIN || tr == TRANSPORT_RSPAN)
		return s->src.family == 0;
	const struct ip_addr *o = &p->mirror.outer_src;
	if (s->src.family != o->family)
		return false;
	if (o->family == 4) {
		uint32_t x, y;
		memcpy(&x, s->src.a, 4);
		memcpy(&y, o->a, 4);
		return x == y;
	}
	if (o->family == 6)
		return memcmp(s->src.a, o->a, 16) == 0;
	return true;
}

static void seq_reset(struct mirror_session *s, uint32_t seq)
{
	memset(s->seq_seen, 0, sizeof(s->seq_seen));
	s->seq_init = true;
	s->seq_high = seq;
	s->seq_span = 1;
	s->seq_seen[(seq % SESSION_SEQ_WINDOW) / 64] |=
		1ull << (seq % SESSION_SEQ_WINDOW % 64);
}

static bool seq_bit(const struct mirror_session *s, uint32_t n)
{
	uint32_t b = n % SESSION_SEQ_WINDOW;
	return (s->seq_seen[b / 64] >> (b % 64)) & 1;
}

static void seq_set(struct mirror_session *s, uint32_t n, bool on)
{
	uint32_t b = n % SESSION_SEQ_WINDOW;
	if (on)
		s->seq_seen[b / 64] |= 1ull << (b % 64);
	else
		s->seq_seen[b / 64] &= ~(1ull << (b % 64));
}

/* Returns true when the number meant a counter restart. */
static bool seq_observe(struct mirror_session *s, uint32_t seq)
{
	s->seq_packets++;
	if (!s->seq_init) {
		seq_reset(s, seq);
		return false;
	}
	uint32_t diff = seq - s->seq_high;
	if (diff == 0) {
		s->seq_repeated++;
		return false;
	}
	if (diff < 0x80000000u) { /* ahead of H */
		if (diff > 1) {
			s->seq_lost += diff - 1;
			s->seq_gap_events++;
		}
		if (diff >= SESSION_SEQ_WINDOW) {
			memset(s->seq_seen, 0, sizeof(s->seq_seen));
		} else {
			for (uint32_t i = 1; i < diff; i++)
				seq_set(s, s->seq_high + i, false);
		}
		seq_set(s, seq, true);
		s->seq_high = seq;
		uint64_t span = (uint64_t)s->seq_span + diff;
		s->seq_span = span > SESSION_SEQ_WINDOW ? SESSION_SEQ_WINDOW
							: (uint32_t)span;
		return false;
	}
	uint32_t back = s->seq_high - seq; /* 1 .. 2^31 */
	if (back >= SESSION_SEQ_WINDOW) {
		s->seq_restarts++;
		seq_reset(s, seq);
		return true;
	}
	if (back >= s->seq_span) {
		/* Older than the first number tracked: late, never counted lost. */
		s->seq_reordered++;
		return false;
	}
	if (seq_bit(s, seq)) {
		s->seq_repeated++;
	} else {
		s->seq_reordered++;
		if (s->seq_lost)
			s->seq_lost--;
		seq_set(s, seq, true);
		/* Keep seq_gap_events = runs of lost numbers: filling a run's
		 * last number closes it, filling its middle splits it in two.
		 * (Before the first tracked number nothing is lost: a boundary.) */
		bool left = back + 1 >= s->seq_span || seq_bit(s, seq - 1);
		bool right = seq_bit(s, seq + 1);
		if (left && right && s->seq_gap_events)
			s->seq_gap_events--;
		else if (!left && !right)
			s->seq_gap_events++;
	}
	return false;
}

void session_seq_observe(struct mirror_session *s, uint32_t seq)
{
	(void)seq_observe(s, seq);
}

struct mirror_session *session_account(struct session_table *t,
				       const struct packet *p)
{
	struct ip_addr a;
	uint32_t id;
	enum transport tr = p->mirror.transport;
	bool has_id = session_packet_id(p, &id);
	struct mirror_session *s = NULL;
	/* Copies come in runs from a few sessions: try the recent ones first. */
	for (unsigned r = 0; r < SESSION_RECENT && t->recent[r]; r++) {
		struct mirror_session *c = &t->sessions[t->recent[r] - 1];
		if (key_eq_packet(c, p, tr, id, has_id)) {
			s = c;
			break;
		}
	}
	bool recent_hit = s != NULL;
	if (!s)
		key_addr(p, &a);
	uint32_t h = s ? 0 : key_hash(tr, &a, id, has_id, p->source);
	for (uint32_t i = h & t->mask; !s; i = (i + 1) & t->mask) {
		uint32_t v = t->index[i];
		if (v == 0) {
			if (t->count >= t->max) {
				t->overflow++;
				if (t->events)
					event_count(t->events, EV_MIRROR_SESSIONS_FULL);
				return NULL;
			}
			s = &t->sessions[t->count];
			s->transport = tr;
			s->src = a;
			s->id = id;
			s->has_id = has_id;
			s->source = p->source;
			s->index = t->count;
			s->first_ns = p->ts_ns;
			s->last_ns = p->ts_ns;
			t->index[i] = ++t->count;
			break;
		}
		if (key_eq(&t->sessions[v - 1], tr, &a, id, has_id, p->source)) {
			s = &t->sessions[v - 1];
			break;
		}
	}
	if (!recent_hit) {
		t->recent[t->recent_next] = s->index + 1;
		t->recent_next = (t->recent_next + 1) % SESSION_RECENT;
	}
	s->packets++;
	s->bytes += p->wirelen;
	if (p->ts_ns < s->first_ns)
		s->first_ns = p->ts_ns;
	if (p->ts_ns > s->last_ns)
		s->last_ns = p->ts_ns;
	if (p->mirror.has_gre_seq && seq_observe(s, p->mirror.gre_seq) && t->events)
		event_count(t->events, EV_MIRROR_SEQ_RESTART);
	if (p->mirror.truncated)
		s->truncated++;
	if (p->mirror.outer_fragmented)
		s->outer_fragmented++;
	if (p->mirror.dir == MIRROR_DIR_INGRESS)
		s->dir_ingress++;
	else if (p->mirror.dir == MIRROR_DIR_EGRESS)
		s->dir_egress++;
	return s;
}

unsigned session_count(const struct session_table *t)
{
	return t->count;
}

const struct mirror_session *session_at(const struct session_table *t, unsigned i)
{
	return i < t->count ? &t->sessions[i] : NULL;
}

struct mirror_session *session_at_mut(struct session_table *t, unsigned i)
{
	return i < t->count ? &t->sessions[i] : NULL;
}

uint64_t session_overflow(const struct session_table *t)
{
	return t->overflow;
}
