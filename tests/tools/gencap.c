/*
 * gencap.c - writes crafted hostile captures for the bad-input tests.
 *
 * Usage: gencap DIR
 *
 * Writes one small capture per case into DIR (CASE.pcap or CASE.pcapng),
 * each holding a frame that is malformed at exactly one layer (a header
 * length that lies, a chain that never ends, a field the spec forbids),
 * usually after one well-formed frame so that the file also proves the
 * reader keeps going. tests/badinput/layers.t lists, per case, the named
 * event (src/core/events.def) that `mirrorsense read CASE --json` must
 * count; tests/badinput/files.t uses the file-level cases (pcap / pcapng
 * headers and blocks that lie).
 *
 * All frames are built byte by byte here (no libpcap), so nothing can
 * "fix" them on the way. Addresses are documentation ranges only
 * (198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32). Checksums are zero.
 * References: RFC 791 (IPv4), RFC 8200 (IPv6), RFC 793 (TCP), RFC 768
 * (UDP), RFC 2784/2890 (GRE), draft-foschiano-erspan (ERSPAN II/III),
 * RFC 7348 (VXLAN), RFC 8926 (Geneve), TZSP (Tazmen Sniffer Protocol),
 * pcap and pcapng file formats (draft-ietf-opsawg-pcap / -pcapng).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PB_MAX 9000

/* A frame being built. */
struct pb {
	uint8_t b[PB_MAX]; /* bytes */
	size_t n;          /* bytes written */
};

static void p8(struct pb *p, unsigned v)
{
	if (p->n < PB_MAX)
		p->b[p->n++] = (uint8_t)v;
}

static void p16(struct pb *p, unsigned v)
{
	p8(p, v >> 8);
	p8(p, v);
}

static void p32(struct pb *p, uint32_t v)
{
	p16(p, v >> 16);
	p16(p, v & 0xffff);
}

static void set16(struct pb *p, size_t off, unsigned v)
{
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

/* ------------------------------------------------------------ pcap files */

static const char *out_dir;
static FILE *cur;       /* file being written */
static unsigned ncases; /* files written */

static void le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	fwrite(b, 1, 4, f);
}

static void le16(FILE *f, unsigned v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	fwrite(b, 1, 2, f);
}

static FILE *open_case(const char *name, const char *ext)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.%s", out_dir, name, ext);
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "gencap: %s: %s\n", path, strerror(errno));
		exit(74);
	}
	ncases++;
	return f;
}

/* Start a classic pcap file (microsecond, little endian). */
static void pcap_begin(const char *name, uint32_t linktype, uint32_t snaplen)
{
	cur = open_case(name, "pcap");
	le32(cur, 0xa1b2c3d4);
	le16(cur, 2);
	le16(cur, 4);
	le32(cur, 0);
	le32(cur, 0);
	le32(cur, snaplen);
	le32(cur, linktype);
}

static uint32_t pkt_ts = 1767225600; /* 2026-01-01 00:00:00 UTC */
static uint32_t pkt_us;

/* One record: the first caplen bytes of p, wire length wirelen. */
static void rec_cut(const struct pb *p, size_t caplen, size_t wirelen)
{
	if (caplen > p->n)
		caplen = p->n;
	le32(cur, pkt_ts);
	le32(cur, pkt_us);
	pkt_us += 1000;
	if (pkt_us >= 1000000) {
		pkt_us -= 1000000;
		pkt_ts++;
	}
	le32(cur, (uint32_t)caplen);
	le32(cur, (uint32_t)wirelen);
	fwrite(p->b, 1, caplen, cur);
}

static void rec(const struct pb *p)
{
	rec_cut(p, p->n, p->n);
}

static void end_case(void)
{
	if (fclose(cur) != 0) {
		perror("gencap");
		exit(74);
	}
	cur = NULL;
}

/* ---------------------------------------------------------- frame parts */

static const uint8_t MAC_A[6] = { 0x02, 0, 0x5e, 0, 0, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0, 0x5e, 0, 0, 0x0b };

static void eth(struct pb *p, unsigned type)
{
	for (int i = 0; i < 6; i++)
		p8(p, MAC_B[i]);
	for (int i = 0; i < 6; i++)
		p8(p, MAC_A[i]);
	p16(p, type);
}

/* IPv4 header without options; returns its offset (total length patched
 * by ip4_end unless the case sets its own). */
