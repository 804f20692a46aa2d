/*
 * unit_flow.c - the flow table (bidirectional key, direction, VLAN in key,
 * eviction under the bound, idle expiry, index consistency under churn) and
 * TCP tracking (state, ACKed-but-unseen with loss, reordering,
 * retransmission, sequence wrap, keep-alives, window probes, random 5% loss).
 * Packets are built directly (no decoder). Prints PASS/FAIL lines (group
 * unit); exits 1 on a failure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"

#include "unit.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define T0 (1700000000ull * SEC)

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

static void v4(struct ip_addr *a, uint8_t net, uint8_t host)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	if (net == 1) { /* 203.0.113.x */
		a->a[0] = 203, a->a[1] = 0, a->a[2] = 113;
	} else {        /* 198.51.100.x */
		a->a[0] = 198, a->a[1] = 51, a->a[2] = 100;
	}
	a->a[3] = host;
}

static struct packet ippkt(uint8_t proto, uint8_t sh, uint16_t sp, uint8_t dh,
			   uint16_t dp, uint64_t ts)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.layers = LAYER_ETH | LAYER_IPV4 |
		   (proto == 6 ? LAYER_TCP : proto == 17 ? LAYER_UDP : 0);
	v4(&p.src, 1, sh);
	v4(&p.dst, 2, dh);
	p.ip_proto = proto;
	p.sport = sp;
	p.dport = dp;
	p.l3_len = 60;
	p.ts_ns = ts;
	return p;
}

/* ---- a TCP conversation: client 203.0.113.10:40000 <-> server 198.51.100.20:502 ---- */

struct seg {
	int from_server;  /* 0 = client sends */
	uint8_t flags;    /* TCP flags */
	uint32_t seq;     /* sequence number */
	uint32_t ack;     /* acknowledgement number */
	uint32_t len;     /* payload length */
	uint64_t ts;      /* time */
};

static struct packet tcppkt(const struct seg *s)
{
	struct packet p;
	if (s->from_server) {
		p = ippkt(6, 20, 502, 10, 40000, s->ts);
		v4(&p.src, 2, 20);
		v4(&p.dst, 1, 10);
	} else {
		p = ippkt(6, 10, 40000, 20, 502, s->ts);
	}
	p.tcp_flags = s->flags;
	p.tcp_seq = s->seq;
	p.tcp_ack = s->ack;
	p.payload_len = s->len;
	p.l3_len = 40 + s->len;
	return p;
}

#define MAXSEG 40000

struct conv {
	struct seg s[MAXSEG]; /* in capture order */
	int n;                /* segments */
	uint32_t cseq, sseq;  /* next sequence numbers */
	uint64_t ts;          /* clock */
	uint64_t cdata, sdata; /* payload bytes sent */
};

static void add(struct conv *c, int from_server, uint8_t flags, uint32_t len)
{
	struct seg *g = &c->s[c->n++];
	g->from_server = from_server;
	g->flags = flags;
	g->len = len;
	g->ts = c->ts;
	c->ts += 100000; /* 100 us apart */
	if (from_server) {
		g->seq = c->sseq;
		g->ack = c->cseq;
		c->sseq += len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
		c->sdata += len;
	} else {
		g->seq = c->cseq;
		g->ack = c->sseq;
		c->cseq += len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
		c->cdata += len;
	}
	if (!(flags & F_ACK))
		g->ack = 0;
}

static void conv_init(struct conv *c, uint32_t cisn, uint32_t sisn)
{
	memset(c, 0, sizeof(*c));
	c->cseq = cisn;
	c->sseq = sisn;
	c->ts = T0;
	add(c, 0, F_SYN, 0);
	add(c, 1, F_SYN | F_ACK, 0);
	add(c, 0, F_ACK, 0);
}

/* n client segments of len, each ACKed by the server (every second one). */
static void bulk(struct conv *c, int n, uint32_t len)
{
	for (int i = 0; i < n; i++) {
		add(c, 0, F_ACK | F_PSH, len);
		if (i % 2 == 1 || i == n - 1)
			add(c, 1, F_ACK, 0);
	}
}

static void closing(struct conv *c)
{
	add(c, 0, F_FIN | F_ACK, 0);
	add(c, 1, F_FIN | F_ACK, 0);
	add(c, 0, F_ACK, 0);
}

struct ended {
	int n;                 /* flows ended */
	uint64_t acked[2];     /* of the last flow */
	uint64_t unseen[2];
	uint64_t gaps[2];
	uint8_t state;
};

static void on_end(void *ctx, const struct flow *f)
{
	struct ended *e = ctx;
	e->n++;
	for (int d = 0; d < 2; d++) {
		e->acked[d] = f->acked_bytes[d];
		e->unseen[d] = f->unseen_bytes[d];
		e->gaps[d] = f->gap_events[d];
	}
	e->state = f->tcp_state;
}

