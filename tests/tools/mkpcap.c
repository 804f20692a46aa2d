/*
 * mkpcap.c - write the crafted captures the decoder tests need and the
 * corpus lacks: ERSPAN III platform sub-headers and granularities, ERSPAN II
 * truncated bit, every GRE flag combination, fragmented ERSPAN and VXLAN
 * (IPv4 and IPv6, in and out of order, overlap, timeout, non-tunnel, table
 * full, too big), Geneve
 * around VXLAN, TZSP on 37008, the link types, and one malformed header per
 * layer.
 *
 *   mkpcap DIR      writes DIR/NAME.pcap for every capture below
 *
 * Output is deterministic (fixed timestamps, addresses from the
 * documentation ranges 203.0.113.0/24, 198.51.100.0/24, 2001:db8::/32), so
 * the golden files under tests/golden/expected can be compared byte for
 * byte. Packets are built outside-in into a buffer; length fields are
 * patched when a header is closed (end_*).
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MAX 70000

struct b {
	uint8_t d[BUF_MAX]; /* packet bytes */
	size_t n;           /* bytes used */
};

struct out {
	pcap_t *pc;          /* dead handle giving the link type */
	pcap_dumper_t *pd;   /* the file being written */
	uint64_t ts_us;      /* next timestamp */
};

static void put8(struct b *b, unsigned v)
{
	if (b->n < BUF_MAX)
		b->d[b->n++] = (uint8_t)v;
}

static void put16(struct b *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void put32(struct b *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xFFFF);
}

static void putmem(struct b *b, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(b, ((const uint8_t *)p)[i]);
}

static void fill(struct b *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		put8(b, (uint8_t)(seed + i));
}

static void set16(struct b *b, size_t off, unsigned v)
{
	b->d[off] = (uint8_t)(v >> 8);
	b->d[off + 1] = (uint8_t)v;
}

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static void eth(struct b *b, unsigned type)
{
	putmem(b, MAC_B, 6);
	putmem(b, MAC_A, 6);
	put16(b, type);
}

static void vlan(struct b *b, unsigned pcp, unsigned vid, unsigned type)
{
	put16(b, (pcp << 13) | vid);
	put16(b, type);
}

static void addr4(struct b *b, const char *s)
{
	uint8_t a[4];
	inet_pton(AF_INET, s, a);
	putmem(b, a, 4);
}

static void addr6(struct b *b, const char *s)
{
	uint8_t a[16];
	inet_pton(AF_INET6, s, a);
	putmem(b, a, 16);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4 identifications are unique over all captures (tshark merges them
 * for the cross-check and would otherwise join unrelated fragments). */
static unsigned next_ip_id = 0x1000;

static void new_id(struct b *b, size_t ip)
{
	set16(b, ip + 4, next_ip_id++);
}

/* IPv4 header without options; returns its offset for end_ipv4. */
static size_t ipv4(struct b *b, unsigned proto, const char *src, const char *dst)
{
	size_t off = b->n;
	put8(b, 0x45);
	put8(b, 0);
	put16(b, 0);        /* total length: end_ipv4 */
	put16(b, next_ip_id++); /* identification */
	put16(b, 0);        /* flags / fragment offset */
	put8(b, 64);
	put8(b, proto);
	put16(b, 0);        /* checksum: end_ipv4 */
	addr4(b, src);
	addr4(b, dst);
	return off;
}

static void end_ipv4(struct b *b, size_t off)
{
	unsigned hl = (b->d[off] & 0x0F) * 4u;
	set16(b, off + 2, (unsigned)(b->n - off));
	set16(b, off + 10, 0);
	set16(b, off + 10, csum(b->d + off, hl));
}

static size_t ipv6(struct b *b, unsigned nh, const char *src, const char *dst)
{
	size_t off = b->n;
	put32(b, 0x60000000);
	put16(b, 0);        /* payload length: end_ipv6 */
	put8(b, nh);
	put8(b, 64);
	addr6(b, src);
	addr6(b, dst);
	return off;
}

static void end_ipv6(struct b *b, size_t off)
{
	set16(b, off + 4, (unsigned)(b->n - off - 40));
}

static size_t udp(struct b *b, unsigned sport, unsigned dport)
{
	size_t off = b->n;
	put16(b, sport);
	put16(b, dport);
	put16(b, 0); /* length: end_udp */
	put16(b, 0); /* checksum: none */
	return off;
}

static void end_udp(struct b *b, size_t off)
{
	set16(b, off + 4, (unsigned)(b->n - off));
}

static void tcp(struct b *b, unsigned sport, unsigned dport, uint32_t seq,
		uint32_t ack, unsigned flags)
{
	put16(b, sport);
	put16(b, dport);
	put32(b, seq);
	put32(b, ack);
	put8(b, 5 << 4);
	put8(b, flags);
	put16(b, 8192);
	put16(b, 0);
	put16(b, 0);
}

/* Ethernet / IPv4 / TCP with n payload bytes: the typical mirrored frame. */
static void inner_tcp(struct b *b, unsigned vid, size_t n)
{
	if (vid) {
		eth(b, 0x8100);
		vlan(b, 3, vid, 0x0800);
	} else {
		eth(b, 0x0800);
	}
	size_t ip = ipv4(b, 6, "198.51.100.10", "198.51.100.20");
	tcp(b, 40000, 502, 1000, 2000, 0x18);
	fill(b, n, 0x30);
	end_ipv4(b, ip);
}

static void inner_icmp(struct b *b)
{
	eth(b, 0x0800);
	size_t ip = ipv4(b, 1, "198.51.100.30", "198.51.100.40");
	put8(b, 8);
	put8(b, 0);
	put16(b, 0);
	put32(b, 0x00010001);
	fill(b, 16, 0x61);
	end_ipv4(b, ip);
}

static void emit_cut(struct out *o, const struct b *b, size_t caplen)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(o->ts_us / 1000000u);
	h.ts.tv_usec = (suseconds_t)(o->ts_us % 1000000u);
	h.len = (bpf_u_int32)b->n;
	h.caplen = (bpf_u_int32)(caplen < b->n ? caplen : b->n);
	pcap_dump((u_char *)o->pd, &h, b->d);
	o->ts_us += 1000; /* 1 ms between packets */
}