static size_t ip4(struct pb *p, unsigned proto, uint8_t src_last, uint8_t dst_last)
{
	size_t off = p->n;
	p8(p, 0x45);
	p8(p, 0);
	p16(p, 0);     /* total length, patched */
	p16(p, 0x1234);
	p16(p, 0x4000); /* DF */
	p8(p, 64);
	p8(p, proto);
	p16(p, 0);
	p8(p, 198); p8(p, 51); p8(p, 100); p8(p, src_last);
	p8(p, 198); p8(p, 51); p8(p, 100); p8(p, dst_last);
	return off;
}

static void ip4_end(struct pb *p, size_t off)
{
	set16(p, off + 2, (unsigned)(p->n - off));
}

static size_t ip6(struct pb *p, unsigned next)
{
	size_t off = p->n;
	p32(p, 0x60000000);
	p16(p, 0); /* payload length, patched */
	p8(p, next);
	p8(p, 64);
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	for (int i = 0; i < 16; i++)
		p8(p, a[i]);
	for (int i = 0; i < 16; i++)
		p8(p, b[i]);
	return off;
}

static void ip6_end(struct pb *p, size_t off)
{
	set16(p, off + 4, (unsigned)(p->n - off - 40));
}

static void tcp(struct pb *p, unsigned sport, unsigned dport, unsigned doff_words)
{
	p16(p, sport);
	p16(p, dport);
	p32(p, 1000);
	p32(p, 2000);
	p8(p, doff_words << 4);
	p8(p, 0x18); /* PSH ACK */
	p16(p, 8192);
	p16(p, 0);
	p16(p, 0);
}

/* UDP header; returns its offset (length patched by udp_end). */
static size_t udp(struct pb *p, unsigned sport, unsigned dport)
{
	size_t off = p->n;
	p16(p, sport);
	p16(p, dport);
	p16(p, 0);
	p16(p, 0);
	return off;
}

static void udp_end(struct pb *p, size_t off)
{
	set16(p, off + 4, (unsigned)(p->n - off));
}

static void payload(struct pb *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p8(p, 'a' + (unsigned)(i % 26));
}

/* A well-formed inner frame: Ethernet / IPv4 / TCP 502 with 12 bytes. */
static void inner_frame(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 6, 10, 20);
	tcp(p, 40000, 502, 5);
	payload(p, 12);
	ip4_end(p, ip);
}

/* A good plain frame written first in most cases. */
static void good(void)
{
	struct pb p = { .n = 0 };
	inner_frame(&p);
	rec(&p);
}

/* Outer Ethernet / IPv4 (proto) header; returns the IPv4 offset. */
static size_t outer(struct pb *p, unsigned proto)
{
	eth(p, 0x0800);
	return ip4(p, proto, 1, 2);
}

/* ERSPAN II over GRE with sequence: outer headers and both tunnel headers. */
static size_t erspan2_head(struct pb *p, unsigned version, unsigned session)
{
	size_t ip = outer(p, 47);
	p16(p, 0x1000);
	p16(p, 0x88be);
	p32(p, 7);
	p16(p, (version << 12) | 10);          /* Ver, VLAN 10 */
	p16(p, (1u << 13) | (session & 0x3ff)); /* COS 1, En 0, T 0, session */
	p32(p, 3);                              /* index */
	return ip;
}

/* ------------------------------------------------------------- the cases */

static void simple(const char *name, void (*build)(struct pb *))
{
	pcap_begin(name, 1, 65535);
	good();
	struct pb p = { .n = 0 };
	build(&p);
	rec(&p);
	end_case();
}

/* -- Ethernet, VLAN, MPLS */
static void c_eth_runt(struct pb *p)
{
	eth(p, 0x0800);
	p->n = 9;
}

static void c_vlan_too_deep(struct pb *p)
{
	eth(p, 0x88a8);
	for (int i = 0; i < 7; i++) {
		p16(p, 100 + i);
		p16(p, i == 6 ? 0x0800 : 0x8100);
	}
	size_t ip = ip4(p, 17, 1, 2);
	size_t u = udp(p, 1000, 2000);
	payload(p, 8);
	udp_end(p, u);
	ip4_end(p, ip);
}

static void c_vlan_cut(struct pb *p)
{
	eth(p, 0x8100);
	p8(p, 0);
}

static void c_mpls_bottomless(struct pb *p)
{
	/* labels without the bottom-of-stack bit until the frame ends */
	eth(p, 0x8847);
	for (int i = 0; i < 3; i++)
		p32(p, ((uint32_t)(16 + i) << 12) | 64);
	p16(p, 0x1234);
}

static void c_mpls_too_many(struct pb *p)
{
	eth(p, 0x8847);
	for (int i = 0; i < 40; i++)
		p32(p, ((uint32_t)(16 + i) << 12) | 64);
	payload(p, 40);
}