/* Feed the conversation (skipping drop[i]) into a new table and flush. */
static struct ended run(const struct conv *c, const unsigned char *drop,
			struct flow_stats *st_out)
{
	struct flow_config cfg;
	flow_config_default(&cfg);
	cfg.max_flows = 16;
	struct flow_table *t = flow_table_new(&cfg);
	struct ended e;
	memset(&e, 0, sizeof(e));
	for (int i = 0; i < c->n; i++) {
		if (drop && drop[i])
			continue;
		struct packet p = tcppkt(&c->s[i]);
		int dir;
		flow_update(t, &p, &dir);
	}
	flow_flush(t, on_end, &e);
	if (st_out)
		*st_out = *flow_stats(t);
	flow_table_free(t);
	return e;
}

static struct conv C; /* big: static */
static unsigned char DROP[MAXSEG];

/* ---------------- flow table ---------------- */

static void test_bidir(void)
{
	struct flow_config cfg;
	flow_config_default(&cfg);
	struct flow_table *t = flow_table_new(&cfg);
	conv_init(&C, 1000, 5000);
	struct packet p0 = tcppkt(&C.s[0]), p1 = tcppkt(&C.s[1]), p2 = tcppkt(&C.s[2]);
	int d0 = -1, d1 = -1, d2 = -1;
	struct flow *f0 = flow_update(t, &p0, &d0);
	struct flow *f1 = flow_update(t, &p1, &d1);
	struct flow *f2 = flow_update(t, &p2, &d2);
	check("flow_bidirectional", f0 && f0 == f1 && f1 == f2 && d0 == 0 && d1 == 1 &&
	      d2 == 0 && f0->packets[0] == 2 && f0->packets[1] == 1 &&
	      p0.flow_hash == p1.flow_hash && p0.flow_hash != 0 &&
	      flow_stats(t)->created == 1, "f %p %p %p dirs %d %d %d", (void *)f0,
	      (void *)f1, (void *)f2, d0, d1, d2);
	check("flow_handshake_state", f0 && f0->saw_syn && f0->saw_synack &&
	      f0->tcp_state == FLOW_TCP_ESTABLISHED && f0->port[0] == 40000 &&
	      f0->port[1] == 502 && f0->a[0].a[3] == 10 &&
	      f0->session_index == FLOW_SESSION_NONE,
	      "state %s", f0 ? flow_tcp_state_name(f0->tcp_state) : "-");
	flow_table_free(t);

	/* First packet a SYN-ACK: its sender is the responder. */
	t = flow_table_new(&cfg);
	int d = -1;
	struct flow *f = flow_update(t, &p1, &d);
	check("flow_synack_first", f && d == 1 && f->a[0].a[3] == 10 &&
	      f->port[0] == 40000 && f->port[1] == 502, "dir %d", d);
	flow_table_free(t);

	/* Midstream: a packet from the Modbus port comes from the responder. */
	t = flow_table_new(&cfg);
	struct seg mid = { 1, F_ACK | F_PSH, 9000, 2000, 12, T0 };
	struct packet pm = tcppkt(&mid);
	f = flow_update(t, &pm, &d);
	check("flow_midstream_service_port", f && d == 1 && f->port[1] == 502 &&
	      f->tcp_state == FLOW_TCP_ESTABLISHED, "dir %d", d);
	/* UDP, both ports ephemeral: the first sender initiates. */
	struct packet u = ippkt(17, 1, 50000, 2, 50001, T0);
	f = flow_update(t, &u, &d);
	check("flow_udp_first_sender", f && d == 0 && f->port[0] == 50000 &&
	      f->proto == 17, "dir %d", d);
	/* Non-IP and non-first fragments: no flow. */
	struct packet arp;
	memset(&arp, 0, sizeof(arp));
	arp.layers = LAYER_ETH | LAYER_ARP;
	struct packet frag = ippkt(17, 1, 0, 2, 0, T0);
	frag.ip_fragment = true;
	struct flow *fa = flow_update(t, &arp, &d);
	struct flow *ff = flow_update(t, &frag, &d);
	check("flow_non_ip_and_fragments", !fa && !ff && flow_stats(t)->not_ip == 1 &&
	      flow_stats(t)->fragments == 1 && frag.flow_hash != 0, "got a flow");
	flow_table_free(t);

	/* VLAN: copies on two VLANs are one flow unless vlan_in_key. */
	for (int vk = 0; vk < 2; vk++) {
		cfg.vlan_in_key = vk;
		t = flow_table_new(&cfg);
		struct packet a = ippkt(17, 1, 1000, 2, 2000, T0);
		a.nvlans = 1;
		a.vlans[0] = 10;
		struct packet b = a;
		b.vlans[0] = 20;
		struct flow *fa2 = flow_update(t, &a, &d);
		struct flow *fb2 = flow_update(t, &b, &d);
		bool same = fa2 == fb2;
		check(vk ? "flow_vlan_in_key" : "flow_vlan_not_in_key",
		      vk ? !same && a.flow_hash != b.flow_hash : same && fa2->vlan == 10,
		      "same %d", same);
		flow_table_free(t);
	}
	cfg.vlan_in_key = false;

	/* IPv6 endpoints. */
	t = flow_table_new(&cfg);
	struct packet x = ippkt(17, 1, 40000, 2, 50000, T0);
	x.layers = LAYER_ETH | LAYER_IPV6 | LAYER_UDP;
	memset(&x.src, 0, sizeof(x.src));
	memset(&x.dst, 0, sizeof(x.dst));
	x.src.family = x.dst.family = 6;
	x.src.a[0] = x.dst.a[0] = 0x20, x.src.a[1] = x.dst.a[1] = 0x01;
	x.src.a[2] = x.dst.a[2] = 0x0d, x.src.a[3] = x.dst.a[3] = 0xb8;
	x.src.a[15] = 1;
	x.dst.a[15] = 2;
	struct packet y = x;
	y.src = x.dst;
	y.dst = x.src;
	y.sport = 50000;
	y.dport = 40000;
	struct packet z = x;
	z.dst.a[14] = 9; /* another host */
	struct flow *fx = flow_update(t, &x, &d);
	int dy;
	struct flow *fy = flow_update(t, &y, &dy);
	struct flow *fz = flow_update(t, &z, &d);
	check("flow_ipv6", fx && fx == fy && dy == 1 && fz && fz != fx &&
	      flow_stats(t)->active == 2, "x %p y %p z %p dy %d active %" PRIu64,
	      (void *)fx, (void *)fy, (void *)fz, dy, flow_stats(t)->active);
	flow_table_free(t);
}