static void emit(struct out *o, const struct b *b)
{
	emit_cut(o, b, b->n);
}

static int open_out(struct out *o, const char *dir, const char *name, int linktype)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	o->pc = pcap_open_dead(linktype, 65535);
	if (!o->pc)
		return -1;
	o->pd = pcap_dump_open(o->pc, path);
	if (!o->pd) {
		fprintf(stderr, "mkpcap: %s: %s\n", path, pcap_geterr(o->pc));
		pcap_close(o->pc);
		return -1;
	}
	o->ts_us = 1700000000ull * 1000000u;
	return 0;
}

static void close_out(struct out *o)
{
	pcap_dump_close(o->pd);
	pcap_close(o->pc);
}

/* Outer Ethernet / IPv4 / GRE header with the given flags; returns IP offset. */
static size_t outer_gre4(struct b *b, unsigned flags, unsigned proto,
			 uint32_t key, uint32_t seq)
{
	eth(b, 0x0800);
	size_t ip = ipv4(b, 47, "203.0.113.1", "203.0.113.2");
	put16(b, flags);
	put16(b, proto);
	if (flags & 0x8000)
		put32(b, 0); /* checksum + offset (not verified) */
	if (flags & 0x2000)
		put32(b, key);
	if (flags & 0x1000)
		put32(b, seq);
	return ip;
}

static void erspan2_hdr(struct b *b, unsigned vlan_id, unsigned cos, unsigned en,
			unsigned t, unsigned session, uint32_t index)
{
	put32(b, (1u << 28) | (vlan_id << 16) | (cos << 13) | (en << 11) |
		 (t << 10) | session);
	put32(b, index & 0xFFFFF);
}

static void erspan3_hdr(struct b *b, unsigned vlan_id, unsigned session,
			uint32_t ts, unsigned sgt, unsigned ft, unsigned hwid,
			unsigned d, unsigned gra, unsigned o)
{
	put32(b, (2u << 28) | (vlan_id << 16) | (5u << 13) | session);
	put32(b, ts);
	put32(b, (sgt << 16) | (ft << 10) | (hwid << 4) | (d << 3) | (gra << 1) | o);
}

static void vxlan_hdr(struct b *b, uint32_t vni)
{
	put32(b, 0x08000000);
	put32(b, vni << 8);
}

/* ---- the captures ---- */

static void mk_erspan3(struct out *o)
{
	static const struct {
		unsigned gra, o, platf, d, hwid, ft;
		uint32_t ts, hi_low, lo;
	} c[] = {
		{ 0, 0, 0, 0, 1, 0, 12345, 0, 0 },            /* 100 us */
		{ 1, 0, 0, 1, 2, 0, 987654321, 0, 0 },        /* 100 ns, egress */
		{ 2, 1, 3, 0, 3, 0, 500000000, 77, 1700000000 }, /* 1588 + secs */
		{ 2, 0, 0, 0, 4, 0, 250000000, 0, 0 },        /* 1588, no secs */
		{ 3, 1, 1, 1, 5, 0, 42, 9, 4242 },           /* platform, pid 1 */
		{ 2, 1, 5, 1, 63, 0, 999999999, (17u << 16) | 1234, 1600000000 },
		{ 1, 0, 0, 0, 6, 2, 100, 0, 0 },              /* FT 2: raw IP */
		{ 1, 0, 0, 0, 7, 7, 100, 0, 0 },              /* FT 7: not decoded */
		{ 2, 1, 7, 0, 8, 0, 123456789, 555, 1650000000 }, /* pid 7 */
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct b b = { .n = 0 };
		size_t ip = outer_gre4(&b, 0x1000, 0x22EB, 0, 100 + (uint32_t)i);
		erspan3_hdr(&b, 10 + (unsigned)i, 300 + (unsigned)i, c[i].ts, 0x1F0 + (unsigned)i,
			    c[i].ft, c[i].hwid, c[i].d, c[i].gra, c[i].o);
		if (c[i].o) {
			put32(&b, (c[i].platf << 26) | c[i].hi_low);
			put32(&b, c[i].lo);
		}
		if (c[i].ft == 2) {
			size_t ip2 = ipv4(&b, 17, "198.51.100.50", "198.51.100.51");
			size_t u = udp(&b, 1000, 2000);
			fill(&b, 8, 0);
			end_udp(&b, u);
			end_ipv4(&b, ip2);
		} else if (c[i].ft == 0) {
			inner_tcp(&b, 0, 10 + i);
		} else {
			fill(&b, 40, 0x11);
		}
		end_ipv4(&b, ip);
		emit(o, &b);
	}
}

