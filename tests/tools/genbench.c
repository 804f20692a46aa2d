/*
 * genbench.c - writes the benchmark workloads of `make bench`.
 *
 * Usage: genbench [-n PACKETS] [-f] [-q] DIR [WORKLOAD...]
 *
 * Workloads (classic pcap, microsecond time stamps, DLT_EN10MB):
 *   tcp64     64-byte TCP frames: 4096 concurrent conversations (SYN,
 *             SYN-ACK, ACK, data each way answered by an ACK, FIN
 *             handshake, then the slot opens a new conversation), so the
 *             flow table sees thousands of flows and steady churn.
 *   erspan2   the same inner frames, each wrapped in Ethernet / IPv4 /
 *             GRE (S bit, protocol 0x88BE) / ERSPAN type II header, as a
 *             switch mirroring to the sensor sends them; two sessions, each
 *             with its own GRE sequence counter (114-byte packets).
 *   imix      an IMIX-like mix: TCP conversations whose data segments are
 *             64, 594 or 1518 bytes and whose ACKs are 64 bytes, one tenth
 *             of the conversations over IPv6, and UDP datagrams (syslog,
 *             BACnet, DNS) sized by the same mix; about 7:4:1 by count.
 *   flows1m   one million distinct TCP conversations, SYN and SYN-ACK
 *             each, all within two seconds of capture time: the peak
 *             memory workload (2 M packets).
 *
 * Every workload is deterministic (fixed seed). Each file NAME.pcap gets a
 * NAME.info beside it ("packets N\nbytes B\n", bytes = captured frame
 * bytes) that bench/run.sh uses for Gbit/s. A workload whose .pcap and
 * .info already exist with the same packet count is kept (cached) unless
 * -f is given. Checksums are not computed (not needed by any reader here).
 * Addresses: clients 203.0.113.0/24 and 2001:db8:1::/64, servers
 * 198.51.100.0/24 and 2001:db8:2::/64 (documentation ranges).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ACTIVE_FLOWS 4096     /* concurrent conversations per workload */
#define PREFIX_PACKETS 200000 /* tshark prefix file: first N packets */

/* ---------------------------------------------------------------- output */

/* A buffered pcap writer. */
struct writer {
	FILE *f;             /* open output file */
	uint8_t *buf;        /* staging buffer */
	size_t used;         /* bytes staged */
	size_t cap;          /* buffer size */
	uint64_t packets;    /* records written */
	uint64_t bytes;      /* captured frame bytes written */
	uint64_t ts_us;      /* time stamp of the next record, us */
	uint32_t gap_us_x16; /* time between records, 1/16 us */
	uint32_t frac;       /* accumulated 1/16 us */
	struct writer *prefix; /* optional second writer for the first N */
	uint64_t prefix_max;   /* records to copy into prefix */
};

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void w_flush(struct writer *w)
{
	if (w->used && fwrite(w->buf, 1, w->used, w->f) != w->used) {
		perror("genbench: write");
		exit(1);
	}
	w->used = 0;
}