/* -- IPv4 */
static void c_ipv4_bad_ihl(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 17, 1, 2);
	payload(p, 20);
	ip4_end(p, ip);
	p->b[ip] = 0x43;
}

static void c_ipv4_ihl_overrun(struct pb *p)
{
	/* IHL 15 (60 bytes) in a 28-byte datagram */
	eth(p, 0x0800);
	size_t ip = ip4(p, 17, 1, 2);
	payload(p, 8);
	ip4_end(p, ip);
	p->b[ip] = 0x4f;
}

static void c_ipv4_total_len_lies(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 6, 1, 2);
	tcp(p, 1000, 502, 5);
	payload(p, 6);
	set16(p, ip + 2, 1400);
}

static void c_ipv4_total_len_small(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 6, 1, 2);
	tcp(p, 1000, 502, 5);
	set16(p, ip + 2, 12);
}

static void c_ipv4_options_overrun(struct pb *p)
{
	/* IHL 8 announces 12 bytes of options; the datagram says 24 bytes */
	eth(p, 0x0800);
	size_t ip = ip4(p, 17, 1, 2);
	p8(p, 0x44); /* timestamp option claiming 40 bytes */
	p8(p, 40);
	p8(p, 5);
	p8(p, 0);
	set16(p, ip + 2, 24);
	p->b[ip] = 0x48;
}

static void c_ipv4_bad_version(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 17, 1, 2);
	payload(p, 20);
	ip4_end(p, ip);
	p->b[ip] = 0x75;
}

/* -- IPv6 */
static void c_ipv6_ext_chain_long(struct pb *p)
{
	eth(p, 0x86dd);
	size_t ip = ip6(p, 60);
	for (int i = 0; i < 20; i++) { /* 20 destination-options headers */
		p8(p, i == 19 ? 59 : 60);
		p8(p, 0);
		p8(p, 1); /* PadN */
		p8(p, 4);
		p32(p, 0);
	}
	ip6_end(p, ip);
}

static void c_ipv6_ext_overrun(struct pb *p)
{
	eth(p, 0x86dd);
	size_t ip = ip6(p, 0); /* hop-by-hop */
	p8(p, 17);
	p8(p, 200); /* (200+1)*8 bytes announced */
	p8(p, 1);
	p8(p, 4);
	p32(p, 0);
	payload(p, 16);
	ip6_end(p, ip);
}

static void c_ipv6_payload_len_lies(struct pb *p)
{
	eth(p, 0x86dd);
	size_t ip = ip6(p, 17);
	size_t u = udp(p, 1000, 2000);
	payload(p, 8);
	udp_end(p, u);
	set16(p, ip + 4, 4000);
}

/* -- TCP, UDP */
static void c_tcp_bad_doff(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 6, 1, 2);
	tcp(p, 1000, 502, 2);
	payload(p, 8);
	ip4_end(p, ip);
}

static void c_tcp_doff_overrun(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 6, 1, 2);
	tcp(p, 1000, 502, 15); /* 60-byte header in a 24-byte segment */
	payload(p, 4);
	ip4_end(p, ip);
}

static void c_udp_len_lies(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 17, 1, 2);
	size_t u = udp(p, 1000, 2000);
	payload(p, 20);
	set16(p, u + 4, 500);
	ip4_end(p, ip);
}

static void c_udp_len_small(struct pb *p)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 17, 1, 2);
	size_t u = udp(p, 1000, 2000);
	payload(p, 20);
	set16(p, u + 4, 4);
	ip4_end(p, ip);
}

/* -- GRE */
static void gre_with(struct pb *p, unsigned flags, unsigned proto)
{
	size_t ip = outer(p, 47);
	p16(p, flags);
	p16(p, proto);
	inner_frame(p);
	ip4_end(p, ip);
}

static void c_gre_routing(struct pb *p)
{
	/* R bit with a (RFC 1701) offset/checksum word and a SRE list */
	size_t ip = outer(p, 47);
	p16(p, 0x4000);
	p16(p, 0x6558);
	p32(p, 0);       /* checksum + offset */
	p16(p, 0x0800);  /* SRE: address family */
	p8(p, 0);
	p8(p, 4);
	p32(p, 0xc6336402);
	p32(p, 0);       /* NULL SRE */
	inner_frame(p);
	ip4_end(p, ip);
}

static void c_gre_recursion(struct pb *p)
{
	gre_with(p, 0x0700, 0x6558); /* recursion control 7 (RFC 1701 bits 5-7) */
}

static void c_gre_bad_version(struct pb *p)
{
	gre_with(p, 0x0003, 0x6558);
}