static void mk_erspan2(struct out *o)
{
	/* 1: plain type II. 2: T bit and an inner frame the switch cut (the
	 * inner IP says 1000 bytes, 60 are there). 3: version 2 under 0x88BE.
	 * 4: GRE 0x88BE without S: type I. 5: type II cut by the capture. */
	struct b b = { .n = 0 };
	size_t ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 7);
	erspan2_hdr(&b, 100, 5, 2, 0, 1023, 0xABCDE);
	inner_tcp(&b, 200, 20);
	end_ipv4(&b, ip);
	emit(o, &b);

	b.n = 0;
	ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 8);
	erspan2_hdr(&b, 100, 0, 0, 1, 7, 1);
	inner_tcp(&b, 0, 1000);
	size_t cut = b.n - 1000 + 6;
	b.n = cut;
	end_ipv4(&b, ip);
	emit(o, &b);

	b.n = 0;
	ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 9);
	put32(&b, (2u << 28) | 1);
	put32(&b, 0);
	inner_tcp(&b, 0, 4);
	end_ipv4(&b, ip);
	emit(o, &b);

	b.n = 0;
	ip = outer_gre4(&b, 0x0000, 0x88BE, 0, 0);
	inner_icmp(&b);
	end_ipv4(&b, ip);
	emit(o, &b);

	b.n = 0;
	ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 10);
	erspan2_hdr(&b, 1, 0, 0, 0, 5, 2);
	inner_tcp(&b, 0, 200);
	end_ipv4(&b, ip);
	emit_cut(o, &b, 96);
}

static void mk_gre_flags(struct out *o)
{
	static const unsigned flags[] = {
		0x0000, 0x8000, 0x2000, 0x1000, 0xA000, 0x9000, 0x3000, 0xB000,
	};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct b b = { .n = 0 };
		size_t ip = outer_gre4(&b, flags[i], 0x6558, 0x01020304 + (uint32_t)i,
				       5000 + (uint32_t)i);
		inner_icmp(&b);
		end_ipv4(&b, ip);
		emit(o, &b);
	}
	/* IP in GRE with key, IPv6 in GRE. */
	struct b b = { .n = 0 };
	size_t ip = outer_gre4(&b, 0x2000, 0x0800, 99, 0);
	size_t ip2 = ipv4(&b, 17, "198.51.100.60", "198.51.100.61");
	size_t u = udp(&b, 5353, 5353);
	fill(&b, 12, 1);
	end_udp(&b, u);
	end_ipv4(&b, ip2);
	end_ipv4(&b, ip);
	emit(o, &b);

	b.n = 0;
	ip = outer_gre4(&b, 0x0000, 0x86DD, 0, 0);
	size_t ip6 = ipv6(&b, 17, "2001:db8::1", "2001:db8::2");
	u = udp(&b, 546, 547);
	fill(&b, 4, 1);
	end_udp(&b, u);
	end_ipv6(&b, ip6);
	end_ipv4(&b, ip);
	emit(o, &b);

	/* Routing bit, version 1 (PPTP), version 3, unknown protocol. */
	static const unsigned bad[][2] = {
		{ 0x4000, 0x6558 }, { 0x3081, 0x880B }, { 0x0003, 0x6558 }, { 0x0000, 0x1234 },
	};
	for (size_t i = 0; i < 4; i++) {
		b.n = 0;
		ip = outer_gre4(&b, bad[i][0] & ~0x3000u, bad[i][1], 0, 0);
		if (bad[i][0] & 0x3000) { /* PPTP: key (payload len + call ID), seq */
			put32(&b, 0x00100001);
			put32(&b, 1);
		}
		fill(&b, 20, 2);
		end_ipv4(&b, ip);
		emit(o, &b);
	}
	/* GRE with C+K+S whose IP payload ends inside the key (on the wire). */
	b.n = 0;
	ip = outer_gre4(&b, 0x0000, 0x6558, 0, 0);
	b.d[b.n - 4] = 0xB0; /* flags: C, K, S */
	put32(&b, 0);
	put16(&b, 1);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* The same cut by the capture. */
	b.n = 0;
	ip = outer_gre4(&b, 0xB000, 0x6558, 1, 2);
	inner_icmp(&b);
	end_ipv4(&b, ip);
	emit_cut(o, &b, 14 + 20 + 10);
}

/* Cut the IPv4 packet in b (IP header at l3) into pieces of at most mtu
 * payload bytes and emit them in the order given (piece indexes). */
