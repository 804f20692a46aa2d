/*
 * unit_dedup.c - dedup of mirror copies: SPAN copies of one packet that
 * differ in VLAN, TTL, checksum, MACs or encapsulation are duplicates;
 * genuinely different packets (new IP ID, retransmission outside the
 * window, other payload) are not; the window runs from the first copy;
 * a small table under load counts early evictions.
 * Packets are built directly (no decoder). Prints PASS/FAIL lines (group
 * unit); exits 1 on a failure.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mirror/dedup.h"

#include "unit.h"

/* What a test frame looks like; frame() turns it into bytes + packet. */
struct spec {
	int vlans;          /* 802.1Q tags */
	uint16_t vlan_id;   /* their ID */
	uint8_t mac_last;   /* last byte of both MACs */
	int v6;             /* IPv6 instead of IPv4 */
	uint8_t ttl;        /* TTL / hop limit */
	uint16_t ipid;      /* IPv4 ID */
	uint16_t csum;      /* IPv4 header checksum (not verified) */
	uint8_t tos;        /* TOS / traffic class */
	uint32_t tcp_seq;   /* TCP sequence number */
	const char *payload; /* TCP payload */
	enum transport tr;  /* mirror transport */
	int arp;            /* a non-IP (ARP) frame instead */
	uint8_t arp_last;   /* last byte of the ARP target address */
};

struct built {
	uint8_t buf[256];   /* the frame */
	struct packet p;    /* packet pointing into buf */
};

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

static void frame(struct built *b, const struct spec *s, uint64_t ts)
{
	memset(b, 0, sizeof(*b));
	uint8_t *f = b->buf;
	struct packet *p = &b->p;
	memset(f, 0x02, 12);
	f[5] = s->mac_last;
	f[11] = (uint8_t)(s->mac_last + 1);
	size_t off = 12;
	for (int i = 0; i < s->vlans; i++) {
		put16(f + off, 0x8100);
		put16(f + off + 2, s->vlan_id);
		p->vlans[i] = s->vlan_id;
		off += 4;
	}
	p->nvlans = (uint8_t)s->vlans;
	size_t plen = s->payload ? strlen(s->payload) : 0;
	if (s->arp) {
		put16(f + off, 0x0806);
		off += 2;
		static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 2, 2, 2, 2, 2,
						 198, 51, 100, 1, 0, 0, 0, 0, 0, 0,
						 198, 51, 100, 2 };
		memcpy(f + off, arp, sizeof(arp));
		f[off + 27] = s->arp_last;
		off += sizeof(arp);
		p->ethertype = 0x0806;
		p->layers = LAYER_ETH | LAYER_ARP;
	} else {
		put16(f + off, s->v6 ? 0x86dd : 0x0800);
		off += 2;
		p->l3_off = (uint32_t)off;
		uint8_t *ip = f + off;
		size_t hl = s->v6 ? 40 : 20;
		size_t total = hl + 20 + plen;
		if (s->v6) {
			ip[0] = (uint8_t)(0x60 | (s->tos >> 4));
			ip[1] = (uint8_t)(s->tos << 4);
			put16(ip + 4, (uint16_t)(20 + plen));
			ip[6] = 6;
			ip[7] = s->ttl;
			ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x0d, ip[11] = 0xb8, ip[23] = 1;
			ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8, ip[39] = 2;
			p->layers = LAYER_ETH | LAYER_IPV6 | LAYER_TCP;
			p->src.family = p->dst.family = 6;
		} else {
			ip[0] = 0x45;
			ip[1] = s->tos;
			put16(ip + 2, (uint16_t)total);
			put16(ip + 4, s->ipid);
			ip[6] = 0x40;
			ip[8] = s->ttl;
			ip[9] = 6;
			put16(ip + 10, s->csum);
			ip[12] = 203, ip[13] = 0, ip[14] = 113, ip[15] = 1;
			ip[16] = 198, ip[17] = 51, ip[18] = 100, ip[19] = 2;
			p->layers = LAYER_ETH | LAYER_IPV4 | LAYER_TCP;
			p->src.family = p->dst.family = 4;
		}
		uint8_t *tcp = ip + hl;
		put16(tcp, 40000);
		put16(tcp + 2, 502);
		put32(tcp + 4, s->tcp_seq);
		put32(tcp + 8, 1000);
		tcp[12] = 0x50;
		tcp[13] = 0x18;
		put16(tcp + 14, 8192);
		memcpy(tcp + 20, s->payload ? s->payload : "", plen);
		off += total;
		p->l3_len = (uint32_t)total;
		p->ip_proto = 6;
		p->ttl = s->ttl;
		p->tcp_seq = s->tcp_seq;
		p->payload = tcp + 20;
		p->payload_caplen = p->payload_len = (uint32_t)plen;
		p->ethertype = s->v6 ? 0x86dd : 0x0800;
	}
	p->data = f;
	p->caplen = p->wirelen = (uint32_t)off;
	p->frame = f;
	p->frame_caplen = p->frame_wirelen = (uint32_t)off;
	p->frame_is_eth = true;
	p->ts_ns = ts;
	p->mirror.transport = s->tr;
}