static void c_gre_pptp(struct pb *p)
{
	gre_with(p, 0x2001, 0x880b);
}

static void c_gre_unknown_proto(struct pb *p)
{
	gre_with(p, 0x0000, 0x1234);
}

static void c_gre_flags_overrun(struct pb *p)
{
	/* C, K and S announce 12 more bytes; the datagram ends after 2 */
	size_t ip = outer(p, 47);
	p16(p, 0xb000);
	p16(p, 0x88be);
	p16(p, 0);
	ip4_end(p, ip);
}

/* -- ERSPAN */
static void c_erspan2_bad_version(struct pb *p)
{
	size_t ip = erspan2_head(p, 2, 5);
	inner_frame(p);
	ip4_end(p, ip);
}

static void c_erspan2_short(struct pb *p)
{
	size_t ip = outer(p, 47);
	p16(p, 0x1000);
	p16(p, 0x88be);
	p32(p, 7);
	p16(p, 0x1000 | 10); /* 4 of the 8 header bytes */
	p16(p, 5);
	ip4_end(p, ip);
}

static void erspan3_head(struct pb *p, unsigned version, bool o_bit, unsigned ft)
{
	p16(p, 0x1000);
	p16(p, 0x22eb);
	p32(p, 9);
	p16(p, (version << 12) | 10);
	p16(p, (1u << 13) | 6);      /* COS 1, session 6 */
	p32(p, 0x01020304);          /* timestamp */
	p16(p, 0);                   /* SGT */
	/* P(1) FT(5) HW ID(6) D(1) Gra(2) O(1) */
	p16(p, ((ft & 0x1f) << 10) | (1u << 4) | (3u << 1) | (o_bit ? 1 : 0));
}

static void c_erspan3_o_no_room(struct pb *p)
{
	/* O bit announces an 8-byte platform sub-header; 4 bytes follow */
	size_t ip = outer(p, 47);
	erspan3_head(p, 2, true, 0);
	p32(p, 0x0c000000);
	ip4_end(p, ip);
}

static void c_erspan3_bad_version(struct pb *p)
{
	size_t ip = outer(p, 47);
	erspan3_head(p, 1, false, 0);
	inner_frame(p);
	ip4_end(p, ip);
}

static void c_erspan3_not_ethernet(struct pb *p)
{
	size_t ip = outer(p, 47);
	erspan3_head(p, 2, false, 5); /* FT 5: neither Ethernet (0) nor IP (2) */
	payload(p, 40);
	ip4_end(p, ip);
}

/* -- UDP tunnels */
static void c_vxlan_i_clear(struct pb *p)
{
	size_t ip = outer(p, 17);
	size_t u = udp(p, 50000, 4789);
	p32(p, 0x00000000); /* I flag clear */
	p32(p, 0x00006400);
	inner_frame(p);
	udp_end(p, u);
	ip4_end(p, ip);
}

static void c_vxlan_short(struct pb *p)
{
	size_t ip = outer(p, 17);
	size_t u = udp(p, 50000, 4789);
	p32(p, 0x08000000);
	udp_end(p, u);
	ip4_end(p, ip);
}

static void c_geneve_opt_overrun(struct pb *p)
{
	/* Opt Len 63 (252 bytes of options) in a 16-byte Geneve payload */
	size_t ip = outer(p, 17);
	size_t u = udp(p, 50000, 6081);
	p8(p, 63);
	p8(p, 0);
	p16(p, 0x6558);
	p32(p, 0x00006400);
	p16(p, 0x0103); /* option class */
	p8(p, 0x80);
	p8(p, 31);      /* option length 31 words */
	p32(p, 0);
	udp_end(p, u);
	ip4_end(p, ip);
}

static void c_geneve_bad_version(struct pb *p)
{
	size_t ip = outer(p, 17);
	size_t u = udp(p, 50000, 6081);
	p8(p, 0x40); /* version 1 */
	p8(p, 0);
	p16(p, 0x6558);
	p32(p, 0x00006400);
	inner_frame(p);
	udp_end(p, u);
	ip4_end(p, ip);
}

static void c_tzsp_no_end(struct pb *p)
{
	/* version 1, received packet, Ethernet; tags never reach END (1) */
	size_t ip = outer(p, 17);
	size_t u = udp(p, 50000, 37008);
	p8(p, 1);
	p8(p, 0);
	p16(p, 1);
	for (int i = 0; i < 6; i++) {
		p8(p, 10); /* RSSI */
		p8(p, 1);
		p8(p, 0x40);
	}
	udp_end(p, u);
	ip4_end(p, ip);
}