static void frag4(struct out *o, const struct b *b, size_t l3, size_t mtu,
		  const int *order, int n, size_t skew_ms)
{
	size_t hl = (b->d[l3] & 0x0F) * 4u;
	size_t plen = b->n - l3 - hl;
	size_t pieces = (plen + mtu - 1) / mtu;
	for (int k = 0; k < n; k++) {
		size_t i = (size_t)order[k];
		if (i >= pieces)
			continue;
		struct b f = { .n = 0 };
		putmem(&f, b->d, l3 + hl);
		size_t off = i * mtu, len = plen - off < mtu ? plen - off : mtu;
		putmem(&f, b->d + l3 + hl + off, len);
		unsigned fl = (unsigned)(off / 8) | (i + 1 < pieces ? 0x2000u : 0);
		set16(&f, l3 + 6, fl);
		end_ipv4(&f, l3);
		emit(o, &f);
		o->ts_us += skew_ms * 1000;
	}
}

static void frag6(struct out *o, const struct b *b, size_t l3, size_t mtu,
		  const int *order, int n, uint32_t id)
{
	uint8_t nh = b->d[l3 + 6];
	size_t plen = b->n - l3 - 40;
	size_t pieces = (plen + mtu - 1) / mtu;
	for (int k = 0; k < n; k++) {
		size_t i = (size_t)order[k];
		if (i >= pieces)
			continue;
		struct b f = { .n = 0 };
		putmem(&f, b->d, l3 + 40);
		f.d[l3 + 6] = 44;
		size_t off = i * mtu, len = plen - off < mtu ? plen - off : mtu;
		put8(&f, nh);
		put8(&f, 0);
		put16(&f, (unsigned)off | (i + 1 < pieces ? 1u : 0));
		put32(&f, id);
		putmem(&f, b->d + l3 + 40 + off, len);
		end_ipv6(&f, l3);
		emit(o, &f);
	}
}

static void mk_frag(struct out *o)
{
	static const int inorder[] = { 0, 1, 2 }, reverse[] = { 1, 0 };
	/* ERSPAN II carrying a 2000-byte frame, cut by a 1500-byte path. */
	struct b b = { .n = 0 };
	size_t ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 21);
	erspan2_hdr(&b, 5, 0, 0, 0, 12, 3);
	inner_tcp(&b, 0, 2000);
	end_ipv4(&b, ip);
	frag4(o, &b, ip, 1480, inorder, 3, 0);
	/* The same datagram (next ID), pieces in reverse order. */
	new_id(&b, ip);
	frag4(o, &b, ip, 1480, reverse, 2, 0);

	/* VXLAN over IPv4, fragmented, in order. */
	b.n = 0;
	eth(&b, 0x0800);
	ip = ipv4(&b, 17, "203.0.113.5", "203.0.113.6");
	size_t u = udp(&b, 33333, 4789);
	put32(&b, 0x08000000);
	put32(&b, 4242u << 8);
	inner_tcp(&b, 0, 1600);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	frag4(o, &b, ip, 1480, inorder, 2, 0);

	/* VXLAN over IPv6, fragmented, last piece first. */
	b.n = 0;
	eth(&b, 0x86DD);
	size_t ip6 = ipv6(&b, 17, "2001:db8::5", "2001:db8::6");
	u = udp(&b, 33334, 4789);
	put32(&b, 0x08000000);
	put32(&b, 77u << 8);
	inner_tcp(&b, 0, 1600);
	end_udp(&b, u);
	end_ipv6(&b, ip6);
	frag6(o, &b, ip6, 1448, reverse, 2, 0xCAFE);

	/* ERSPAN over IPv6 (GRE), fragmented in order. */
	b.n = 0;
	eth(&b, 0x86DD);
	ip6 = ipv6(&b, 47, "2001:db8::7", "2001:db8::8");
	put16(&b, 0x1000);
	put16(&b, 0x88BE);
	put32(&b, 555);
	erspan2_hdr(&b, 0, 0, 0, 0, 33, 4);
	inner_tcp(&b, 0, 1500);
	end_ipv6(&b, ip6);
	frag6(o, &b, ip6, 1448, inorder, 2, 0xBEEF);

	/* Plain (non-tunnel) UDP fragments: passed on as inner fragments. */
	b.n = 0;
	eth(&b, 0x0800);
	ip = ipv4(&b, 17, "198.51.100.70", "198.51.100.71");
	u = udp(&b, 161, 40001);
	fill(&b, 1600, 3);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	frag4(o, &b, ip, 1480, inorder, 2, 0);
}