struct endlog {
	int n;                /* flows ended */
	uint16_t ports[64];   /* port[0] of each, in order */
};

static void log_end(void *ctx, const struct flow *f)
{
	struct endlog *l = ctx;
	if (l->n < 64)
		l->ports[l->n] = f->port[0];
	l->n++;
}

static void test_evict_expire(void)
{
	struct flow_config cfg;
	flow_config_default(&cfg);
	cfg.max_flows = 4;
	struct flow_table *t = flow_table_new(&cfg);
	struct event_counts ec;
	memset(&ec, 0, sizeof(ec));
	flow_table_set_events(t, &ec);
	struct endlog ev = { 0, { 0 } };
	flow_table_set_on_evict(t, log_end, &ev);
	int d;
	/* Two seconds apart: the LRU order is exact across its ~1 s epochs. */
	for (int i = 0; i < 10; i++) {
		uint64_t ts = T0 + (uint64_t)i * 2 * SEC;
		struct packet p = ippkt(17, 1, (uint16_t)(1000 + i), 2, 53, ts);
		flow_update(t, &p, &d);
		if (i == 3) { /* flow 1000 busy again: the LRU spares it for now */
			struct packet q = ippkt(17, 1, 1000, 2, 53, ts);
			flow_update(t, &q, &d);
		}
	}
	const struct flow_stats *st = flow_stats(t);
	bool order = ev.n == 6 && ev.ports[0] == 1001 && ev.ports[1] == 1002 &&
		     ev.ports[2] == 1003 && ev.ports[3] == 1000 && ev.ports[5] == 1005;
	check("flow_evict_lru_under_bound", st->evicted == 6 && st->active == 4 &&
	      st->peak == 4 && order && ec.n[EV_FLOW_TABLE_FULL] == 6,
	      "evicted %" PRIu64 " active %" PRIu64 " n %d first %u %u %u", st->evicted,
	      st->active, ev.n, ev.ports[0], ev.ports[1], ev.ports[2]);
	flow_table_free(t);

	/* A closed TCP flow goes first even when UDP flows are older. */
	t = flow_table_new(&cfg);
	ev.n = 0;
	flow_table_set_on_evict(t, log_end, &ev);
	for (int i = 0; i < 3; i++) {
		struct packet p = ippkt(17, 1, (uint16_t)(2000 + i), 2, 53, T0 + (uint64_t)i * MS);
		flow_update(t, &p, &d);
	}
	struct seg rst = { 0, F_RST | F_ACK, 1, 1, 0, T0 + 10 * MS };
	struct packet pr = tcppkt(&rst);
	struct flow *fr = flow_update(t, &pr, &d);
	struct packet p5 = ippkt(17, 1, 3000, 2, 53, T0 + 20 * MS);
	flow_update(t, &p5, &d);
	check("flow_evict_closed_first", fr && ev.n == 1 && ev.ports[0] == 40000,
	      "n %d first %u", ev.n, ev.ports[0]);
	flow_table_free(t);

	/* Idle expiry per protocol class. */
	cfg.max_flows = 16;
	cfg.udp_idle_ns = 2 * SEC;
	cfg.tcp_idle_ns = 10 * SEC;
	cfg.tcp_closed_ns = 1 * SEC;
	cfg.other_idle_ns = 5 * SEC;
	t = flow_table_new(&cfg);
	struct packet u = ippkt(17, 1, 1111, 2, 53, T0);
	flow_update(t, &u, &d);
	struct packet ic = ippkt(1, 1, 0, 2, 0, T0);
	flow_update(t, &ic, &d);
	conv_init(&C, 100, 200);
	closing(&C);
	for (int i = 0; i < C.n; i++) {
		struct packet p = tcppkt(&C.s[i]);
		p.sport = (uint16_t)(p.sport == 40000 ? 40001 : p.sport);
		p.dport = (uint16_t)(p.dport == 40000 ? 40001 : p.dport);
		p.ts_ns = T0;
		flow_update(t, &p, &d);
	}
	conv_init(&C, 100, 200); /* an open one */
	for (int i = 0; i < C.n; i++) {
		struct packet p = tcppkt(&C.s[i]);
		p.ts_ns = T0;
		flow_update(t, &p, &d);
	}
	struct endlog ex = { 0, { 0 } };
	flow_expire(t, T0 + SEC / 2, log_end, &ex);
	int n0 = ex.n;
	flow_expire(t, T0 + 1 * SEC + 1, log_end, &ex);
	int n1 = ex.n;
	flow_expire(t, T0 + 3 * SEC, log_end, &ex);
	int n2 = ex.n;
	flow_expire(t, T0 + 6 * SEC, log_end, &ex);
	int n3 = ex.n;
	flow_expire(t, T0 + 11 * SEC, log_end, &ex);
	int n4 = ex.n;
	check("flow_idle_expiry", n0 == 0 && n1 == 1 && ex.ports[0] == 40001 &&
	      n2 == 2 && ex.ports[1] == 1111 && n3 == 3 && n4 == 4 &&
	      ex.ports[3] == 40000 && flow_stats(t)->expired == 4 &&
	      flow_stats(t)->active == 0, "ends %d %d %d %d %d", n0, n1, n2, n3, n4);
	/* A flow that comes back after expiry is a new flow. */
	u.ts_ns = T0 + 12 * SEC;
	struct flow *again = flow_update(t, &u, &d);
	check("flow_new_after_expiry", again && again->packets[0] == 1 &&
	      flow_stats(t)->created == 5, "created %" PRIu64, flow_stats(t)->created);
	flow_table_free(t);
}