static int w_open(struct writer *w, const char *path, uint32_t gap_us_x16)
{
	memset(w, 0, sizeof(*w));
	w->f = fopen(path, "wb");
	if (!w->f) {
		fprintf(stderr, "genbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	w->cap = 4u << 20;
	w->buf = malloc(w->cap);
	if (!w->buf) {
		fclose(w->f);
		return -1;
	}
	w->ts_us = 1767225600ull * 1000000ull; /* 2026-01-01 00:00:00 UTC */
	w->gap_us_x16 = gap_us_x16;
	uint8_t hdr[24] = { 0 };
	put_le32(hdr, 0xa1b2c3d4);
	hdr[4] = 2; /* version 2.4 */
	hdr[6] = 4;
	put_le32(hdr + 16, 65535);   /* snaplen */
	put_le32(hdr + 20, 1);       /* DLT_EN10MB */
	memcpy(w->buf, hdr, sizeof(hdr));
	w->used = sizeof(hdr);
	return 0;
}

static void w_packet(struct writer *w, const uint8_t *frame, uint32_t len)
{
	uint64_t ts = w->ts_us;
	if (w->used + 16 + len > w->cap)
		w_flush(w);
	uint8_t *p = w->buf + w->used;
	put_le32(p, (uint32_t)(ts / 1000000));
	put_le32(p + 4, (uint32_t)(ts % 1000000));
	put_le32(p + 8, len);
	put_le32(p + 12, len);
	memcpy(p + 16, frame, len);
	w->used += 16 + len;
	w->packets++;
	w->bytes += len;
	w->frac += w->gap_us_x16;
	w->ts_us += w->frac / 16;
	w->frac %= 16;
	if (w->prefix && w->packets <= w->prefix_max) {
		w->prefix->ts_us = ts;
		w_packet(w->prefix, frame, len);
	}
}

static int w_close(struct writer *w)
{
	w_flush(w);
	int rc = fclose(w->f) == 0 ? 0 : -1;
	free(w->buf);
	w->buf = NULL;
	return rc;
}

/* ------------------------------------------------------------ randomness */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (uint32_t)(x >> 16);
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(((uint64_t)rnd() * n) >> 32);
}

/* ------------------------------------------------------- frame building */

/* One TCP conversation being generated. */
struct conv {
	bool v6;             /* IPv6 instead of IPv4 */
	uint8_t cli_host;    /* low byte of the client address */
	uint8_t srv_host;    /* low byte of the server address */
	uint16_t cport;      /* client port */
	uint16_t sport;      /* server port */
	uint32_t cseq;       /* next client sequence number */
	uint32_t sseq;       /* next server sequence number */
	uint16_t cid;        /* next client IPv4 ID */
	uint16_t sid;        /* next server IPv4 ID */
	uint32_t step;       /* packets emitted so far */
	uint32_t length;     /* data exchanges before the FIN handshake */
	bool data_from_srv;  /* the pending ACK answers server data */
};

static const uint16_t server_ports[] = { 502, 44818, 102, 20000, 4840, 443, 80, 2404 };
static uint32_t next_cport = 0;

static void conv_init(struct conv *c, bool allow_v6)
{
	memset(c, 0, sizeof(*c));
	c->v6 = allow_v6 && rnd_below(10) == 0;
	c->cli_host = (uint8_t)(1 + rnd_below(250));
	c->srv_host = (uint8_t)(1 + rnd_below(60));
	c->cport = (uint16_t)(32768 + (next_cport++ % 28000));
	c->sport = server_ports[rnd_below(sizeof(server_ports) / sizeof(server_ports[0]))];
	c->cseq = rnd();
	c->sseq = rnd();
	c->cid = (uint16_t)rnd();
	c->sid = (uint16_t)rnd();
	c->length = 200 + rnd_below(2000);
}

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static const uint8_t mac_cli[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
static const uint8_t mac_srv[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02 };

/*
 * Write an Ethernet / IPv4-or-6 / TCP frame of exactly frame_len bytes
 * (payload = what is left after the headers; smaller frames than the
 * headers need are raised to the minimum, with Ethernet padding to 60).
 * Returns the frame length.
 */
static uint32_t build_tcp(uint8_t *f, uint32_t frame_len, const struct conv *c,
			  bool from_cli, uint8_t flags, uint32_t seq, uint32_t ack,
			  uint16_t ipid, uint32_t payload)
{
	uint32_t hl = c->v6 ? 14 + 40 + 20 : 14 + 20 + 20;
	uint32_t len = hl + payload;
	if (len < 60)
		len = 60;
	if (frame_len > len)
		len = frame_len;
	memset(f, 0, len);
	memcpy(f, from_cli ? mac_srv : mac_cli, 6);
	memcpy(f + 6, from_cli ? mac_cli : mac_srv, 6);
	uint8_t *l4;
	if (!c->v6) {
		put_be16(f + 12, 0x0800);
		uint8_t *ip = f + 14;
		ip[0] = 0x45;
		put_be16(ip + 2, (uint16_t)(40 + payload));
		put_be16(ip + 4, ipid);
		ip[6] = 0x40; /* DF */
		ip[8] = 64;
		ip[9] = 6;
		uint8_t cli[4] = { 203, 0, 113, c->cli_host };
		uint8_t srv[4] = { 198, 51, 100, c->srv_host };
		memcpy(ip + 12, from_cli ? cli : srv, 4);
		memcpy(ip + 16, from_cli ? srv : cli, 4);
		l4 = ip + 20;
	} else {
		put_be16(f + 12, 0x86dd);
		uint8_t *ip = f + 14;
		ip[0] = 0x60;
		put_be16(ip + 4, (uint16_t)(20 + payload));
		ip[6] = 6;
		ip[7] = 64;
		uint8_t cli[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
		uint8_t srv[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2 };
		cli[15] = c->cli_host;
		srv[15] = c->srv_host;
		memcpy(ip + 8, from_cli ? cli : srv, 16);
		memcpy(ip + 24, from_cli ? srv : cli, 16);
		l4 = ip + 40;
	}
	put_be16(l4, from_cli ? c->cport : c->sport);
	put_be16(l4 + 2, from_cli ? c->sport : c->cport);
	put_be32(l4 + 4, seq);
	put_be32(l4 + 8, ack);
	l4[12] = 5 << 4;
	l4[13] = flags;
	put_be16(l4 + 14, 64240);
	for (uint32_t i = 0; i < payload; i++)
		l4[20 + i] = (uint8_t)(i * 7 + seq);
	return len;
}

/* Payload size for a data segment so that the frame is frame_len bytes. */
static uint32_t payload_for(const struct conv *c, uint32_t frame_len)
{
	uint32_t hl = c->v6 ? 74 : 54;
	return frame_len > hl ? frame_len - hl : 1;
}

/* IMIX-like frame size of a data segment or a datagram. */
static uint32_t imix_size(bool data_segment)
{
	/* ACKs are half the packets and 64 bytes; data segments are chosen so
	 * that the whole is close to 7 x 64 : 4 x 594 : 1 x 1518. */
	uint32_t r = rnd_below(12);
	if (data_segment)
		return r < 2 ? 64 : r < 10 ? 594 : 1518;
	return r < 7 ? 64 : r < 11 ? 594 : 1518;
}

/*
 * Emit the next frame of conversation c into f; returns its length and
 * sets *done when the conversation has ended. data_len(c) gives the frame
 * size of a data segment (0 = 64-byte frames throughout).
 */
static uint32_t conv_next(struct conv *c, uint8_t *f, bool imix, bool *done)
{
	*done = false;
	uint32_t s = c->step++;
	uint32_t fin_at = 3 + 2 * c->length;
	if (s == 0) {
		uint32_t n = build_tcp(f, 64, c, true, TCP_SYN, c->cseq, 0, c->cid++, 0);
		c->cseq++;
		return n;
	}
	if (s == 1) {
		uint32_t n = build_tcp(f, 64, c, false, TCP_SYN | TCP_ACK, c->sseq,
				       c->cseq, c->sid++, 0);
		c->sseq++;
		return n;
	}
	if (s == 2)
		return build_tcp(f, 64, c, true, TCP_ACK, c->cseq, c->sseq, c->cid++, 0);
	if (s < fin_at) {
		if ((s - 3) % 2 == 0) {
			/* a data segment, mostly client requests and server replies */
			c->data_from_srv = rnd_below(2) == 1;
			uint32_t flen = imix ? imix_size(true) : 64;
			uint32_t pl = payload_for(c, flen);
			uint32_t n;
			if (c->data_from_srv) {
				n = build_tcp(f, flen, c, false, TCP_ACK | TCP_PSH, c->sseq,
					      c->cseq, c->sid++, pl);
				c->sseq += pl;
			} else {
				n = build_tcp(f, flen, c, true, TCP_ACK | TCP_PSH, c->cseq,
					      c->sseq, c->cid++, pl);
				c->cseq += pl;
			}
			return n;
		}
		if (c->data_from_srv)
			return build_tcp(f, 64, c, true, TCP_ACK, c->cseq, c->sseq, c->cid++, 0);
		return build_tcp(f, 64, c, false, TCP_ACK, c->sseq, c->cseq, c->sid++, 0);
	}
	if (s == fin_at) {
		uint32_t n = build_tcp(f, 64, c, true, TCP_FIN | TCP_ACK, c->cseq,
				       c->sseq, c->cid++, 0);
		c->cseq++;
		return n;
	}
	if (s == fin_at + 1) {
		uint32_t n = build_tcp(f, 64, c, false, TCP_FIN | TCP_ACK, c->sseq,
				       c->cseq, c->sid++, 0);
		c->sseq++;
		return n;
	}
	*done = true;
	return build_tcp(f, 64, c, true, TCP_ACK, c->cseq, c->sseq, c->cid++, 0);
}

/* A UDP datagram of the IMIX workload (syslog / BACnet / DNS). */
static uint32_t build_udp(uint8_t *f, uint32_t frame_len, uint32_t n)
{
	static const uint16_t ports[] = { 514, 47808, 53, 161 };
	uint32_t len = frame_len < 60 ? 60 : frame_len;
	memset(f, 0, len);
	memcpy(f, mac_srv, 6);
	memcpy(f + 6, mac_cli, 6);
	put_be16(f + 12, 0x0800);
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(len - 14));
	put_be16(ip + 4, (uint16_t)n);
	ip[8] = 64;
	ip[9] = 17;
	uint8_t src[4] = { 203, 0, 113, (uint8_t)(1 + n % 200) };
	uint8_t dst[4] = { 198, 51, 100, (uint8_t)(200 + n % 50) };
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	uint8_t *u = ip + 20;
	put_be16(u, (uint16_t)(40000 + n % 1000));
	put_be16(u + 2, ports[n % 4]);
	put_be16(u + 4, (uint16_t)(len - 34));
	for (uint32_t i = 8; i < len - 34; i++)
		u[i] = (uint8_t)(i + n);
	return len;
}

/* ------------------------------------------------- ERSPAN II wrapping */

/* Wrap inner frame (len bytes) into Ethernet/IPv4/GRE/ERSPAN II. */
static uint32_t wrap_erspan2(uint8_t *out, const uint8_t *inner, uint32_t len,
			     uint16_t session, uint32_t seq, uint16_t ipid)
{
	static const uint8_t mac_sw[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x01 };
	static const uint8_t mac_sensor[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x02 };
	memcpy(out, mac_sensor, 6);
	memcpy(out + 6, mac_sw, 6);
	put_be16(out + 12, 0x0800);
	uint8_t *ip = out + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(20 + 8 + 8 + len));
	put_be16(ip + 4, ipid);
	ip[8] = 255;
	ip[9] = 47;
	uint8_t src[4] = { 198, 51, 100, 1 };
	uint8_t dst[4] = { 198, 51, 100, 2 };
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	uint8_t *gre = ip + 20;
	put_be16(gre, 0x1000); /* S bit, version 0 */
	put_be16(gre + 2, 0x88be);
	put_be32(gre + 4, seq);
	uint8_t *er = gre + 8;
	/* Ver(4)=1 | VLAN(12)=0; COS(3) En(2) T(1) SessionID(10); Reserved(12) Index(20) */
	put_be16(er, 0x1000);
	put_be16(er + 2, (uint16_t)((0u << 13) | (3u << 11) | (session & 0x3ff)));
	put_be32(er + 4, 7);
	memcpy(er + 8, inner, len);
	return 14 + 20 + 8 + 8 + len;
}

/* ------------------------------------------------------------ workloads */

enum workload { W_TCP64, W_ERSPAN2, W_IMIX, W_FLOWS1M, W__COUNT };
static const char *const wl_names[W__COUNT] = { "tcp64", "erspan2", "imix", "flows1m" };

static int write_info(const char *dir, const char *name, const struct writer *w)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.info", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "packets %llu\nbytes %llu\n", (unsigned long long)w->packets,
		(unsigned long long)w->bytes);
	return fclose(f);
}