static struct spec base(void)
{
	struct spec s;
	memset(&s, 0, sizeof(s));
	s.ttl = 64;
	s.ipid = 0x1234;
	s.csum = 0xabcd;
	s.tcp_seq = 777;
	s.payload = "read holding registers 40001";
	s.mac_last = 0x10;
	return s;
}

#define MS 1000000ull

static bool is_dup(struct dedup *d, const struct spec *s, uint64_t ts,
		   uint32_t tag, uint32_t *orig)
{
	struct built b;
	frame(&b, s, ts);
	return dedup_check(d, &b.p, tag, orig);
}

static void test_copies(void)
{
	struct dedup_config cfg;
	dedup_config_default(&cfg);
	struct dedup *d = dedup_new(&cfg);
	uint64_t t0 = 1700000000ull * 1000000000ull;
	struct spec s = base();
	uint32_t orig = 99;
	bool first = is_dup(d, &s, t0, 1, &orig);
	check("dedup_first_copy_kept", !first, "first copy judged duplicate");

	struct spec c = s;
	c.vlans = 1;
	c.vlan_id = 20;
	c.mac_last = 0x30;
	c.ttl = 63;
	c.csum = 0x1111;
	c.tr = TRANSPORT_ERSPAN2;
	bool dup = is_dup(d, &c, t0 + 20000, 2, &orig);
	check("dedup_routed_copy", dup && orig == 1,
	      "copy with other VLAN/MACs/TTL/checksum/encapsulation: dup %d orig %u",
	      dup, orig);

	c = s;
	c.vlans = 2;
	c.vlan_id = 300;
	c.tos = 0x01; /* ECN set by a queue on the way */
	c.tr = TRANSPORT_VXLAN;
	dup = is_dup(d, &c, t0 + 40000, 3, &orig);
	check("dedup_qinq_ecn_copy", dup && orig == 1, "dup %d orig %u", dup, orig);

	c = s;
	c.ipid = 0x1235;
	dup = is_dup(d, &c, t0 + 50000, 1, NULL);
	check("dedup_new_ip_id_kept", !dup, "same payload with new IP ID judged copy");

	c = s;
	c.payload = "read holding registers 40002";
	dup = is_dup(d, &c, t0 + 60000, 1, NULL);
	check("dedup_other_payload_kept", !dup, "other payload judged copy");

	c = s;
	c.tos = 0x20; /* DSCP differs: another packet */
	dup = is_dup(d, &c, t0 + 70000, 1, NULL);
	check("dedup_other_dscp_kept", !dup, "other DSCP judged copy");

	/* The same bytes again after the window: a retransmission, kept. */
	dup = is_dup(d, &s, t0 + 200 * MS, 1, NULL);
	check("dedup_retransmission_outside_window", !dup,
	      "retransmission 200 ms later judged copy");

	const struct dedup_stats *st = dedup_stats(d);
	check("dedup_stats", st->checked == 7 && st->duplicates == 2 &&
	      st->cross_tag == 2 && st->evicted_early == 0,
	      "checked %" PRIu64 " dups %" PRIu64 " cross %" PRIu64, st->checked,
	      st->duplicates, st->cross_tag);
	dedup_free(d);
}