struct countctx {
	uint64_t n; /* flows visited */
};

static void count_fn(void *ctx, const struct flow *f)
{
	(void)f;
	((struct countctx *)ctx)->n++;
}

/* Churn: many keys through a small table; every lookup must find its own flow. */
static void test_churn(void)
{
	struct flow_config cfg;
	flow_config_default(&cfg);
	cfg.max_flows = 64;
	cfg.udp_idle_ns = 30 * MS;
	struct flow_table *t = flow_table_new(&cfg);
	uint32_t rng = 12345;
	int bad = 0;
	uint64_t ended = 0;
	struct endlog lg = { 0, { 0 } };
	for (int i = 0; i < 50000; i++) {
		rng = rng * 1103515245u + 12345u;
		/* first half: 400 keys (evictions); then 30 (the rest expire) */
		unsigned k = (rng >> 16) % (i < 25000 ? 400 : 30);
		bool rev = (rng >> 8) & 1;
		struct packet p = ippkt(17, (uint8_t)(k % 7), (uint16_t)(1000 + k), 2,
					(uint16_t)(5000 + k % 3), T0 + (uint64_t)i * 100000);
		if (rev) {
			struct ip_addr a = p.src;
			p.src = p.dst;
			p.dst = a;
			uint16_t s = p.sport;
			p.sport = p.dport;
			p.dport = s;
		}
		int d;
		struct flow *f = flow_update(t, &p, &d);
		if (!f) {
			bad++;
			continue;
		}
		const struct ip_addr *src = &f->a[d];
		if (src->a[3] != p.src.a[3] || src->a[0] != p.src.a[0] ||
		    f->port[d] != p.sport || f->port[!d] != p.dport)
			bad++;
		if (i % 500 == 0)
			flow_expire(t, p.ts_ns, log_end, &lg);
	}
	const struct flow_stats *st = flow_stats(t);
	ended = st->expired + st->evicted;
	struct countctx cc = { 0 };
	flow_foreach(t, count_fn, &cc);
	check("flow_index_churn", bad == 0 && st->active <= 64 &&
	      cc.n == st->active && st->created - ended == st->active &&
	      st->evicted > 0 && st->expired > 0,
	      "evicted %" PRIu64 " expired %" PRIu64 " bad %d active %" PRIu64 " foreach %" PRIu64 " created %" PRIu64
	      " ended %" PRIu64, st->evicted, st->expired, bad, st->active, cc.n, st->created, ended);
	flow_table_free(t);
	check("flow_bytes_per_flow", flow_bytes_per_flow() <= 256,
	      "%zu bytes per flow", flow_bytes_per_flow());
}

/* ---------------- TCP ACKed-but-unseen ---------------- */

static int find_data(const struct conv *c, int nth)
{
	int k = 0;
	for (int i = 0; i < c->n; i++)
		if (!c->s[i].from_server && c->s[i].len && k++ == nth)
			return i;
	return -1;
}

