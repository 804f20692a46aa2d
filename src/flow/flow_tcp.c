/*
 * flow_tcp.c - TCP state and the ACKed-but-unseen estimate of mirror loss.
 *
 * A receiver only acknowledges data it received, so data that one side
 * ACKs but the sensor never saw was lost between the wire and the sensor
 * (in the mirror, not in the network). This is the method behind Zeek's
 * capture-loss figure, counted here in bytes (RFC 9293 sequence space,
 * serial arithmetic modulo 2^32 throughout, so wrap-around is ordinary).
 *
 * Per direction d (the data a[d] sends):
 *   max_seen  one past the highest sequence number seen (data, or the FIN,
 *             which occupies one number; a SYN's number is not data);
 *   acked_to  how far the other side's ACKs were counted;
 *   holes     ranges below max_seen never seen (at most FLOW_TCP_MAX_HOLES
 *             per direction, taken from a pool shared by the table).
 * Rules:
 *   - tracking starts at the first SYN or data segment of d (a bare ACK or
 *     keep-alive does not start it, so its seq - 1 cannot fake a hole);
 *   - a segment above max_seen opens a hole [max_seen, seq); one landing in
 *     a hole fills that part (late or reordered delivery, retransmission);
 *     a segment below max_seen outside any hole is a retransmission, a
 *     keep-alive or a window probe already seen: nothing changes;
 *   - an ACK above acked_to counts the newly ACKed bytes (minus the FIN's
 *     number) as acked_bytes[d]; an ACK above max_seen means the tail was
 *     never seen: it becomes a hole too; every hole it reaches is stamped
 *     with the time of that ACK;
 *   - a hole (the part of it below acked_to) is judged unseen only when it
 *     is still unfilled tcp_reorder_ns after it was ACKed, or at flow end:
 *     a mirror often delivers a data segment slightly after the ACK of it,
 *     and that must not count as loss. Each judged hole is one gap event;
 *   - a SYN whose sequence number is not at or just behind max_seen starts
 *     a new connection on the same ports: tracking restarts (tcp_reused);
 *   - the first fragment of an IP-fragmented segment stops tracking of its
 *     direction until the next whole segment (the other fragments carry
 *     data that never reaches the flow table);
 *   - an ACK or segment more than FLOW_TCP_MAX_JUMP ahead is implausible
 *     (another connection reusing the ports, or corrupt input): tracking
 *     restarts there (flow.tcp_ack_desync), nothing is counted;
 *   - no room for a hole (FLOW_TCP_MAX_HOLES held, or the pool empty): the
 *     lowest one, if already ACKed, is judged unseen at once; otherwise the
 *     new hole is dropped (counted in flow.tcp_hole_overflow; the estimate
 *     then errs low, never high).
 */
#include "flow/flow_tcp.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#define FLOW_TCP_MAX_JUMP (64u << 20) /* 64 MiB ahead = implausible */
#define FLOW_TCP_MAX_BACK (1u << 30)  /* further behind = ignored as stale */

static int32_t sdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

/* ---- the pool ---- */

static uint32_t pool_get(struct flow_hole_pool *pool, struct flow_stats *st)
{
	uint32_t i;
	if (pool->free_head != FLOW_HOLE_NIL) {
		i = pool->free_head;
		pool->free_head = pool->holes[i].next;
	} else if (pool->used < pool->cap) {
		i = pool->used++;
	} else {
		return FLOW_HOLE_NIL;
	}
	pool->in_use++;
	st->holes_held = pool->in_use;
	if (pool->in_use > st->holes_peak)
		st->holes_peak = pool->in_use;
	return i;
}

static void pool_put(struct flow_hole_pool *pool, uint32_t i)
{
	pool->holes[i].next = pool->free_head;
	pool->free_head = i;
	pool->in_use--;
}

static struct flow_tcp_hole *H(struct flow_hole_pool *pool, uint32_t i)
{
	return &pool->holes[i];
}

/* Unlink hole i (whose predecessor is prev, or NIL for the head). */
static void hole_unlink(struct flow_tcp_dir *s, struct flow_hole_pool *pool,
			uint32_t prev, uint32_t i)
{
	uint32_t next = H(pool, i)->next;
	if (prev == FLOW_HOLE_NIL)
		s->hole_head = next;
	else
		H(pool, prev)->next = next;
	if (s->hole_tail == i)
		s->hole_tail = prev;
	s->nholes--;
	pool_put(pool, i);
}

static void holes_clear(struct flow_tcp_dir *s, struct flow_hole_pool *pool)
{
	while (s->hole_head != FLOW_HOLE_NIL)
		hole_unlink(s, pool, FLOW_HOLE_NIL, s->hole_head);
}