static void mk_frag_bad(struct out *o)
{
	static const int first[] = { 0 }, second[] = { 1 }, both[] = { 0, 1 };
	struct b b = { .n = 0 };
	size_t ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 31);
	erspan2_hdr(&b, 5, 0, 0, 0, 12, 3);
	inner_tcp(&b, 0, 2000);
	end_ipv4(&b, ip);
	/* A duplicated copy: the first piece twice, then the second: one
	 * datagram. */
	frag4(o, &b, ip, 1480, first, 1, 0);
	frag4(o, &b, ip, 1480, first, 1, 0);
	frag4(o, &b, ip, 1480, second, 1, 0);
	/* Overlap: the first piece, then a last piece that starts 8 bytes
	 * inside it. */
	new_id(&b, ip);
	frag4(o, &b, ip, 1480, first, 1, 0);
	{
		size_t hl = 20, plen = b.n - ip - hl;
		struct b f = { .n = 0 };
		putmem(&f, b.d, ip + hl);
		putmem(&f, b.d + ip + hl + 1472, plen - 1472);
		set16(&f, ip + 6, 1472 / 8);
		end_ipv4(&f, ip);
		emit(o, &f);
	}
	/* Timeout: another datagram's first piece, then 2 s of silence. */
	new_id(&b, ip);
	frag4(o, &b, ip, 1480, first, 1, 2000);
	/* A later, complete datagram: its arrival expires the old one. */
	new_id(&b, ip);
	frag4(o, &b, ip, 1480, both, 2, 0);
	/* A tunnel piece (not last) whose length is not a multiple of 8. */
	new_id(&b, ip);
	frag4(o, &b, ip, 1001, first, 1, 0);
	/* A non-tunnel datagram whose second piece overtakes the first. */
	b.n = 0;
	eth(&b, 0x0800);
	ip = ipv4(&b, 17, "198.51.100.80", "198.51.100.81");
	size_t u = udp(&b, 53, 40002);
	fill(&b, 1600, 4);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	frag4(o, &b, ip, 1480, second, 1, 0);
	frag4(o, &b, ip, 1480, first, 1, 0);
}

/* 257 first pieces of distinct ERSPAN datagrams: the 257th finds the table
 * (DECODE_FRAG_SLOTS = 256) full. Then a piece that would end beyond
 * 64 KiB. Compared with decodedump --summary. */
static void mk_frag_flood(struct out *o)
{
	static const int first[] = { 0 };
	struct b b = { .n = 0 };
	size_t ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 41);
	erspan2_hdr(&b, 5, 0, 0, 0, 12, 3);
	inner_tcp(&b, 0, 1600);
	end_ipv4(&b, ip);
	for (int i = 0; i < 257; i++) {
		new_id(&b, ip);
		frag4(o, &b, ip, 1480, first, 1, 0);
	}
	struct b f = { .n = 0 };
	putmem(&f, b.d, ip + 20 + 200);
	set16(&f, ip + 6, 0x2000 | (65400 / 8)); /* MF, offset 65400 */
	end_ipv4(&f, ip);
	emit(o, &f);
}


static void mk_geneve_vxlan(struct out *o)
{
	/* AWS gateway load balancer: Geneve (with an option) carrying the
	 * IPv4/UDP/VXLAN mirror copy. */
	struct b b = { .n = 0 };
	eth(&b, 0x0800);
	size_t ip = ipv4(&b, 17, "203.0.113.10", "203.0.113.11");
	size_t u = udp(&b, 55555, 6081);
	put8(&b, 2);          /* version 0, 2 words of options */
	put8(&b, 0);
	put16(&b, 0x0800);    /* IPv4 */
	put32(&b, 0x00ABCD00);
	put16(&b, 0x0108);    /* option class */
	put8(&b, 1);          /* type */
	put8(&b, 1);          /* 1 word of data */
	put32(&b, 0xDEADBEEF);
	size_t ip2 = ipv4(&b, 17, "198.51.100.90", "198.51.100.91");
	size_t u2 = udp(&b, 44444, 4789);
	vxlan_hdr(&b, 321);
	inner_tcp(&b, 0, 30);
	end_udp(&b, u2);
	end_ipv4(&b, ip2);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* Geneve with an Ethernet payload and an IPv6 payload. */
	b.n = 0;
	eth(&b, 0x0800);
	ip = ipv4(&b, 17, "203.0.113.10", "203.0.113.11");
	u = udp(&b, 55556, 6081);
	put16(&b, 0);
	put16(&b, 0x6558);
	put32(&b, 0x00000100);
	inner_icmp(&b);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* VXLAN over IPv6 outer. */
	b.n = 0;
	eth(&b, 0x86DD);
	size_t ip6 = ipv6(&b, 17, "2001:db8::10", "2001:db8::11");
	u = udp(&b, 1111, 4789);
	vxlan_hdr(&b, 16777215);
	inner_tcp(&b, 42, 5);
	end_udp(&b, u);
	end_ipv6(&b, ip6);
	emit(o, &b);
}

