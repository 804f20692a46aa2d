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
 *   holes     up to FLOW_TCP_HOLES ranges below max_seen never seen.
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
 *   - an ACK or segment more than FLOW_TCP_MAX_JUMP ahead is implausible
 *     (another connection reusing the ports, or corrupt input): tracking
 *     restarts there (flow.tcp_ack_desync), nothing is counted;
 *   - more holes than FLOW_TCP_HOLES: the lowest one, if already ACKed, is
 *     judged unseen at once; otherwise the new hole is dropped (counted in
 *     flow.tcp_hole_overflow; the estimate then errs low, never high).
 */
#include "flow/flow.h"

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

static void hole_remove(struct flow_tcp_dir *s, unsigned i)
{
	for (unsigned k = i + 1; k < s->nholes; k++)
		s->holes[k - 1] = s->holes[k];
	s->nholes--;
}

/*
 * Judge hole i: the part below acked_to is unseen. A remainder above
 * acked_to stays as an un-ACKed hole. Returns true if the hole is gone.
 */
static bool hole_judge(struct flow *f, int d, unsigned i)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	struct flow_tcp_hole *h = &s->holes[i];
	uint32_t cut = s->acked_to;
	if (sdiff(cut, h->start) <= 0)
		return false; /* nothing of it ACKed */
	if (sdiff(h->end, cut) <= 0) {
		f->unseen_bytes[d] += h->end - h->start;
		f->gap_events[d]++;
		hole_remove(s, i);
		return true;
	}
	f->unseen_bytes[d] += cut - h->start;
	f->gap_events[d]++;
	h->start = cut;
	h->acked_ms = 0;
	return false;
}

static void hole_add(struct flow *f, int d, uint32_t start, uint32_t end,
		     struct flow_stats *st, struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	if (sdiff(end, start) <= 0)
		return;
	if (s->nholes && s->holes[s->nholes - 1].end == start &&
	    s->holes[s->nholes - 1].acked_ms == 0) {
		s->holes[s->nholes - 1].end = end;
		return;
	}
	if (s->nholes == FLOW_TCP_HOLES) {
		if (s->holes[0].acked_ms == 0 || !hole_judge(f, d, 0)) {
			st->hole_overflow++;
			if (ec)
				event_count(ec, EV_FLOW_TCP_HOLE_OVERFLOW);
			return;
		}
	}
	struct flow_tcp_hole *h = &s->holes[s->nholes++];
	h->start = start;
	h->end = end;
	h->acked_ms = 0;
}

/* Data [a, b) was seen: take it out of the holes. */
static void hole_fill(struct flow *f, int d, uint32_t a, uint32_t b,
		      struct flow_stats *st, struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	for (unsigned i = 0; i < s->nholes;) {
		struct flow_tcp_hole *h = &s->holes[i];
		if (sdiff(a, h->end) >= 0 || sdiff(b, h->start) <= 0) {
			i++;
			continue; /* no overlap */
		}
		bool low = sdiff(a, h->start) > 0;  /* part below a remains */
		bool high = sdiff(b, h->end) < 0;   /* part above b remains */
		if (!low && !high) {
			hole_remove(s, i);
			continue;
		}
		if (low && high) {
			if (s->nholes < FLOW_TCP_HOLES) {
				for (unsigned k = s->nholes; k > i + 1; k--)
					s->holes[k] = s->holes[k - 1];
				s->holes[i + 1] = *h;
				s->holes[i + 1].start = b;
				s->nholes++;
			} else {
				st->hole_overflow++;
				if (ec)
					event_count(ec, EV_FLOW_TCP_HOLE_OVERFLOW);
			}
			h->end = a;
			i += 2;
			continue;
		}
		if (low)
			h->end = a;
		else
			h->start = b;
		i++;
	}
}

static void dir_restart(struct flow_tcp_dir *s, uint32_t start, uint32_t end,
			bool fin)
{
	s->init = true;
	s->acked_to = start;
	s->max_seen = end;
	s->fin = fin;
	s->nholes = 0;
}

static void desync(struct flow_stats *st, struct event_counts *ec)
{
	st->ack_desync++;
	if (ec)
		event_count(ec, EV_FLOW_TCP_ACK_DESYNC);
}