/* True when DIR/NAME.pcap and a .info with the wanted packet count exist. */
static bool cached(const char *dir, const char *name, uint64_t want)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	if (access(path, R_OK) != 0)
		return false;
	snprintf(path, sizeof(path), "%s/%s-200k.pcap", dir, name);
	if (access(path, R_OK) != 0)
		return false;
	snprintf(path, sizeof(path), "%s/%s.info", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	unsigned long long n = 0;
	bool ok = fscanf(f, "packets %llu", &n) == 1 && n == want;
	fclose(f);
	return ok;
}

static int gen(const char *dir, enum workload wl, uint64_t npackets)
{
	const char *name = wl_names[wl];
	char path[4096], tmp[4096], ppath[4096], ptmp[4096];
	snprintf(path, sizeof(path), "%s/%s.pcap", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/%s.pcap.tmp", dir, name);
	snprintf(ppath, sizeof(ppath), "%s/%s-200k.pcap", dir, name);
	snprintf(ptmp, sizeof(ptmp), "%s/%s-200k.pcap.tmp", dir, name);

	struct writer w, pw;
	/* 1 M packets/s of capture time; flows1m packs 2 M packets in 2 s. */
	if (w_open(&w, tmp, 16) != 0 || w_open(&pw, ptmp, 16) != 0)
		return -1;
	w.prefix = &pw;
	w.prefix_max = PREFIX_PACKETS;
	rng_state = 0x9e3779b97f4a7c15ull + (uint64_t)wl;
	next_cport = 0;
	static uint8_t frame[2048], outer[2048];

	if (wl == W_FLOWS1M) {
		/* 1 M distinct conversations: client 203.0.113.(1..250) x port. */
		uint64_t flows = npackets / 2;
		for (uint64_t i = 0; i < flows; i++) {
			struct conv c;
			memset(&c, 0, sizeof(c));
			c.cli_host = (uint8_t)(1 + i % 250);
			c.cport = (uint16_t)(1024 + (i / 250) % 64000);
			c.srv_host = (uint8_t)(1 + (i / (250ull * 64000)) % 250);
			c.sport = 502;
			c.cseq = rnd();
			c.sseq = rnd();
			uint32_t n = build_tcp(frame, 64, &c, true, TCP_SYN, c.cseq, 0, 1, 0);
			w_packet(&w, frame, n);
			n = build_tcp(frame, 64, &c, false, TCP_SYN | TCP_ACK, c.sseq,
				      c.cseq + 1, 1, 0);
			w_packet(&w, frame, n);
		}
	} else {
		static struct conv convs[ACTIVE_FLOWS];
		bool imix = wl == W_IMIX;
		for (unsigned i = 0; i < ACTIVE_FLOWS; i++) {
			conv_init(&convs[i], imix);
			/* spread the ends so that churn is steady, not in waves */
			convs[i].length = 1 + rnd_below(2200);
		}
		uint32_t seq[2] = { 1, 1 };
		uint16_t ipid = 1;
		uint32_t udp_n = 0;
		while (w.packets < npackets) {
			uint32_t n;
			if (imix && rnd_below(10) == 0) {
				n = build_udp(frame, imix_size(false), udp_n++);
			} else {
				unsigned k = rnd_below(ACTIVE_FLOWS);
				bool done;
				n = conv_next(&convs[k], frame, imix, &done);
				if (done)
					conv_init(&convs[k], imix);
			}
			if (wl == W_ERSPAN2) {
				unsigned sess = rnd_below(2);
				uint32_t m = wrap_erspan2(outer, frame, n, (uint16_t)(100 + sess),
							  seq[sess]++, ipid++);
				w_packet(&w, outer, m);
			} else {
				w_packet(&w, frame, n);
			}
		}
	}
	if (w_close(&w) != 0 || w_close(&pw) != 0 || rename(tmp, path) != 0 ||
	    rename(ptmp, ppath) != 0) {
		fprintf(stderr, "genbench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return write_info(dir, name, &w);
}

static void usage(void)
{
	fprintf(stderr, "usage: genbench [-n PACKETS] [-f] [-q] DIR [tcp64|erspan2|imix|flows1m]...\n"
			"  -n  packets per workload (default 5000000; flows1m: 2 per flow, default 2000000)\n"
			"  -f  regenerate even when cached\n");
}

int main(int argc, char **argv)
{
	uint64_t n = 5000000;
	bool force = false, quiet = false, nset = false;
	int opt;
	while ((opt = getopt(argc, argv, "n:fqh")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			nset = true;
			break;
		case 'f':
			force = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 64;
		}
	}
	if (optind >= argc || n == 0) {
		usage();
		return 64;
	}
	const char *dir = argv[optind++];
	bool want[W__COUNT] = { false };
	if (optind == argc)
		for (int i = 0; i < W__COUNT; i++)
			want[i] = true;
	for (int a = optind; a < argc; a++) {
		int i;
		for (i = 0; i < W__COUNT; i++)
			if (!strcmp(argv[a], wl_names[i]))
				break;
		if (i == W__COUNT) {
			fprintf(stderr, "genbench: unknown workload '%s'\n", argv[a]);
			return 64;
		}
		want[i] = true;
	}
	for (int i = 0; i < W__COUNT; i++) {
		if (!want[i])
			continue;
		uint64_t count = n;
		if (i == W_FLOWS1M)
			count = nset ? (n + 1) / 2 * 2 : 2000000;
		if (!force && cached(dir, wl_names[i], count)) {
			if (!quiet)
				printf("genbench: %s cached\n", wl_names[i]);
			continue;
		}
		if (gen(dir, (enum workload)i, count) != 0)
			return 74;
		if (!quiet)
			printf("genbench: wrote %s/%s.pcap (%llu packets)\n", dir, wl_names[i],
			       (unsigned long long)count);
	}
	return 0;
}