static void test_unseen_exact(void)
{
	struct flow_stats st;
	/* Intact, with a server response: nothing unseen, every byte ACKed. */
	conv_init(&C, 1000, 7000000);
	bulk(&C, 100, 1000);
	add(&C, 1, F_ACK | F_PSH, 700);
	add(&C, 0, F_ACK, 0);
	closing(&C);
	struct ended e = run(&C, NULL, &st);
	check("tcp_intact_zero", e.n == 1 && e.acked[0] == 100000 && e.acked[1] == 700 &&
	      e.unseen[0] == 0 && e.unseen[1] == 0 && e.state == FLOW_TCP_CLOSED &&
	      st.acked_bytes == 100700 && st.unseen_bytes == 0,
	      "acked %" PRIu64 "/%" PRIu64 " unseen %" PRIu64 "/%" PRIu64 " state %s",
	      e.acked[0], e.acked[1], e.unseen[0], e.unseen[1],
	      flow_tcp_state_name(e.state));

	/* One segment lost. */
	memset(DROP, 0, sizeof(DROP));
	DROP[find_data(&C, 40)] = 1;
	e = run(&C, DROP, &st);
	check("tcp_one_lost", e.unseen[0] == 1000 && e.gaps[0] == 1 &&
	      e.acked[0] == 100000 && e.unseen[1] == 0 && st.gap_events == 1,
	      "unseen %" PRIu64 " gaps %" PRIu64, e.unseen[0], e.gaps[0]);

	/* Tail lost: the ACK above everything seen. */
	memset(DROP, 0, sizeof(DROP));
	DROP[find_data(&C, 98)] = 1;
	DROP[find_data(&C, 99)] = 1;
	e = run(&C, DROP, NULL);
	check("tcp_tail_lost", e.unseen[0] == 2000 && e.acked[0] == 100000,
	      "unseen %" PRIu64, e.unseen[0]);

	/* ACKs lost: not data loss. */
	memset(DROP, 0, sizeof(DROP));
	for (int i = 10; i < C.n - 8; i++)
		if (C.s[i].from_server && i % 3)
			DROP[i] = 1;
	e = run(&C, DROP, NULL);
	check("tcp_acks_lost_not_loss", e.unseen[0] == 0 && e.acked[0] == 100000,
	      "unseen %" PRIu64 " acked %" PRIu64, e.unseen[0], e.acked[0]);

	/* Wrap: sequence numbers cross 2^32 during the transfer. */
	conv_init(&C, 0xffff0000u, 0xfffffff0u);
	bulk(&C, 200, 1000);
	add(&C, 1, F_ACK | F_PSH, 100);
	add(&C, 0, F_ACK, 0);
	closing(&C);
	memset(DROP, 0, sizeof(DROP));
	e = run(&C, NULL, NULL);
	uint64_t intact = e.unseen[0] + e.unseen[1];
	uint64_t acked_intact = e.acked[0];
	DROP[find_data(&C, 65)] = 1; /* 0xffff0001 + 65000 > 2^32: after the wrap */
	DROP[find_data(&C, 66)] = 1;
	e = run(&C, DROP, NULL);
	check("tcp_wrap", intact == 0 && acked_intact == 200000 && e.unseen[0] == 2000 &&
	      e.gaps[0] >= 1 && e.acked[1] == 100 && e.unseen[1] == 0,
	      "intact %" PRIu64 " unseen %" PRIu64 " acked %" PRIu64 "/%" PRIu64
	      " gaps %" PRIu64, intact, e.unseen[0], e.acked[0], e.acked[1], e.gaps[0]);
}

static void test_unseen_reorder(void)
{
	/* A data segment delivered after the ACK that covers it (mirror
	 * reordering), 5 ms later: not loss. */
	conv_init(&C, 1000, 5000);
	bulk(&C, 50, 1000);
	closing(&C);
	int k = find_data(&C, 20);
	struct seg late = C.s[k];
	memmove(&C.s[k], &C.s[k + 1], sizeof(C.s[0]) * (size_t)(C.n - k - 1));
	/* put it 4 packets later, with a time 5 ms after those */
	memmove(&C.s[k + 5], &C.s[k + 4], sizeof(C.s[0]) * (size_t)(C.n - k - 5));
	late.ts = C.s[k + 3].ts + 5 * MS;
	C.s[k + 4] = late;
	for (int i = k + 5; i < C.n; i++)
		C.s[i].ts += 5 * MS;
	struct ended e = run(&C, NULL, NULL);
	check("tcp_reorder_not_loss", e.unseen[0] == 0 && e.acked[0] == 50000,
	      "unseen %" PRIu64, e.unseen[0]);

	/* The same, but 200 ms late: beyond the allowance it was judged lost. */
	late.ts = C.s[k + 3].ts + 200 * MS;
	C.s[k + 4] = late;
	for (int i = k + 5; i < C.n; i++)
		C.s[i].ts += 200 * MS;
	e = run(&C, NULL, NULL);
	check("tcp_late_beyond_allowance", e.unseen[0] == 1000,
	      "unseen %" PRIu64, e.unseen[0]);

	/* Two segments swapped in one direction (before any ACK): nothing. */
	conv_init(&C, 1000, 5000);
	bulk(&C, 10, 500);
	closing(&C);
	int a = find_data(&C, 2), b = find_data(&C, 3);
	struct seg tmp = C.s[a];
	C.s[a] = C.s[b];
	C.s[b] = tmp;
	e = run(&C, NULL, NULL);
	check("tcp_swap_not_loss", e.unseen[0] == 0 && e.acked[0] == 5000,
	      "unseen %" PRIu64, e.unseen[0]);
}