/* Tell the report callback (if any) what was just counted. */
static void report(struct flow *f, int d, struct flow_hole_pool *pool,
		   uint64_t acked, uint64_t unseen)
{
	if (pool->report)
		pool->report(pool->report_ctx, f, d, acked, unseen, pool->now_ns);
}

/*
 * Judge the lowest hole: the part below acked_to is unseen. A remainder
 * above acked_to stays as an un-ACKed hole. Returns true if it is gone.
 */
static bool judge_head(struct flow *f, int d, struct flow_hole_pool *pool)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	uint32_t i = s->hole_head;
	if (i == FLOW_HOLE_NIL)
		return false;
	struct flow_tcp_hole *h = H(pool, i);
	uint32_t cut = s->acked_to;
	if (sdiff(cut, h->start) <= 0)
		return false; /* nothing of it ACKed */
	f->gap_events[d]++;
	if (sdiff(h->end, cut) <= 0) {
		f->unseen_bytes[d] += h->end - h->start;
		report(f, d, pool, 0, h->end - h->start);
		hole_unlink(s, pool, FLOW_HOLE_NIL, i);
		return true;
	}
	f->unseen_bytes[d] += cut - h->start;
	report(f, d, pool, 0, cut - h->start);
	h->start = cut;
	h->acked_ms = 0;
	return false;
}

static void overflow(struct flow_stats *st, struct event_counts *ec)
{
	st->hole_overflow++;
	if (ec)
		event_count(ec, EV_FLOW_TCP_HOLE_OVERFLOW);
}

/* Room for one more hole in direction d: index of a fresh entry, or NIL. */
static uint32_t hole_room(struct flow *f, int d, struct flow_hole_pool *pool,
			  struct flow_stats *st)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	uint32_t i = FLOW_HOLE_NIL;
	if (s->nholes < FLOW_TCP_MAX_HOLES)
		i = pool_get(pool, st);
	if (i == FLOW_HOLE_NIL && s->hole_head != FLOW_HOLE_NIL &&
	    H(pool, s->hole_head)->acked_ms && judge_head(f, d, pool))
		i = pool_get(pool, st); /* an ACKed hole judged early made room */
	return i;
}

/* Append [start, end) above every other hole. */
static void hole_add(struct flow *f, int d, struct flow_hole_pool *pool,
		     uint32_t start, uint32_t end, struct flow_stats *st,
		     struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	if (sdiff(end, start) <= 0)
		return;
	if (s->hole_tail != FLOW_HOLE_NIL) {
		struct flow_tcp_hole *t = H(pool, s->hole_tail);
		if (t->end == start && t->acked_ms == 0) {
			t->end = end;
			return;
		}
	}
	uint32_t i = hole_room(f, d, pool, st);
	if (i == FLOW_HOLE_NIL) {
		overflow(st, ec);
		return;
	}
	struct flow_tcp_hole *h = H(pool, i);
	h->start = start;
	h->end = end;
	h->acked_ms = 0;
	h->next = FLOW_HOLE_NIL;
	if (s->hole_tail == FLOW_HOLE_NIL)
		s->hole_head = i;
	else
		H(pool, s->hole_tail)->next = i;
	s->hole_tail = i;
	s->nholes++;
}

/* Data [a, b) was seen: take it out of the holes. */
static void hole_fill(struct flow *f, int d, struct flow_hole_pool *pool,
		      uint32_t a, uint32_t b, struct flow_stats *st,
		      struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	uint32_t prev = FLOW_HOLE_NIL;
	for (uint32_t i = s->hole_head; i != FLOW_HOLE_NIL;) {
		struct flow_tcp_hole *h = H(pool, i);
		uint32_t next = h->next;
		if (sdiff(b, h->start) <= 0)
			break; /* this and every later hole lie above the data */
		if (sdiff(a, h->end) >= 0) {
			prev = i;
			i = next;
			continue;
		}
		bool low = sdiff(a, h->start) > 0; /* part below a remains */
		bool high = sdiff(b, h->end) < 0;  /* part above b remains */
		if (!low && !high) {
			hole_unlink(s, pool, prev, i);
			i = next;
			continue;
		}
		if (low && high) {
			uint32_t n = s->nholes < FLOW_TCP_MAX_HOLES ? pool_get(pool, st)
								    : FLOW_HOLE_NIL;
			h = H(pool, i); /* (the pool does not move; keep it obvious) */
			if (n != FLOW_HOLE_NIL) {
				struct flow_tcp_hole *u = H(pool, n);
				*u = *h;
				u->start = b;
				u->next = next;
				h->next = n;
				if (s->hole_tail == i)
					s->hole_tail = n;
				s->nholes++;
			} else {
				overflow(st, ec); /* the upper part is forgotten */
			}
			h->end = a;
			break;
		}
		if (low)
			h->end = a;
		else
			h->start = b;
		prev = i;
		i = next;
	}
}