static void c_tzsp_too_many_tags(struct pb *p)
{
	size_t ip = outer(p, 17);
	size_t u = udp(p, 50000, 37008);
	p8(p, 1);
	p8(p, 0);
	p16(p, 1);
	for (int i = 0; i < 600; i++) {
		p8(p, 10);
		p8(p, 0);
	}
	p8(p, 1);
	inner_frame(p);
	udp_end(p, u);
	ip4_end(p, ip);
}

static void c_tzsp_bad_version(struct pb *p)
{
	size_t ip = outer(p, 17);
	size_t u = udp(p, 50000, 37008);
	p8(p, 9);
	p8(p, 0);
	p16(p, 1);
	p8(p, 1);
	inner_frame(p);
	udp_end(p, u);
	ip4_end(p, ip);
}

/* -- nesting */
static void c_depth_exceeded(struct pb *p)
{
	/* Ethernet-over-GRE twelve times deep, then a frame */
	size_t ips[12];
	for (int i = 0; i < 12; i++) {
		ips[i] = outer(p, 47);
		p16(p, 0);
		p16(p, 0x6558);
	}
	inner_frame(p);
	for (int i = 11; i >= 0; i--)
		ip4_end(p, ips[i]);
}

/* -- fragments of an outer tunnel (IPv4 carrying ERSPAN II) */

/* An IPv4 fragment of a GRE datagram: bytes [off, off+len) of data. */
static void gre_frag(struct pb *p, unsigned id, unsigned off8, bool more,
		     const uint8_t *data, size_t len)
{
	eth(p, 0x0800);
	size_t ip = ip4(p, 47, 1, 2);
	set16(p, ip + 4, id);
	set16(p, ip + 6, (more ? 0x2000 : 0) | (off8 & 0x1fff));
	for (size_t i = 0; i < len; i++)
		p8(p, data[i]);
	ip4_end(p, ip);
}

/* The GRE/ERSPAN II payload that the fragment cases cut up. */
static size_t tunnel_payload(uint8_t *out)
{
	struct pb t = { .n = 0 };
	p16(&t, 0x1000);
	p16(&t, 0x88be);
	p32(&t, 11);
	p16(&t, 0x1000 | 10);
	p16(&t, (1u << 13) | 5);
	p32(&t, 3);
	inner_frame(&t);
	payload(&t, 200);
	memcpy(out, t.b, t.n);
	return t.n;
}

static void case_frag_overlap(void)
{
	uint8_t d[PB_MAX];
	size_t n = tunnel_payload(d);
	pcap_begin("frag_overlap", 1, 65535);
	good();
	struct pb p = { .n = 0 };
	gre_frag(&p, 0x100, 0, true, d, 96);
	rec(&p);
	p.n = 0; /* second piece starts inside the first, with other bytes */
	uint8_t other[PB_MAX];
	for (size_t i = 0; i < n; i++)
		other[i] = (uint8_t)(d[i] ^ 0x5a);
	gre_frag(&p, 0x100, 48 / 8, false, other + 48, n - 48);
	rec(&p);
	end_case();
}

static void case_frag_too_big(void)
{
	uint8_t d[PB_MAX];
	tunnel_payload(d);
	pcap_begin("frag_too_big", 1, 65535);
	good();
	struct pb p = { .n = 0 };
	gre_frag(&p, 0x200, 0, true, d, 96);
	rec(&p);
	p.n = 0; /* last piece at offset 65520 + 200 bytes > 65535 */
	gre_frag(&p, 0x200, 65520 / 8, false, d, 200);
	rec(&p);
	end_case();
}

static void case_frag_too_many(void)
{
	uint8_t d[PB_MAX];
	tunnel_payload(d);
	pcap_begin("frag_too_many", 1, 65535);
	good();
	for (unsigned i = 0; i < 400; i++) { /* 400 datagrams never completed */
		struct pb p = { .n = 0 };
		gre_frag(&p, 0x1000 + i, 0, true, d, 96);
		rec(&p);
	}
	end_case();
}

static void case_frag_bad_len(void)
{
	uint8_t d[PB_MAX];
	tunnel_payload(d);
	pcap_begin("frag_bad_len", 1, 65535);
	good();
	struct pb p = { .n = 0 };
	gre_frag(&p, 0x300, 0, true, d, 91); /* not the last, not a multiple of 8 */
	rec(&p);
	end_case();
}