/* Sequence space [start, end) of d was seen; end includes a FIN. */
static void data_seen(struct flow *f, int d, uint32_t start, uint32_t dend,
		      uint32_t end, bool fin, struct flow_stats *st,
		      struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	if (!s->init) {
		dir_restart(s, start, end, fin);
		return;
	}
	int32_t ahead = sdiff(start, s->max_seen);
	if (ahead > (int32_t)FLOW_TCP_MAX_JUMP) {
		desync(st, ec);
		dir_restart(s, start, end, fin);
		return;
	}
	if (ahead < -(int32_t)FLOW_TCP_MAX_BACK)
		return; /* stale */
	if (sdiff(dend, start) > 0)
		hole_fill(f, d, start, dend, st, ec);
	if (ahead > 0)
		hole_add(f, d, s->max_seen, start, st, ec);
	if (sdiff(end, s->max_seen) > 0) {
		s->max_seen = end;
		s->fin = fin;
	} else if (fin && end == s->max_seen) {
		s->fin = true;
	}
}

static void ack_seen(struct flow *f, int d, uint32_t ack, uint32_t now_ms,
		     struct flow_stats *st, struct event_counts *ec)
{
	struct flow_tcp_dir *s = &f->tcp[d];
	if (!s->init || sdiff(ack, s->acked_to) <= 0)
		return;
	int32_t ahead = sdiff(ack, s->max_seen);
	if (ahead > (int32_t)FLOW_TCP_MAX_JUMP) {
		desync(st, ec);
		dir_restart(s, ack, ack, false);
		return;
	}
	uint64_t n = ack - s->acked_to;
	if (s->fin && sdiff(s->max_seen - 1, s->acked_to) >= 0 &&
	    sdiff(s->max_seen - 1, ack) < 0)
		n--; /* the FIN's sequence number is not a byte */
	if (ahead > 0) {
		hole_add(f, d, s->max_seen, ack, st, ec);
		s->max_seen = ack;
		s->fin = false;
	}
	f->acked_bytes[d] += n;
	s->acked_to = ack;
	for (unsigned i = 0; i < s->nholes; i++)
		if (s->holes[i].acked_ms == 0 && sdiff(s->holes[i].start, ack) < 0)
			s->holes[i].acked_ms = now_ms + 1;
}

/* Judge every hole whose ACK is older than the reorder allowance. */
static void judge_due(struct flow *f, uint32_t now_ms, uint32_t allow_ms)
{
	for (int d = 0; d < 2; d++) {
		struct flow_tcp_dir *s = &f->tcp[d];
		for (unsigned i = 0; i < s->nholes;) {
			struct flow_tcp_hole *h = &s->holes[i];
			if (h->acked_ms && now_ms + 1 - h->acked_ms >= allow_ms &&
			    hole_judge(f, d, i))
				continue;
			i++;
		}
	}
}

void flow_tcp_packet(struct flow *f, const struct packet *p, int dir,
		     uint64_t reorder_ns, struct flow_stats *st,
		     struct event_counts *ec)
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

	uint64_t rel = p->ts_ns > f->first_ns ? (p->ts_ns - f->first_ns) / 1000000u : 0;
	uint32_t now_ms = rel > 0xfffffff0u ? 0xfffffff0u : (uint32_t)rel;
	uint64_t allow = reorder_ns / 1000000u;
	uint32_t allow_ms = allow > 0xfffffff0u ? 0xfffffff0u : (uint32_t)allow;

	/* Data (and SYN/FIN sequence numbers) of this direction. */
	uint32_t start = p->tcp_seq + ((fl & TCP_SYN) ? 1u : 0u);
	uint32_t dend = start + p->payload_len;
	uint32_t end = dend + ((fl & TCP_FIN) ? 1u : 0u);
	bool fin = (fl & TCP_FIN) != 0;
	if ((fl & TCP_SYN) || p->payload_len || (fin && f->tcp[dir].init))
		data_seen(f, dir, start, dend, end, fin, st, ec);

	/* What this packet ACKs of the other direction. */
	if (fl & TCP_ACK)
		ack_seen(f, !dir, p->tcp_ack, now_ms, st, ec);

	judge_due(f, now_ms, allow_ms);
}

void flow_tcp_finish(struct flow *f, struct flow_stats *st)
{
	if (f->proto == 6) {
		for (int d = 0; d < 2; d++) {
			struct flow_tcp_dir *s = &f->tcp[d];
			for (unsigned i = 0; i < s->nholes;)
				if (!hole_judge(f, d, i))
					i++;
		}
	}
	st->acked_bytes += f->acked_bytes[0] + f->acked_bytes[1];
	st->unseen_bytes += f->unseen_bytes[0] + f->unseen_bytes[1];
	st->gap_events += f->gap_events[0] + f->gap_events[1];
}