static void dir_restart(struct flow_tcp_dir *s, struct flow_hole_pool *pool,
			uint32_t start, uint32_t end, bool fin)
{
	holes_clear(s, pool);
	s->init = true;
	s->acked_to = start;
	s->max_seen = end;
	s->fin = fin;
}

static void desync(struct flow_stats *st, struct event_counts *ec)
{
	st->ack_desync++;
	if (ec)
		event_count(ec, EV_FLOW_TCP_ACK_DESYNC);
}

/* Sequence space [start, end) of d was seen; end includes a FIN. */
static void data_seen(struct flow *f, int d, struct flow_hole_pool *pool,
		      uint32_t start, uint32_t end, bool fin,
		      struct flow_stats *st, struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	if (!s->init) {
		dir_restart(s, pool, start, end, fin);
		return;
	}
	int32_t ahead = sdiff(start, s->max_seen);
	if (ahead > (int32_t)FLOW_TCP_MAX_JUMP) {
		desync(st, ec);
		dir_restart(s, pool, start, end, fin);
		return;
	}
	if (ahead < -(int32_t)FLOW_TCP_MAX_BACK)
		return; /* stale */
	if (ahead < 0 && sdiff(end, start) > 0) /* (a late FIN fills its number) */
		hole_fill(f, d, pool, start, end, st, ec);
	if (ahead > 0)
		hole_add(f, d, pool, s->max_seen, start, st, ec);
	if (sdiff(end, s->max_seen) > 0) {
		s->max_seen = end;
		s->fin = fin;
	} else if (fin && end == s->max_seen) {
		s->fin = true;
	}
}

static void ack_seen(struct flow *f, int d, struct flow_hole_pool *pool,
		     uint32_t ack, uint32_t now_ms, struct flow_stats *st,
		     struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	if (!s->init || sdiff(ack, s->acked_to) <= 0)
		return;
	int32_t ahead = sdiff(ack, s->max_seen);
	if (ahead > (int32_t)FLOW_TCP_MAX_JUMP) {
		desync(st, ec);
		dir_restart(s, pool, ack, ack, false);
		return;
	}
	uint64_t n = ack - s->acked_to;
	if (s->fin && sdiff(s->max_seen - 1, s->acked_to) >= 0 &&
	    sdiff(s->max_seen - 1, ack) < 0)
		n--; /* the FIN's sequence number is not a byte */
	if (ahead > 0) {
		hole_add(f, d, pool, s->max_seen, ack, st, ec);
		s->max_seen = ack;
		s->fin = false;
	}
	f->acked_bytes[d] += n;
	report(f, d, pool, n, 0);
	s->acked_to = ack;
	for (uint32_t i = s->hole_head; i != FLOW_HOLE_NIL; i = H(pool, i)->next) {
		struct flow_tcp_hole *h = H(pool, i);
		if (sdiff(h->start, ack) >= 0)
			break;
		if (h->acked_ms == 0)
			h->acked_ms = now_ms + 1;
	}
}

/* Judge the holes whose ACK is older than the reorder allowance. ACKs are
 * cumulative, so ACKed holes form the low end of the list, oldest first. */
static void judge_due(struct flow *f, struct flow_hole_pool *pool,
		      uint32_t now_ms, uint32_t allow_ms)
{
	for (int d = 0; d < 2; d++) {
		struct flow_tcp_dir *s = &f->tcp[d];
		while (s->hole_head != FLOW_HOLE_NIL) {
			struct flow_tcp_hole *h = H(pool, s->hole_head);
			/* (a packet older than the ACK, sources merged out of
			 * order, is not "later") */
			if (!h->acked_ms || now_ms + 1 < h->acked_ms ||
			    now_ms + 1 - h->acked_ms < allow_ms)
				break;
			if (!judge_head(f, d, pool))
				break;
		}
	}
}

/*
 * A SYN of a tracked direction is a retransmission or a late copy when it
 * lies at or a little behind max_seen (the old ISN + 1 is at or below
 * acked_to); anywhere else it starts a new connection with a new ISN.
 */
static bool syn_is_new(const struct flow_tcp_dir *s, uint32_t start)
{
	uint32_t behind = s->max_seen - start;
	return behind >= FLOW_TCP_MAX_JUMP;
}