static void mk_tzsp(struct out *o)
{
	struct b b = { .n = 0 };
	eth(&b, 0x0800);
	size_t ip = ipv4(&b, 17, "203.0.113.20", "203.0.113.21");
	size_t u = udp(&b, 40000, 37008);
	put8(&b, 1);      /* version */
	put8(&b, 0);      /* received packet */
	put16(&b, 1);     /* Ethernet */
	put8(&b, 0);      /* padding */
	put8(&b, 10);     /* RX channel */
	put8(&b, 1);
	put8(&b, 6);
	put8(&b, 40);     /* original length */
	put8(&b, 2);
	put16(&b, 100);
	put8(&b, 1);      /* END */
	inner_tcp(&b, 7, 12);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* Keepalive (type 4), bad version, 802.11 encapsulation, tags past
	 * the end. */
	static const unsigned v[][3] = { { 1, 4, 1 }, { 2, 0, 1 }, { 1, 0, 18 }, { 1, 0, 1 } };
	for (size_t i = 0; i < 4; i++) {
		b.n = 0;
		eth(&b, 0x0800);
		ip = ipv4(&b, 17, "203.0.113.20", "203.0.113.21");
		u = udp(&b, 40000, 37008);
		put8(&b, v[i][0]);
		put8(&b, v[i][1]);
		put16(&b, v[i][2]);
		if (i == 3) {
			put8(&b, 10);
			put8(&b, 50); /* 50 bytes announced, 2 present */
			put16(&b, 0);
		} else {
			put8(&b, 1);
			fill(&b, 20, 5);
		}
		end_udp(&b, u);
		end_ipv4(&b, ip);
		emit(o, &b);
	}
}