static void test_window(void)
{
	struct dedup_config cfg;
	dedup_config_default(&cfg);
	cfg.window_ns = 5 * MS;
	struct dedup *d = dedup_new(&cfg);
	uint64_t t0 = 1000 * MS;
	struct spec s = base();
	is_dup(d, &s, t0, 7, NULL);
	bool in = is_dup(d, &s, t0 + 5 * MS, 8, NULL);          /* edge: inside */
	bool third = is_dup(d, &s, t0 + 4 * MS, 9, NULL);       /* a third copy */
	bool out = is_dup(d, &s, t0 + 5 * MS + 1, 8, NULL);     /* window from the first */
	uint32_t orig = 0;
	bool after = is_dup(d, &s, t0 + 6 * MS, 8, &orig);      /* copy of the new one */
	check("dedup_window_edges", in && third && !out && after && orig == 8,
	      "in %d third %d out %d after %d orig %u", in, third, out, after, orig);

	/* A copy that arrives with an earlier time (sources merged) is a copy too. */
	struct spec s2 = base();
	s2.ipid = 9;
	is_dup(d, &s2, t0 + 100 * MS, 1, NULL);
	bool back = is_dup(d, &s2, t0 + 100 * MS - 2 * MS, 2, NULL);
	check("dedup_window_symmetric", back, "earlier copy not judged copy");

	cfg.enabled = false;
	struct dedup *off = dedup_new(&cfg);
	is_dup(off, &s, t0, 1, NULL);
	bool dis = is_dup(off, &s, t0, 1, NULL);
	check("dedup_disabled", !dis && dedup_stats(off)->checked == 0, "disabled dedup judged");
	dedup_free(off);
	dedup_free(d);
}

static void test_v6_and_l2(void)
{
	struct dedup_config cfg;
	dedup_config_default(&cfg);
	struct dedup *d = dedup_new(&cfg);
	uint64_t t0 = 5000 * MS;
	struct spec s = base();
	s.v6 = 1;
	s.ttl = 64;
	is_dup(d, &s, t0, 1, NULL);
	struct spec c = s;
	c.ttl = 61;
	c.vlans = 1;
	c.vlan_id = 7;
	c.mac_last = 0x44;
	bool dup = is_dup(d, &c, t0 + 1000, 2, NULL);
	c = s;
	c.tcp_seq = 778;
	bool other = is_dup(d, &c, t0 + 2000, 2, NULL);
	check("dedup_ipv6_hop_limit", dup && !other, "dup %d other %d", dup, other);

	struct spec a;
	memset(&a, 0, sizeof(a));
	a.arp = 1;
	a.arp_last = 2;
	a.mac_last = 1;
	is_dup(d, &a, t0, 1, NULL);
	struct spec ac = a;
	ac.vlans = 1;
	ac.vlan_id = 33;
	bool adup = is_dup(d, &ac, t0 + 3000, 2, NULL);
	ac = a;
	ac.arp_last = 3;
	bool aother = is_dup(d, &ac, t0 + 4000, 2, NULL);
	check("dedup_non_ip_from_ethertype", adup && !aother &&
	      dedup_stats(d)->non_ip == 3, "dup %d other %d non_ip %" PRIu64, adup,
	      aother, dedup_stats(d)->non_ip);

	/* The key of a truncated-to-nothing frame: passed, not remembered. */
	struct packet empty;
	memset(&empty, 0, sizeof(empty));
	bool e1 = dedup_check(d, &empty, 1, NULL);
	bool e2 = dedup_check(d, &empty, 1, NULL);
	check("dedup_unkeyable", !e1 && !e2 && dedup_stats(d)->unkeyable == 2,
	      "empty frames judged");
	dedup_free(d);
}