static void test_unseen_retrans_keepalive(void)
{
	/* Retransmissions and duplicate copies: ACKed once, nothing unseen. */
	conv_init(&C, 1000, 5000);
	bulk(&C, 30, 1000);
	int k = find_data(&C, 10);
	struct seg dup = C.s[k];
	dup.ts = C.ts;
	C.s[C.n++] = dup; /* retransmitted long after, already ACKed */
	C.ts += 100000;
	C.s[C.n] = C.s[find_data(&C, 29)];
	C.s[C.n++].ts = C.ts;
	C.ts += 100000;
	closing(&C);
	struct ended e = run(&C, NULL, NULL);
	check("tcp_retransmission_not_loss", e.unseen[0] == 0 && e.acked[0] == 30000,
	      "unseen %" PRIu64 " acked %" PRIu64, e.unseen[0], e.acked[0]);

	/* A lost segment retransmitted and seen before the ACK: not loss. */
	conv_init(&C, 1000, 5000);
	add(&C, 0, F_ACK, 1000);                /* seen */
	uint32_t hole_seq = C.cseq;
	C.cseq += 1000;                         /* lost on the wire */
	add(&C, 0, F_ACK, 1000);                /* seen */
	add(&C, 1, F_ACK, 0);                   /* dup ACK: ack = hole_seq */
	C.s[C.n - 1].ack = hole_seq;
	struct seg rt = { 0, F_ACK, hole_seq, C.sseq, 1000, C.ts };
	C.s[C.n++] = rt;                        /* retransmission seen */
	C.ts += 100000;
	add(&C, 1, F_ACK, 0);                   /* cumulative ACK of all */
	closing(&C);
	e = run(&C, NULL, NULL);
	check("tcp_retransmitted_hole_filled", e.unseen[0] == 0 && e.acked[0] == 3000,
	      "unseen %" PRIu64 " acked %" PRIu64, e.unseen[0], e.acked[0]);

	/* Midstream start with a keep-alive (seq = next - 1, no data), then
	 * 1-byte keep-alives and a zero-window probe in the middle. */
	memset(&C, 0, sizeof(C));
	C.cseq = 50000;
	C.sseq = 90000;
	C.ts = T0;
	struct seg ka = { 0, F_ACK, 49999, 90000, 0, C.ts };
	C.s[C.n++] = ka;
	C.ts += 100000;
	add(&C, 1, F_ACK, 0);
	bulk(&C, 10, 800);
	struct seg ka1 = { 0, F_ACK, C.cseq - 1, C.sseq, 1, C.ts };
	C.s[C.n++] = ka1;                       /* 1 garbage byte, already ACKed */
	C.ts += 100000;
	add(&C, 1, F_ACK, 0);
	add(&C, 0, F_ACK, 1);                   /* zero-window probe: 1 new byte */
	C.s[C.n - 1].seq = C.cseq - 1;
	struct seg probe_again = C.s[C.n - 1];  /* probe repeated */
	probe_again.ts = C.ts;
	C.s[C.n++] = probe_again;
	C.ts += 100000;
	add(&C, 1, F_ACK, 0);
	bulk(&C, 10, 800);
	closing(&C);
	e = run(&C, NULL, NULL);
	check("tcp_keepalive_probe_not_loss", e.unseen[0] == 0 && e.unseen[1] == 0 &&
	      e.acked[0] == 16001, "unseen %" PRIu64 " acked %" PRIu64, e.unseen[0],
	      e.acked[0]);

	/* Midstream where only ACKs of the other side are seen: nothing counted. */
	memset(&C, 0, sizeof(C));
	C.ts = T0;
	C.cseq = 1;
	C.sseq = 100;
	for (int i = 0; i < 20; i++) {
		C.cseq += 1000;
		add(&C, 1, F_ACK, 0);
	}
	e = run(&C, NULL, NULL);
	check("tcp_acks_only_nothing", e.acked[0] == 0 && e.unseen[0] == 0,
	      "acked %" PRIu64, e.acked[0]);

	/* An implausible ACK jump: tracking restarts, nothing unseen. */
	struct flow_stats st;
	conv_init(&C, 1000, 5000);
	bulk(&C, 10, 1000);
	add(&C, 1, F_ACK, 0);
	C.s[C.n - 1].ack += 1u << 30;
	e = run(&C, NULL, &st);
	check("tcp_ack_desync", st.ack_desync == 1 && e.unseen[0] == 0 &&
	      e.acked[0] == 10000, "desync %" PRIu64 " unseen %" PRIu64,
	      st.ack_desync, e.unseen[0]);
}