static void mk_malformed(struct out *o)
{
	struct b b = { .n = 0 };
	size_t ip, u;
	/* 1 Ethernet shorter than its header (on the wire). */
	fill(&b, 10, 0);
	emit(o, &b);
	/* 2 VLAN tag cut by the capture. */
	b.n = 0;
	eth(&b, 0x8100);
	vlan(&b, 0, 5, 0x0800);
	fill(&b, 40, 0);
	emit_cut(o, &b, 16);
	/* 3 six VLAN tags. */
	b.n = 0;
	eth(&b, 0x8100);
	for (int i = 0; i < 6; i++)
		vlan(&b, 0, 10 + (unsigned)i, i < 5 ? 0x8100 : 0x0800);
	inner_icmp(&b);
	emit(o, &b);
	/* 4 IPv4 version 5. 5 IHL 4. 6 total length below the header.
	 * 7 total length beyond the frame. 8 IPv4 cut by the capture. */
	for (int k = 0; k < 5; k++) {
		b.n = 0;
		eth(&b, 0x0800);
		ip = ipv4(&b, 17, "198.51.100.1", "198.51.100.2");
		u = udp(&b, 1, 2);
		fill(&b, 20, 0);
		end_udp(&b, u);
		end_ipv4(&b, ip);
		if (k == 0)
			b.d[ip] = 0x55;
		if (k == 1)
			b.d[ip] = 0x44;
		if (k == 2)
			set16(&b, ip + 2, 12);
		if (k == 3)
			set16(&b, ip + 2, 400);
		if (k == 4)
			emit_cut(o, &b, 14 + 24);
		else
			emit(o, &b);
	}
	/* 9 IPv6 version 4 in an IPv6 EtherType. 10 nine destination option
	 * headers. 11 an extension header longer than the payload. */
	b.n = 0;
	eth(&b, 0x86DD);
	ip = ipv6(&b, 59, "2001:db8::1", "2001:db8::2");
	end_ipv6(&b, ip);
	b.d[ip] = 0x40;
	emit(o, &b);
	b.n = 0;
	eth(&b, 0x86DD);
	ip = ipv6(&b, 60, "2001:db8::1", "2001:db8::2");
	for (int i = 0; i < 9; i++) {
		put8(&b, i < 8 ? 60 : 59);
		put8(&b, 0);
		fill(&b, 6, 0);
	}
	end_ipv6(&b, ip);
	emit(o, &b);
	b.n = 0;
	eth(&b, 0x86DD);
	ip = ipv6(&b, 0, "2001:db8::1", "2001:db8::2");
	put8(&b, 17);
	put8(&b, 20);
	fill(&b, 14, 0);
	end_ipv6(&b, ip);
	emit(o, &b);
	/* 12 TCP data offset 3. 13 TCP cut by the capture. */
	for (int k = 0; k < 2; k++) {
		b.n = 0;
		eth(&b, 0x0800);
		ip = ipv4(&b, 6, "198.51.100.1", "198.51.100.2");
		size_t t = b.n;
		tcp(&b, 1, 2, 3, 4, 0x02);
		end_ipv4(&b, ip);
		if (k == 0) {
			b.d[t + 12] = 3 << 4;
			emit(o, &b);
		} else {
			emit_cut(o, &b, 14 + 20 + 10);
		}
	}
	/* 14 UDP length 4. 15 UDP length beyond the IP payload. */
	for (int k = 0; k < 2; k++) {
		b.n = 0;
		eth(&b, 0x0800);
		ip = ipv4(&b, 17, "198.51.100.1", "198.51.100.2");
		u = udp(&b, 1, 2);
		fill(&b, 8, 0);
		end_udp(&b, u);
		set16(&b, u + 4, k == 0 ? 4 : 300);
		end_ipv4(&b, ip);
		emit(o, &b);
	}
	/* 16 VXLAN with I clear. 17 VXLAN header short. */
	for (int k = 0; k < 2; k++) {
		b.n = 0;
		eth(&b, 0x0800);
		ip = ipv4(&b, 17, "203.0.113.1", "203.0.113.2");
		u = udp(&b, 1, 4789);
		if (k == 0) {
			put32(&b, 0);
			put32(&b, 5u << 8);
			inner_icmp(&b);
		} else {
			put16(&b, 0x0800);
		}
		end_udp(&b, u);
		end_ipv4(&b, ip);
		emit(o, &b);
	}
	/* 18 Geneve version 1. 19 options beyond the packet. 20 protocol 0x9999. */
	for (int k = 0; k < 3; k++) {
		b.n = 0;
		eth(&b, 0x0800);
		ip = ipv4(&b, 17, "203.0.113.1", "203.0.113.2");
		u = udp(&b, 1, 6081);
		put8(&b, k == 0 ? 0x40 : k == 1 ? 0x3F : 0);
		put8(&b, 0);
		put16(&b, k == 2 ? 0x9999 : 0x6558);
		put32(&b, 0x100);
		fill(&b, 16, 0);
		end_udp(&b, u);
		end_ipv4(&b, ip);
		emit(o, &b);
	}
	/* 21 ERSPAN III header short. */
	b.n = 0;
	ip = outer_gre4(&b, 0x0000, 0x22EB, 0, 0);
	put32(&b, 2u << 28);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* 22 nine MPLS labels. */
	b.n = 0;
	eth(&b, 0x8847);
	for (int i = 0; i < 9; i++)
		put32(&b, (16u + (uint32_t)i) << 12 | (i == 8 ? 0x100u : 0) | 64);
	inner_icmp(&b);
	emit(o, &b);
	/* 23 ten GRE-in-GRE levels: deeper than DECODE_MAX_DEPTH. */
	b.n = 0;
	eth(&b, 0x0800);
	size_t ips[10];
	for (int i = 0; i < 10; i++) {
		ips[i] = ipv4(&b, 47, "203.0.113.1", "203.0.113.2");
		put16(&b, 0);
		put16(&b, 0x0800);
	}
	size_t last = ipv4(&b, 1, "198.51.100.1", "198.51.100.2");
	fill(&b, 8, 0);
	end_ipv4(&b, last);
	for (int i = 9; i >= 0; i--)
		end_ipv4(&b, ips[i]);
	emit(o, &b);
	/* 24 MPLS with an Ethernet pseudowire (control word). */
	b.n = 0;
	eth(&b, 0x8847);
	put32(&b, (100u << 12) | 0x100 | 64);
	put32(&b, 0);
	inner_icmp(&b);
	emit(o, &b);
	/* 25 PPPoE with a bad version. 26 Arista timestamp, 48-bit format. */
	b.n = 0;
	eth(&b, 0x8864);
	put8(&b, 0x21);
	fill(&b, 7, 0);
	emit(o, &b);
	b.n = 0;
	eth(&b, 0xD28B);
	put16(&b, 1);
	put16(&b, 0x0020);
	fill(&b, 6, 1);
	put16(&b, 0x0800);
	ip = ipv4(&b, 17, "198.51.100.1", "198.51.100.2");
	u = udp(&b, 7, 9);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* 27 ARP shorter than its addresses. 28 ICMP with 2 bytes. */
	b.n = 0;
	eth(&b, 0x0806);
	put16(&b, 1);
	put16(&b, 0x0800);
	put8(&b, 6);
	put8(&b, 4);
	put16(&b, 1);
	fill(&b, 10, 0);
	emit(o, &b);
	b.n = 0;
	eth(&b, 0x0800);
	ip = ipv4(&b, 1, "198.51.100.1", "198.51.100.2");
	put16(&b, 0x0800);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* 29 E-Tag, 30 VN-Tag, 31 PBB I-Tag: frames ending inside the tag. */
	static const unsigned tags[] = { 0x893F, 0x8926, 0x88E7 };
	for (int k = 0; k < 3; k++) {
		b.n = 0;
		eth(&b, tags[k]);
		put16(&b, 0);
		emit(o, &b);
	}
	/* 32 Arista sub-type 2. 33 NSH length 1 word. 34 MPLS payload nibble 9. */
	b.n = 0;
	eth(&b, 0xD28B);
	put16(&b, 2);
	put16(&b, 0x0010);
	fill(&b, 12, 0);
	emit(o, &b);
	b.n = 0;
	eth(&b, 0x894F);
	put16(&b, 0x0001);
	put8(&b, 1);
	put8(&b, 1);
	fill(&b, 12, 0);
	emit(o, &b);
	b.n = 0;
	eth(&b, 0x8847);
	put32(&b, (16u << 12) | 0x100 | 64);
	fill(&b, 20, 0x90);
	emit(o, &b);
	/* 35 ERSPAN II header cut by the capture. */
	b.n = 0;
	ip = outer_gre4(&b, 0x1000, 0x88BE, 0, 1);
	erspan2_hdr(&b, 1, 0, 0, 0, 2, 3);
	inner_icmp(&b);
	end_ipv4(&b, ip);
	emit_cut(o, &b, 14 + 20 + 8 + 4);
	/* 36 VXLAN-GPE next protocol 9. */
	b.n = 0;
	eth(&b, 0x0800);
	ip = ipv4(&b, 17, "203.0.113.1", "203.0.113.2");
	u = udp(&b, 1, 4790);
	put32(&b, 0x0C000009);
	put32(&b, 1u << 8);
	fill(&b, 8, 0);
	end_udp(&b, u);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* 37 IPv6 payload length beyond the frame. 38 IPv6 cut by the capture. */
	for (int k = 0; k < 2; k++) {
		b.n = 0;
		eth(&b, 0x86DD);
		ip = ipv6(&b, 17, "2001:db8::1", "2001:db8::2");
		u = udp(&b, 1, 2);
		fill(&b, 16, 0);
		end_udp(&b, u);
		end_ipv6(&b, ip);
		if (k == 0) {
			set16(&b, ip + 4, 500);
			emit(o, &b);
		} else {
			emit_cut(o, &b, 14 + 30);
		}
	}
	/* 39 WCCP v2 redirect header cut short on the wire. */
	b.n = 0;
	ip = outer_gre4(&b, 0x0000, 0x883E, 0, 0);
	put16(&b, 0x0100);
	end_ipv4(&b, ip);
	emit(o, &b);
	/* 40 six VXLAN levels, each frame with four VLAN tags: more headers
	 * than DECODE_MAX_LAYERS before the depth bound is reached. */
	b.n = 0;
	size_t lv_ip[6], lv_udp[6];
	for (int i = 0; i < 6; i++) {
		eth(&b, 0x8100);
		for (int v = 0; v < 4; v++)
			vlan(&b, 0, 100 + (unsigned)v, v < 3 ? 0x8100 : 0x0800);
		lv_ip[i] = ipv4(&b, 17, "203.0.113.1", "203.0.113.2");
		lv_udp[i] = udp(&b, 1, 4789);
		vxlan_hdr(&b, (uint32_t)i + 1);
	}
	inner_icmp(&b);
	for (int i = 5; i >= 0; i--) {
		end_udp(&b, lv_udp[i]);
		end_ipv4(&b, lv_ip[i]);
	}
	emit(o, &b);
}

