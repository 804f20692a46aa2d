/*
 * verifygen.c - writes crafted captures for the verify tests: TCP
 * conversations with known content, optionally one way only, wrapped in
 * ERSPAN II/III (with GRE sequence gaps at chosen places, the T bit, a
 * chosen direction bit) or VXLAN, so that every verdict has an input whose
 * truth is known exactly.
 *
 * usage: verifygen OUT.pcap [options]
 *   --conns N          TCP connections (default 20)
 *   --segs N           data segments of 1000 bytes per connection, server to
 *                      client (default 40); the client ACKs every second one
 *   --one-way c2s|s2c  write only that direction
 *   --erspan2 ID       wrap in ERSPAN type II, session ID
 *   --erspan3 ID       wrap in ERSPAN type III, session ID
 *   --dir in|out|split ERSPAN III D bit (split: client->server in, back out)
 *   --skip-seq I:N     before the I-th tunnel packet (0-based) skip N sequence
 *                      numbers (repeatable): exactly N packets "lost"
 *   --tbit             set the ERSPAN truncated bit
 *   --inner-cut N      cut original frames longer than N bytes to N before
 *                      encapsulating them, without the T bit (a path that
 *                      drops the tail, as a tunnel over a too-small MTU)
 *   --vxlan VNI        wrap in VXLAN (UDP 4789)
 *   --vlan ID          802.1Q tag on the original frames
 *   --broadcast N      add N ARP requests (broadcast)
 *   --step-us N        time between packets (default 100)
 * Prints the number of packets written on stdout.
 * Addresses: clients 203.0.113.10-59, servers 198.51.100.10-14.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define MAX_SKIPS 64

struct gen {
	pcap_dumper_t *d;
	uint64_t ts_us;      /* current time */
	unsigned step_us;
	int encap;           /* 0 none, 2 ERSPAN II, 3 ERSPAN III, 4 VXLAN */
	uint32_t id;         /* session / VNI */
	int dir_mode;        /* 0 in, 1 out, 2 split */
	bool tbit;
	unsigned inner_cut;  /* cut frames to this many bytes (0 = no) */
	int vlan;            /* -1 none */
	uint32_t seq;        /* GRE sequence */
	uint64_t tunnel_pkts;
	unsigned skip_at[MAX_SKIPS], skip_n[MAX_SKIPS], nskips;
	uint64_t written;
	uint16_t ipid;
};

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static size_t ipv4(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t proto, size_t plen,
		   uint16_t id)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)(20 + plen));
	put16(p + 4, id);
	p[6] = 0x40; /* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 10, csum(p, 20, 0));
	return 20;
}

static void emit(struct gen *g, const uint8_t *frame, size_t len, bool c2s)
{
	uint8_t buf[2048];
	size_t n = 0;
	if (g->inner_cut && len > g->inner_cut)
		len = g->inner_cut;
	if (g->encap == 0) {
		memcpy(buf, frame, len);
		n = len;
	} else {
		static const uint8_t omac_s[6] = { 0x02, 0, 0, 0, 0xee, 1 };
		static const uint8_t omac_d[6] = { 0x02, 0, 0, 0, 0xee, 2 };
		static const uint8_t osrc[4] = { 203, 0, 113, 250 }, odst[4] = { 203, 0, 113, 251 };
		memcpy(buf, omac_d, 6);
		memcpy(buf + 6, omac_s, 6);
		put16(buf + 12, 0x0800);
		uint8_t *ip = buf + 14;
		uint8_t *l4 = ip + 20;
		size_t hl;
		if (g->encap == 4) {
			uint8_t *vx = l4 + 8;
			memset(vx, 0, 8);
			vx[0] = 0x08;
			put32(vx + 4, g->id << 8);
			memcpy(vx + 8, frame, len);
			put16(l4, (uint16_t)(49152 + (g->tunnel_pkts % 64)));
			put16(l4 + 2, 4789);
			put16(l4 + 4, (uint16_t)(8 + 8 + len));
			put16(l4 + 6, 0);
			hl = 8 + 8;
			ipv4(ip, osrc, odst, 17, hl + len, g->ipid++);
		} else {
			for (unsigned i = 0; i < g->nskips; i++)
				if (g->skip_at[i] == g->tunnel_pkts)
					g->seq += g->skip_n[i];
			put16(l4, 0x1000); /* S bit */
			put16(l4 + 2, g->encap == 2 ? 0x88be : 0x22eb);
			put32(l4 + 4, g->seq++);
			uint8_t *e = l4 + 8;
			if (g->encap == 2) {
				memset(e, 0, 8);
				put16(e, (uint16_t)(0x1000 | 0));
				put16(e + 2, (uint16_t)((g->tbit ? 0x0400 : 0) | (g->id & 0x3ff)));
				hl = 16;
			} else {
				memset(e, 0, 12);
				put16(e, (uint16_t)(0x2000 | 0));
				put16(e + 2, (uint16_t)((g->tbit ? 0x0400 : 0) | (g->id & 0x3ff)));
				put32(e + 4, (uint32_t)(g->ts_us / 100)); /* 100 us granularity */
				bool egress = g->dir_mode == 1 || (g->dir_mode == 2 && !c2s);
				/* sgt(16) p(1) ft(5) hwid(6) d(1) gra(2) o(1) */
				e[10] = 0;
				e[11] = (uint8_t)((egress ? 0x08 : 0) | (0 << 1));
				hl = 20;
			}
			memcpy(l4 + hl, frame, len);
			ipv4(ip, osrc, odst, 47, hl + len, g->ipid++);
		}
		n = 14 + 20 + hl + len;
		g->tunnel_pkts++;
	}
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)(g->ts_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(g->ts_us % 1000000);
	h.caplen = (bpf_u_int32)n;
	h.len = (bpf_u_int32)n;
	pcap_dump((u_char *)g->d, &h, buf);
	g->written++;
	g->ts_us += g->step_us;
}