void flow_tcp_init(struct flow *f)
{
	for (int d = 0; d < 2; d++)
		f->tcp[d].hole_head = f->tcp[d].hole_tail = FLOW_HOLE_NIL;
}

void flow_tcp_packet(struct flow *f, const struct packet *p, int dir,
		     struct flow_hole_pool *pool, uint64_t reorder_ns,
		     struct flow_stats *st, struct event_counts *ec)
{
	uint8_t fl = p->tcp_flags;
	st->tcp_packets++;

	/* Connection state. */
	if (fl & TCP_RST) {
		f->tcp_state = FLOW_TCP_CLOSED;
	} else if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		f->saw_syn = true;
		if (f->tcp_state == FLOW_TCP_NONE)
			f->tcp_state = FLOW_TCP_SYN_SENT;
	} else if ((fl & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
		f->saw_synack = true;
		if (f->tcp_state < FLOW_TCP_SYN_RECEIVED)
			f->tcp_state = FLOW_TCP_SYN_RECEIVED;
	} else if ((fl & TCP_ACK) && f->tcp_state < FLOW_TCP_ESTABLISHED) {
		f->tcp_state = FLOW_TCP_ESTABLISHED;
	}
	if ((fl & TCP_FIN) && !(fl & TCP_RST)) {
		f->fin_dirs |= (uint8_t)(1u << dir);
		if (f->tcp_state != FLOW_TCP_CLOSED)
			f->tcp_state = f->fin_dirs == 3 ? FLOW_TCP_CLOSED
							: FLOW_TCP_CLOSING;
	}
	if (fl & TCP_RST)
		return; /* a reset's numbers are not data to track */

	pool->now_ns = p->ts_ns;
	uint64_t rel = p->ts_ns > f->first_ns ? (p->ts_ns - f->first_ns) / 1000000u : 0;
	uint32_t now_ms = rel > 0xfffffff0u ? 0xfffffff0u : (uint32_t)rel;
	uint64_t allow = reorder_ns / 1000000u;
	uint32_t allow_ms = allow > 0xfffffff0u ? 0xfffffff0u : (uint32_t)allow;

	/* Holes whose allowance ran out before this packet are judged first. */
	judge_due(f, pool, now_ms, allow_ms);

	/* Data (and SYN/FIN sequence numbers) of this direction. */
	uint32_t start = p->tcp_seq + ((fl & TCP_SYN) ? 1u : 0u);
	uint32_t dend = start + p->payload_len;
	uint32_t end = dend + ((fl & TCP_FIN) ? 1u : 0u);
	bool fin = (fl & TCP_FIN) != 0;
	if ((fl & TCP_SYN) && f->tcp[dir].init && syn_is_new(&f->tcp[dir], start)) {
		/* The ports were reused by a new connection (new ISN). */
		st->tcp_reused++;
		dir_restart(&f->tcp[dir], pool, start, end, fin);
		if (!(fl & TCP_ACK)) {
			holes_clear(&f->tcp[!dir], pool);
			f->tcp[!dir].init = false;
			f->tcp[!dir].fin = false;
			f->tcp_state = FLOW_TCP_SYN_SENT;
			f->fin_dirs = 0;
			f->saw_synack = false;
		}
	} else if (p->ip_fragment) {
		/* First fragment of a segment: the rest of its data never comes
		 * through here, so stop tracking this direction until the next
		 * whole segment starts it again. */
		holes_clear(&f->tcp[dir], pool);
		f->tcp[dir].init = false;
		st->tcp_fragmented++;
	} else if ((fl & TCP_SYN) || p->payload_len || (fin && f->tcp[dir].init)) {
		data_seen(f, dir, pool, start, end, fin, st, ec);
	}

	/* What this packet ACKs of the other direction. */
	if (fl & TCP_ACK)
		ack_seen(f, !dir, pool, p->tcp_ack, now_ms, st, ec);
	st->holes_held = pool->in_use;
}

void flow_tcp_finish(struct flow *f, struct flow_hole_pool *pool,
		     struct flow_stats *st)
{
	if (f->proto == 6) {
		pool->now_ns = f->last_ns;
		for (int d = 0; d < 2; d++) {
			struct flow_tcp_dir *s = &f->tcp[d];
			while (s->hole_head != FLOW_HOLE_NIL) {
				if (!judge_head(f, d, pool))
					hole_unlink(s, pool, FLOW_HOLE_NIL, s->hole_head);
			}
		}
	}
	st->holes_held = pool->in_use;
	st->acked_bytes += f->acked_bytes[0] + f->acked_bytes[1];
	st->unseen_bytes += f->unseen_bytes[0] + f->unseen_bytes[1];
	st->gap_events += f->gap_events[0] + f->gap_events[1];
}