/* -- capture-level: snap length, link types */
static void case_snaplen_cut(void)
{
	/* ERSPAN II packets whose records were cut: inside the IPv4 header
	 * (36 of 116 bytes), the GRE header (40), the ERSPAN header (46) and
	 * the inner frame (60). The file's snap length (96) is above every
	 * cut, so that libpcap hands the records on as they are. */
	pcap_begin("snaplen_cut", 1, 96);
	struct pb p = { .n = 0 };
	size_t ip = erspan2_head(&p, 1, 5);
	inner_frame(&p);
	ip4_end(&p, ip);
	rec_cut(&p, 40, p.n);
	rec_cut(&p, 36, p.n);
	rec_cut(&p, 46, p.n);
	rec_cut(&p, 60, p.n);
	end_case();
}

static void case_linktype_unknown(void)
{
	pcap_begin("linktype_unknown", 147, 65535); /* DLT_USER0 */
	struct pb p = { .n = 0 };
	inner_frame(&p);
	rec(&p);
	end_case();
}

static void case_null_bad_family(void)
{
	pcap_begin("null_bad_family", 0, 65535); /* DLT_NULL */
	struct pb p = { .n = 0 };
	p8(&p, 99); p8(&p, 0); p8(&p, 0); p8(&p, 0);
	size_t ip = ip4(&p, 17, 1, 2);
	payload(&p, 16);
	ip4_end(&p, ip);
	rec(&p);
	end_case();
}

static void case_raw_bad_version(void)
{
	pcap_begin("raw_bad_version", 101, 65535); /* LINKTYPE_RAW */
	struct pb p = { .n = 0 };
	size_t ip = ip4(&p, 17, 1, 2);
	payload(&p, 16);
	ip4_end(&p, ip);
	p.b[ip] = 0x55;
	rec(&p);
	end_case();
}

/* -------------------------------------------------- file-level lies */

/* A pcap whose record header claims more bytes than the file holds. */
static void case_file_caplen_huge(void)
{
	pcap_begin("file_caplen_huge", 1, 65535);
	good();
	le32(cur, pkt_ts);
	le32(cur, 0);
	le32(cur, 0x7ffffff0u);
	le32(cur, 0x7ffffff0u);
	fwrite("only a few bytes", 1, 16, cur);
	end_case();
}

/* pcap global header with a snap length of 0 and a bogus version. */
static void case_file_bad_version(void)
{
	cur = open_case("file_bad_version", "pcap");
	le32(cur, 0xa1b2c3d4);
	le16(cur, 9);
	le16(cur, 9);
	le32(cur, 0);
	le32(cur, 0);
	le32(cur, 0);
	le32(cur, 1);
	struct pb p = { .n = 0 };
	inner_frame(&p);
	rec(&p);
	end_case();
}

/* ---- pcapng */

static void ng_block(FILE *f, uint32_t type, const uint8_t *body, size_t len)
{
	size_t pad = (4 - len % 4) % 4;
	uint32_t total = (uint32_t)(12 + len + pad);
	le32(f, type);
	le32(f, total);
	fwrite(body, 1, len, f);
	for (size_t i = 0; i < pad; i++)
		fputc(0, f);
	le32(f, total);
}