/* The same ICMP packet under each link type the decoders know. */
static void mk_linktypes(const char *dir)
{
	static const struct { const char *name; int dlt; } lt[] = {
		{ "link_raw", 12 }, { "link_ipv4", 228 }, { "link_sll", 113 },
		{ "link_sll2", 276 }, { "link_null", 0 }, { "link_loop", 108 },
	};
	for (size_t i = 0; i < sizeof(lt) / sizeof(lt[0]); i++) {
		struct out o;
		if (open_out(&o, dir, lt[i].name, lt[i].dlt))
			exit(1);
		struct b b = { .n = 0 };
		switch (lt[i].dlt) {
		case 113:
			put16(&b, 0);       /* to us */
			put16(&b, 1);       /* ARPHRD_ETHER */
			put16(&b, 6);
			putmem(&b, MAC_A, 6);
			put16(&b, 0);
			put16(&b, 0x0800);
			break;
		case 276:
			put16(&b, 0x86DD);
			put16(&b, 0);
			put32(&b, 3);       /* ifindex */
			put16(&b, 1);
			put8(&b, 0);
			put8(&b, 6);
			putmem(&b, MAC_A, 6);
			put16(&b, 0);
			break;
		case 0:
			put8(&b, 2);        /* AF_INET, little-endian writer */
			put8(&b, 0);
			put16(&b, 0);
			break;
		case 108:
			put32(&b, 24);      /* AF_INET6 (OpenBSD), network order */
			break;
		default:
			break;
		}
		size_t ip;
		if (lt[i].dlt == 276 || lt[i].dlt == 108) {
			ip = ipv6(&b, 58, "2001:db8::1", "2001:db8::2");
			put8(&b, 128);
			put8(&b, 0);
			put16(&b, 0);
			put32(&b, 1);
			end_ipv6(&b, ip);
		} else {
			ip = ipv4(&b, 1, "198.51.100.1", "198.51.100.2");
			put8(&b, 8);
			put8(&b, 0);
			put16(&b, 0);
			put32(&b, 1);
			end_ipv4(&b, ip);
		}
		emit(&o, &b);
		/* A raw packet with version 5 / a 2-byte SLL frame. */
		b.n = 0;
		put8(&b, 0x50);
		put8(&b, 0);
		emit(&o, &b);
		close_out(&o);
	}
}

static const struct {
	const char *name;
	void (*mk)(struct out *o);
} captures[] = {
	{ "erspan3_platform", mk_erspan3 },
	{ "erspan2_variants", mk_erspan2 },
	{ "gre_flags", mk_gre_flags },
	{ "frag_tunnels", mk_frag },
	{ "frag_bad", mk_frag_bad },
	{ "frag_flood", mk_frag_flood },
	{ "geneve_vxlan", mk_geneve_vxlan },
	{ "tzsp_37008", mk_tzsp },
	{ "malformed", mk_malformed },
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkpcap DIR\n");
		return 64;
	}
	for (size_t i = 0; i < sizeof(captures) / sizeof(captures[0]); i++) {
		struct out o;
		if (open_out(&o, argv[1], captures[i].name, DLT_EN10MB))
			return 1;
		captures[i].mk(&o);
		close_out(&o);
	}
	mk_linktypes(argv[1]);
	return 0;
}