static void test_pressure(void)
{
	struct dedup_config cfg;
	dedup_config_default(&cfg);
	cfg.table_bits = DEDUP_MIN_TABLE_BITS; /* 16 entries */
	struct event_counts ec;
	memset(&ec, 0, sizeof(ec));
	struct dedup *d = dedup_new(&cfg);
	dedup_set_events(d, &ec);
	struct spec s = base();
	int dups = 0;
	for (int i = 0; i < 1000; i++) {
		s.ipid = (uint16_t)i;
		dups += is_dup(d, &s, 1000 + (uint64_t)i, 1, NULL);
	}
	const struct dedup_stats *st = dedup_stats(d);
	check("dedup_small_table_evicts", dups == 0 && st->evicted_early > 900 &&
	      ec.n[EV_MIRROR_DEDUP_EVICTED_EARLY] == st->evicted_early &&
	      dedup_memory(d) == 16 * 16, "dups %d evicted %" PRIu64, dups,
	      st->evicted_early);

	/* Default table: many distinct packets in one window are all kept, and
	 * their copies all found. */
	dedup_config_default(&cfg);
	struct dedup *big = dedup_new(&cfg);
	int first = 0, copies = 0;
	for (int i = 0; i < 10000; i++) {
		s.ipid = (uint16_t)i;
		s.tcp_seq = (uint32_t)i * 1000u;
		first += is_dup(big, &s, 1000 + (uint64_t)i * 200, 1, NULL);
		s.ttl = 60;
		copies += is_dup(big, &s, 1000 + (uint64_t)i * 200 + 100, 2, NULL);
		s.ttl = 64;
	}
	check("dedup_default_table_load", first == 0 && copies == 10000 &&
	      dedup_stats(big)->evicted_early == 0, "first %d copies %d evicted %" PRIu64,
	      first, copies, dedup_stats(big)->evicted_early);
	dedup_free(big);
	dedup_free(d);
}

/* Garbage: random bytes with inconsistent packet fields (offsets past the
 * end, payload pointers elsewhere, wrong versions). Nothing may be read
 * out of bounds (ASan/UBSan build); copies of a garbage frame still match. */
static void test_garbage(void)
{
	struct dedup_config cfg;
	dedup_config_default(&cfg);
	struct dedup *d = dedup_new(&cfg);
	static uint8_t other[64];
	uint32_t r = 0x12345678u;
	int same = 0, n = 0;
	for (int i = 0; i < 100000; i++) {
		uint8_t buf[200];
		r = r * 1103515245u + 12345u;
		uint32_t len = (r >> 8) % sizeof(buf);
		for (uint32_t k = 0; k < len; k++) {
			r = r * 1103515245u + 12345u;
			buf[k] = (uint8_t)(r >> 16);
		}
		struct packet p;
		memset(&p, 0, sizeof(p));
		p.frame = len ? buf : NULL;
		p.frame_caplen = len;
		p.frame_wirelen = len + (r % 3) * 100;
		p.frame_is_eth = (r >> 3) & 1;
		p.layers = (r >> 4) & 1 ? LAYER_IPV4 : (r >> 5) & 1 ? LAYER_IPV6 : 0;
		p.l3_off = (r >> 6) % 64;
		p.l3_len = (r >> 12) % 3000;
		p.payload = (r >> 20) % 3 == 0 ? buf + (r >> 22) % sizeof(buf)
			    : (r >> 20) % 3 == 1 ? other : NULL;
		p.payload_caplen = (r >> 24) % 300;
		p.ts_ns = 1000000000ull + (uint64_t)i * 1000;
		dedup_check(d, &p, 1, NULL);
		if (len > 20 && i % 10 == 0) { /* an identical copy right after */
			p.ts_ns += 500;
			n++;
			same += dedup_check(d, &p, 2, NULL);
		}
	}
	check("dedup_garbage_survives", n > 0 && same == n, "copies found %d of %d",
	      same, n);
	dedup_free(d);
}

int main(void)
{
	test_copies();
	test_window();
	test_v6_and_l2();
	test_pressure();
	test_garbage();
	return failures ? 1 : 0;
}