static void ng_begin(const char *name)
{
	cur = open_case(name, "pcapng");
	uint8_t shb[16] = { 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
			    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	ng_block(cur, 0x0a0d0d0a, shb, sizeof(shb));
}

static void ng_idb(uint16_t linktype, uint32_t snaplen)
{
	uint8_t idb[8] = { (uint8_t)linktype, (uint8_t)(linktype >> 8), 0, 0,
			   (uint8_t)snaplen, (uint8_t)(snaplen >> 8), (uint8_t)(snaplen >> 16),
			   (uint8_t)(snaplen >> 24) };
	ng_block(cur, 1, idb, sizeof(idb));
}

static void put32le(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static void ng_epb(uint32_t ifid, const struct pb *p, uint32_t caplen, uint32_t wirelen)
{
	uint8_t body[20 + PB_MAX];
	uint64_t ts = ((uint64_t)pkt_ts * 1000000u) + pkt_us;
	pkt_us += 1000;
	put32le(body, ifid);
	put32le(body + 4, (uint32_t)(ts >> 32));
	put32le(body + 8, (uint32_t)ts);
	put32le(body + 12, caplen);
	put32le(body + 16, wirelen);
	size_t n = caplen < p->n ? caplen : p->n;
	memcpy(body + 20, p->b, n);
	ng_block(cur, 6, body, 20 + n);
}

static void ng_good_epb(void)
{
	struct pb p = { .n = 0 };
	inner_frame(&p);
	ng_epb(0, &p, (uint32_t)p.n, (uint32_t)p.n);
}

static void case_ng_unknown_blocks(void)
{
	/* blocks a reader must skip: an unknown type, a custom block, an
	 * interface statistics block, a name resolution block with junk */
	ng_begin("ng_unknown_blocks");
	ng_idb(1, 65535);
	ng_good_epb();
	uint8_t junk[13] = "unknown-block";
	ng_block(cur, 0x00000bad, junk, sizeof(junk));
	uint8_t custom[12] = { 0x00, 0x00, 0x7f, 0xff, 'c', 'u', 's', 't', 'o', 'm', 0, 0 };
	ng_block(cur, 0x00000bad | 0x40000000, custom, sizeof(custom));
	uint8_t isb[12] = { 0 };
	ng_block(cur, 5, isb, sizeof(isb));
	uint8_t nrb[8] = { 0x7f, 0x00, 0x02, 0x00, 'x', 0, 0, 0 };
	ng_block(cur, 4, nrb, sizeof(nrb));
	ng_good_epb();
	end_case();
}

static void case_ng_bad_block_len(void)
{
	/* an EPB whose total length is not a multiple of 4 and disagrees with
	 * its trailing copy */
	ng_begin("ng_bad_block_len");
	ng_idb(1, 65535);
	ng_good_epb();
	le32(cur, 6);
	le32(cur, 45);
	uint8_t body[33] = { 0 };
	fwrite(body, 1, sizeof(body), cur);
	le32(cur, 99);
	end_case();
}

static void case_ng_block_huge(void)
{
	ng_begin("ng_block_huge");
	ng_idb(1, 65535);
	ng_good_epb();
	le32(cur, 6);
	le32(cur, 0x7ffffff0u);
	uint8_t body[64] = { 0 };
	fwrite(body, 1, sizeof(body), cur);
	end_case();
}

static void case_ng_bad_interface(void)
{
	/* an EPB naming interface 5 when only interface 0 exists */
	ng_begin("ng_bad_interface");
	ng_idb(1, 65535);
	ng_good_epb();
	struct pb p = { .n = 0 };
	inner_frame(&p);
	ng_epb(5, &p, (uint32_t)p.n, (uint32_t)p.n);
	end_case();
}

static void case_ng_caplen_lies(void)
{
	/* EPB captured length beyond the block */
	ng_begin("ng_caplen_lies");
	ng_idb(1, 65535);
	ng_good_epb();
	struct pb p = { .n = 0 };
	inner_frame(&p);
	uint8_t body[20 + 64] = { 0 };
	put32le(body + 12, 5000);
	put32le(body + 16, 5000);
	memcpy(body + 20, p.b, 64 < p.n ? 64 : p.n);
	ng_block(cur, 6, body, sizeof(body));
	end_case();
}

static void case_ng_no_idb(void)
{
	/* a packet block before any interface was described */
	ng_begin("ng_no_idb");
	ng_good_epb();
	end_case();
}

static void case_ng_snaplen_cut(void)
{
	/* interface snap length 48; the packet is cut there, wire 66 */
	ng_begin("ng_snaplen_cut");
	ng_idb(1, 48);
	struct pb p = { .n = 0 };
	inner_frame(&p);
	ng_epb(0, &p, 48, (uint32_t)p.n);
	end_case();
}

static void case_ng_second_section_swapped(void)
{
	/* a second section header in the middle, big-endian this time (libpcap cannot change byte order mid-file: a data error after the first packet) */
	ng_begin("ng_second_section_swapped");
	ng_idb(1, 65535);
	ng_good_epb();
	uint8_t shb_be[28] = { 0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d,
			       0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			       0, 0, 0, 28 };
	fwrite(shb_be, 1, sizeof(shb_be), cur);
	uint8_t idb_be[20] = { 0, 0, 0, 1, 0, 0, 0, 20, 0, 1, 0, 0, 0, 0, 0xff, 0xff,
			       0, 0, 0, 20 };
	fwrite(idb_be, 1, sizeof(idb_be), cur);
	struct pb p = { .n = 0 };
	inner_frame(&p);
	uint8_t epb[32 + PB_MAX] = { 0 };
	uint32_t total = (uint32_t)(32 + ((p.n + 3) & ~(size_t)3));
	epb[3] = 6;
	epb[4] = (uint8_t)(total >> 24);
	epb[5] = (uint8_t)(total >> 16);
	epb[6] = (uint8_t)(total >> 8);
	epb[7] = (uint8_t)total;
	epb[23] = (uint8_t)p.n;
	epb[27] = (uint8_t)p.n;
	memcpy(epb + 28, p.b, p.n);
	memcpy(epb + total - 4, epb + 4, 4);
	fwrite(epb, 1, total, cur);
	end_case();
}

/* A clean capture (plain, VLAN, ERSPAN II, VXLAN frames) that the file
 * tests cut, feed through stdin and so on. */
static void case_good(void)
{
	pcap_begin("good", 1, 65535);
	for (int i = 0; i < 4; i++) {
		struct pb p = { .n = 0 };
		inner_frame(&p);
		rec(&p);
		p.n = 0;
		size_t ip = erspan2_head(&p, 1, 5);
		inner_frame(&p);
		ip4_end(&p, ip);
		rec(&p);
		p.n = 0;
		ip = outer(&p, 17);
		size_t u = udp(&p, 50000, 4789);
		p32(&p, 0x08000000);
		p32(&p, 0x00006400);
		inner_frame(&p);
		udp_end(&p, u);
		ip4_end(&p, ip);
		rec(&p);
	}
	end_case();
	ng_begin("good_ng");
	ng_idb(1, 65535);
	for (int i = 0; i < 3; i++)
		ng_good_epb();
	end_case();
}

/* name, builder of the one bad frame (written after one good frame) */
static const struct {
	const char *name;
	void (*build)(struct pb *);
} simple_cases[] = {
	{ "eth_runt", c_eth_runt },
	{ "vlan_too_deep", c_vlan_too_deep },
	{ "vlan_cut", c_vlan_cut },
	{ "mpls_bottomless", c_mpls_bottomless },
	{ "mpls_too_many", c_mpls_too_many },
	{ "ipv4_bad_ihl", c_ipv4_bad_ihl },
	{ "ipv4_ihl_overrun", c_ipv4_ihl_overrun },
	{ "ipv4_total_len_lies", c_ipv4_total_len_lies },
	{ "ipv4_total_len_small", c_ipv4_total_len_small },
	{ "ipv4_options_overrun", c_ipv4_options_overrun },
	{ "ipv4_bad_version", c_ipv4_bad_version },
	{ "ipv6_ext_chain_long", c_ipv6_ext_chain_long },
	{ "ipv6_ext_overrun", c_ipv6_ext_overrun },
	{ "ipv6_payload_len_lies", c_ipv6_payload_len_lies },
	{ "tcp_bad_doff", c_tcp_bad_doff },
	{ "tcp_doff_overrun", c_tcp_doff_overrun },
	{ "udp_len_lies", c_udp_len_lies },
	{ "udp_len_small", c_udp_len_small },
	{ "gre_routing", c_gre_routing },
	{ "gre_recursion", c_gre_recursion },
	{ "gre_bad_version", c_gre_bad_version },
	{ "gre_pptp", c_gre_pptp },
	{ "gre_unknown_proto", c_gre_unknown_proto },
	{ "gre_flags_overrun", c_gre_flags_overrun },
	{ "erspan2_bad_version", c_erspan2_bad_version },
	{ "erspan2_short", c_erspan2_short },
	{ "erspan3_o_no_room", c_erspan3_o_no_room },
	{ "erspan3_bad_version", c_erspan3_bad_version },
	{ "erspan3_not_ethernet", c_erspan3_not_ethernet },
	{ "vxlan_i_clear", c_vxlan_i_clear },
	{ "vxlan_short", c_vxlan_short },
	{ "geneve_opt_overrun", c_geneve_opt_overrun },
	{ "geneve_bad_version", c_geneve_bad_version },
	{ "tzsp_no_end", c_tzsp_no_end },
	{ "tzsp_too_many_tags", c_tzsp_too_many_tags },
	{ "tzsp_bad_version", c_tzsp_bad_version },
	{ "depth_exceeded", c_depth_exceeded },
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gencap DIR\n");
		return 64;
	}
	out_dir = argv[1];
	for (size_t i = 0; i < sizeof(simple_cases) / sizeof(simple_cases[0]); i++)
		simple(simple_cases[i].name, simple_cases[i].build);
	case_frag_overlap();
	case_frag_too_big();
	case_frag_too_many();
	case_frag_bad_len();
	case_snaplen_cut();
	case_linktype_unknown();
	case_null_bad_family();
	case_raw_bad_version();
	case_file_caplen_huge();
	case_file_bad_version();
	case_ng_unknown_blocks();
	case_ng_bad_block_len();
	case_ng_block_huge();
	case_ng_bad_interface();
	case_ng_caplen_lies();
	case_ng_no_idb();
	case_ng_snaplen_cut();
	case_ng_second_section_swapped();
	case_good();
	printf("gencap: %u captures in %s\n", ncases, out_dir);
	return 0;
}