/* Ports reused by a new connection; IP-fragmented segments. */
static void test_reuse_fragments(void)
{
	struct flow_stats st;
	conv_init(&C, 1000, 5000);
	bulk(&C, 20, 1000);
	closing(&C);
	C.cseq = 0x80001000u; /* the new connection's ISNs */
	C.sseq = 0x20000000u;
	add(&C, 0, F_SYN, 0);
	add(&C, 1, F_SYN | F_ACK, 0);
	add(&C, 0, F_ACK, 0);
	bulk(&C, 20, 500);
	closing(&C);
	struct ended e = run(&C, NULL, &st);
	check("tcp_port_reuse", e.n == 1 && st.tcp_reused == 1 && e.unseen[0] == 0 &&
	      e.unseen[1] == 0 && e.acked[0] == 30000,
	      "reused %" PRIu64 " unseen %" PRIu64 "/%" PRIu64 " acked %" PRIu64,
	      st.tcp_reused, e.unseen[0], e.unseen[1], e.acked[0]);

	/* A retransmitted SYN is not a new connection. */
	conv_init(&C, 1000, 5000);
	C.s[C.n] = C.s[0];
	C.s[C.n++].ts = C.ts;
	C.ts += 100000;
	bulk(&C, 5, 1000);
	e = run(&C, NULL, &st);
	check("tcp_syn_retransmitted", st.tcp_reused == 0 && e.acked[0] == 5000 &&
	      e.unseen[0] == 0, "reused %" PRIu64, st.tcp_reused);

	/* Segment 3 was IP-fragmented: its first fragment carries 1000 of
	 * 1400 bytes, the rest never reaches the flow table. Not loss. */
	conv_init(&C, 1000, 5000);
	bulk(&C, 10, 1400);
	closing(&C);
	struct flow_config cfg;
	flow_config_default(&cfg);
	struct flow_table *t = flow_table_new(&cfg);
	int k = find_data(&C, 3), d;
	for (int i = 0; i < C.n; i++) {
		struct packet p = tcppkt(&C.s[i]);
		if (i == k) {
			p.ip_fragment = p.ip_first_fragment = true;
			p.payload_len = 1000;
		}
		flow_update(t, &p, &d);
	}
	memset(&e, 0, sizeof(e));
	flow_flush(t, on_end, &e);
	check("tcp_fragmented_segment_not_loss", e.unseen[0] == 0 &&
	      flow_stats(t)->tcp_fragmented == 1 && e.acked[0] > 0,
	      "unseen %" PRIu64 " acked %" PRIu64, e.unseen[0], e.acked[0]);
	flow_table_free(t);
}