struct conn {
	uint8_t cmac[6], smac[6];
	uint8_t cip[4], sip[4];
	uint16_t cport, sport;
	uint32_t cseq, sseq; /* next sequence numbers */
	unsigned sent;       /* data segments sent */
	int state;           /* 0 syn, 1 synack, 2 ack, 3 data, 4 fin.. , 9 done */
};

static size_t tcp_frame(struct gen *g, uint8_t *f, const struct conn *c, bool c2s, uint8_t flags,
			uint32_t seq, uint32_t ack, size_t plen)
{
	size_t o = 0;
	memcpy(f, c2s ? c->smac : c->cmac, 6);
	memcpy(f + 6, c2s ? c->cmac : c->smac, 6);
	o = 12;
	if (g->vlan >= 0) {
		put16(f + o, 0x8100);
		put16(f + o + 2, (uint16_t)g->vlan);
		o += 4;
	}
	put16(f + o, 0x0800);
	o += 2;
	uint8_t *ip = f + o;
	uint8_t *t = ip + 20;
	memset(t, 0, 20);
	put16(t, c2s ? c->cport : c->sport);
	put16(t + 2, c2s ? c->sport : c->cport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 0x50;
	t[13] = flags;
	put16(t + 14, 64240);
	for (size_t i = 0; i < plen; i++)
		t[20 + i] = (uint8_t)('a' + (seq + i) % 26);
	ipv4(ip, c2s ? c->cip : c->sip, c2s ? c->sip : c->cip, 6, 20 + plen, g->ipid++);
	uint32_t ps = 0;
	for (int i = 0; i < 8; i += 2)
		ps += (uint32_t)(ip[12 + i] << 8 | ip[13 + i]);
	ps += 6 + (uint32_t)(20 + plen);
	put16(t + 16, csum(t, 20 + plen, ps));
	return o + 20 + 20 + plen;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: verifygen OUT.pcap [options] (see the source)\n");
		return 64;
	}
	struct gen g = { .step_us = 100, .vlan = -1, .seq = 1000 };
	unsigned nconns = 20, segs = 40, bcast = 0;
	int one_way = 0; /* 1 c2s only, 2 s2c only */
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--tbit")) {
			g.tbit = true;
			continue;
		}
		if (!v) {
			fprintf(stderr, "verifygen: %s needs a value\n", a);
			return 64;
		}
		i++;
		if (!strcmp(a, "--conns"))
			nconns = (unsigned)atoi(v);
		else if (!strcmp(a, "--segs"))
			segs = (unsigned)atoi(v);
		else if (!strcmp(a, "--one-way"))
			one_way = !strcmp(v, "c2s") ? 1 : 2;
		else if (!strcmp(a, "--erspan2"))
			g.encap = 2, g.id = (uint32_t)atoi(v);
		else if (!strcmp(a, "--erspan3"))
			g.encap = 3, g.id = (uint32_t)atoi(v);
		else if (!strcmp(a, "--vxlan"))
			g.encap = 4, g.id = (uint32_t)atoi(v);
		else if (!strcmp(a, "--dir"))
			g.dir_mode = !strcmp(v, "in") ? 0 : !strcmp(v, "out") ? 1 : 2;
		else if (!strcmp(a, "--inner-cut"))
			g.inner_cut = (unsigned)atoi(v);
		else if (!strcmp(a, "--vlan"))
			g.vlan = atoi(v);
		else if (!strcmp(a, "--broadcast"))
			bcast = (unsigned)atoi(v);
		else if (!strcmp(a, "--step-us"))
			g.step_us = (unsigned)atoi(v);
		else if (!strcmp(a, "--skip-seq") && g.nskips < MAX_SKIPS) {
			unsigned at, n;
			if (sscanf(v, "%u:%u", &at, &n) != 2) {
				fprintf(stderr, "verifygen: --skip-seq wants I:N\n");
				return 64;
			}
			g.skip_at[g.nskips] = at;
			g.skip_n[g.nskips++] = n;
		} else {
			fprintf(stderr, "verifygen: unknown option %s\n", a);
			return 64;
		}
	}
	if (nconns < 1 || nconns > 1000 || segs > 100000) {
		fprintf(stderr, "verifygen: --conns 1..1000, --segs 0..100000\n");
		return 64;
	}
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	g.d = pcap_dump_open(dead, argv[1]);
	if (!g.d) {
		fprintf(stderr, "verifygen: %s\n", pcap_geterr(dead));
		return 73;
	}
	g.ts_us = 1700000000ull * 1000000ull;
	struct conn *cs = calloc(nconns, sizeof(*cs));
	if (!cs)
		return 70;
	for (unsigned i = 0; i < nconns; i++) {
		struct conn *c = &cs[i];
		uint8_t cm[6] = { 0x02, 0, 0, 0, 0x10, (uint8_t)(10 + i % 50) };
		uint8_t sm[6] = { 0x02, 0, 0, 0, 0x20, (uint8_t)(10 + i % 5) };
		memcpy(c->cmac, cm, 6);
		memcpy(c->smac, sm, 6);
		uint8_t ci[4] = { 203, 0, 113, (uint8_t)(10 + i % 50) };
		uint8_t si[4] = { 198, 51, 100, (uint8_t)(10 + i % 5) };
		memcpy(c->cip, ci, 4);
		memcpy(c->sip, si, 4);
		c->cport = (uint16_t)(40000 + i);
		c->sport = (i % 2) ? 502 : 80;
		c->cseq = 1000000u * (i + 1);
		c->sseq = 2000000000u + 7777u * i;
	}
	uint8_t f[1600];
	bool left = true;
	while (left) {
		left = false;
		for (unsigned i = 0; i < nconns; i++) {
			struct conn *c = &cs[i];
			size_t n;
			bool c2s;
			switch (c->state) {
			case 0:
				n = tcp_frame(&g, f, c, c2s = true, 0x02, c->cseq, 0, 0);
				c->cseq++;
				c->state = 1;
				break;
			case 1:
				n = tcp_frame(&g, f, c, c2s = false, 0x12, c->sseq, c->cseq, 0);
				c->sseq++;
				c->state = 2;
				break;
			case 2: /* request */
				n = tcp_frame(&g, f, c, c2s = true, 0x18, c->cseq, c->sseq, 12);
				c->cseq += 12;
				c->state = 3;
				break;
			case 3: /* data, then an ACK every second segment */
				if (c->sent < segs) {
					n = tcp_frame(&g, f, c, c2s = false, 0x18, c->sseq, c->cseq, 1000);
					c->sseq += 1000;
					c->sent++;
					if (c->sent % 2 == 0 || c->sent == segs)
						c->state = 4;
				} else {
					n = tcp_frame(&g, f, c, c2s = false, 0x11, c->sseq, c->cseq, 0);
					c->sseq++;
					c->state = 5;
				}
				break;
			case 4:
				n = tcp_frame(&g, f, c, c2s = true, 0x10, c->cseq, c->sseq, 0);
				c->state = 3;
				break;
			case 5:
				n = tcp_frame(&g, f, c, c2s = true, 0x11, c->cseq, c->sseq, 0);
				c->cseq++;
				c->state = 6;
				break;
			case 6:
				n = tcp_frame(&g, f, c, c2s = false, 0x10, c->sseq, c->cseq, 0);
				c->state = 9;
				break;
			default:
				continue;
			}
			left = true;
			if ((one_way == 1 && !c2s) || (one_way == 2 && c2s)) {
				/* Not written, but time goes on: the two one-way files
				 * of a TAP's legs share one timeline. */
				g.ts_us += g.step_us;
				continue;
			}
			emit(&g, f, n, c2s);
		}
	}
	for (unsigned i = 0; i < bcast; i++) {
		uint8_t *p = f;
		memset(p, 0xff, 6);
		uint8_t sm[6] = { 0x02, 0, 0, 0, 0x30, (uint8_t)i };
		memcpy(p + 6, sm, 6);
		put16(p + 12, 0x0806);
		put16(p + 14, 1);
		put16(p + 16, 0x0800);
		p[18] = 6;
		p[19] = 4;
		put16(p + 20, 1);
		memcpy(p + 22, sm, 6);
		uint8_t spa[4] = { 203, 0, 113, (uint8_t)(100 + i % 100) };
		memcpy(p + 28, spa, 4);
		memset(p + 32, 0, 6);
		uint8_t tpa[4] = { 203, 0, 113, 1 };
		memcpy(p + 38, tpa, 4);
		memset(p + 42, 0, 18);
		emit(&g, p, 60, true);
	}
	pcap_dump_close(g.d);
	pcap_close(dead);
	free(cs);
	printf("%llu\n", (unsigned long long)g.written);
	return 0;
}