/* Deterministic pseudo-random numbers (xorshift32). */
static uint32_t xs(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * A bulk transfer both ways with delayed ACKs and some mirror reordering;
 * 5% of all packets removed at random. The estimate must be within one
 * percentage point of the true share of data bytes removed.
 */
static void test_unseen_random(void)
{
	const int trials = 3;
	int ok = 0;
	char msg[256] = "";
	for (int tr = 0; tr < trials; tr++) {
		uint32_t rng = 0x9e3779b9u + (uint32_t)tr * 7919u;
		conv_init(&C, 0xfff00000u + (uint32_t)tr, 123456u);
		/* 6000 client segments (MSS 1448, some short), a server segment
		 * every 10th, an ACK every 2nd segment that covers the data sent
		 * `lag` segments earlier (a round trip with 0..64 segments in
		 * flight), client ACKs of the server data every 7th. */
		static uint32_t hist[6000];
		uint32_t lag = 32 * (uint32_t)tr;
		int pending = 0;
		for (int i = 0; i < 6000; i++) {
			uint32_t len = (xs(&rng) % 10) ? 1448 : 200 + xs(&rng) % 1000;
			add(&C, 0, F_ACK | F_PSH, len);
			hist[i] = C.cseq;
			if (i % 10 == 5) {
				add(&C, 1, F_ACK | F_PSH, 300);
				C.s[C.n - 1].ack = (uint32_t)i >= lag ? hist[i - lag] : hist[0];
			}
			if (++pending == 2) {
				add(&C, 1, F_ACK, 0);
				C.s[C.n - 1].ack = (uint32_t)i >= lag ? hist[i - lag] : hist[0];
				pending = 0;
			}
			if (i % 7 == 0)
				add(&C, 0, F_ACK, 0);
		}
		add(&C, 1, F_ACK, 0);
		add(&C, 0, F_ACK, 0);
		closing(&C);
		/* Mirror reordering: swap neighbours now and then. */
		for (int i = 4; i + 1 < C.n - 4; i++) {
			if (xs(&rng) % 50 == 0) {
				struct seg t = C.s[i];
				C.s[i] = C.s[i + 1];
				C.s[i + 1] = t;
				uint64_t ts = C.s[i].ts;
				C.s[i].ts = C.s[i + 1].ts;
				C.s[i + 1].ts = ts;
				i++;
			}
		}
		memset(DROP, 0, sizeof(DROP));
		uint64_t lost[2] = { 0, 0 }, data[2] = { 0, 0 };
		for (int i = 0; i < C.n; i++) {
			int d = C.s[i].from_server;
			data[d] += C.s[i].len;
			if (i >= 3 && i < C.n - 3 && xs(&rng) % 100 < 5) {
				DROP[i] = 1;
				lost[d] += C.s[i].len;
			}
		}
		struct flow_stats st;
		struct ended e = run(&C, DROP, &st);
		double truth = 100.0 * (double)(lost[0] + lost[1]) /
			       (double)(data[0] + data[1]);
		double est = flow_unseen_pct(st.acked_bytes, st.unseen_bytes);
		double acked_ok = (double)st.acked_bytes / (double)(data[0] + data[1]);
		int good = est - truth < 1.0 && truth - est < 1.0 && acked_ok > 0.999 &&
			   acked_ok < 1.001;
		printf("# trial %d: truth %.3f%% estimate %.3f%% acked %" PRIu64
		       " of %" PRIu64 " overflow %" PRIu64 " gaps %" PRIu64 "\n",
		       tr, truth, est, st.acked_bytes, data[0] + data[1],
		       st.hole_overflow, st.gap_events);
		(void)e;
		if (good)
			ok++;
		else
			snprintf(msg, sizeof(msg), "trial %d truth %.3f estimate %.3f", tr,
				 truth, est);
	}
	check("tcp_random_loss_5pct", ok == trials, "%s", msg);
}

/* Garbage: random fields, addresses, flags, numbers and times (sometimes
 * backwards) through a small table. Nothing may crash (ASan/UBSan build),
 * and after the flush nothing is left: no flow, no unseen range. */
static void test_garbage(void)
{
	struct flow_config cfg;
	flow_config_default(&cfg);
	cfg.max_flows = 32;
	cfg.udp_idle_ns = 50 * MS;
	cfg.tcp_idle_ns = 200 * MS;
	cfg.tcp_reorder_ns = 5 * MS;
	struct flow_table *t = flow_table_new(&cfg);
	uint32_t r = 0xdeadbeefu;
	uint64_t ts = T0;
	uint32_t seqs[8], acks[8];
	for (int i = 0; i < 8; i++)
		seqs[i] = xs(&r), acks[i] = xs(&r);
	struct endlog lg = { 0, { 0 } };
	for (int i = 0; i < 200000; i++) {
		uint32_t x = xs(&r);
		unsigned k = x % 8;
		uint8_t proto = (x >> 3) % 5 == 0 ? 17 : (x >> 3) % 7 == 0 ? 1 : 6;
		struct packet p = ippkt(proto, (uint8_t)(k % 3), (uint16_t)(1000 + k % 4),
					(uint8_t)(k / 3), (uint16_t)(2000 + (x >> 8) % 2), ts);
		if ((x >> 10) % 2) { /* the other direction */
			struct ip_addr a = p.src;
			p.src = p.dst;
			p.dst = a;
			uint16_t sp = p.sport;
			p.sport = p.dport;
			p.dport = sp;
		}
		if ((x >> 12) % 50 == 0) { /* IPv6, garbage beyond v4 bytes too */
			p.src.family = p.dst.family = 6;
			p.src.a[15] = (uint8_t)x;
			p.layers = LAYER_ETH | LAYER_IPV6;
		}
		p.tcp_flags = (uint8_t)xs(&r);
		if ((x >> 14) % 4)
			p.tcp_flags &= (uint8_t)~(F_RST | F_SYN);
		uint32_t y = xs(&r);
		seqs[k] += (y % 3 == 0) ? 0 : (y % 2000);
		if (y % 97 == 0)
			seqs[k] = xs(&r);
		acks[k] += (y >> 8) % 1500;
		p.tcp_seq = seqs[k] - ((y >> 4) % 8 == 0 ? (y >> 12) % 5000 : 0);
		p.tcp_ack = (y >> 20) % 50 == 0 ? xs(&r) : acks[k];
		p.payload_len = (y >> 6) % 3 ? (y >> 9) % 1460 : 0;
		p.ip_fragment = (y >> 24) % 200 == 0;
		p.ip_first_fragment = p.ip_fragment && (y & 1);
		int d;
		flow_update(t, &p, &d);
		ts += (y >> 16) % 3000000;
		if ((y >> 28) == 0)
			ts -= (y >> 8) % 2000000; /* merged sources: a step back */
		if (i % 1000 == 0)
			flow_expire(t, ts, log_end, &lg);
	}
	flow_flush(t, log_end, &lg);
	const struct flow_stats *st = flow_stats(t);
	check("flow_garbage_survives", st->active == 0 && st->holes_held == 0 &&
	      st->created == st->expired + st->evicted + st->flushed &&
	      st->unseen_bytes <= st->acked_bytes,
	      "active %" PRIu64 " holes %" PRIu64 " created %" PRIu64 " ended %" PRIu64,
	      st->active, st->holes_held, st->created,
	      st->expired + st->evicted + st->flushed);
	flow_table_free(t);
}

int main(void)
{
	test_bidir();
	test_evict_expire();
	test_churn();
	test_unseen_exact();
	test_unseen_reorder();
	test_unseen_retrans_keepalive();
	test_reuse_fragments();
	test_unseen_random();
	test_garbage();
	return failures ? 1 : 0;
}
