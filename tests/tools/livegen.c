/*
 * livegen.c - a bounded traffic generator and ring checker for the live
 * capture tests (tests/live/). Only for test namespaces: it sends on the
 * interface it is given, a counted number of frames at a bounded rate.
 *
 *   livegen send -i IF --dst-mac MAC --src IP --dst IP --kind KIND
 *               [--count N] [--pps R] [--session ID] [--vni N] [--port P]
 *               [--gap-every K]
 *     KIND: erspan2 (GRE 0x88BE, sequence numbers 1..N, ERSPAN II header),
 *           gre (GRE protocol 0x88BE without sequence: ERSPAN I),
 *           vxlan (UDP to --port, default 4789), udp (a plain frame).
 *     Each frame carries an inner Ethernet/IPv4/UDP frame 198.51.100.10:1000
 *     -> 198.51.100.20:5000 whose payload holds the frame number.
 *     IPv6 addresses for --src/--dst give an IPv6 outer header (gre/erspan2).
 *     --gap-every K (erspan2): after every K-th frame one sequence number is
 *     left out, so the receiver must count count/K lost packets exactly.
 *
 *   livegen ring -i IF [--seconds S] [--count N] [--dir rx|tx|both] [-f BPF]
 *     Reads the interface through the afpacket API and prints one line:
 *     "frames N outgoing O vlan_reinserted V tagged T kernel_packets P kernel_drops D"
 *     (tagged: frames whose bytes 12-13 are 0x8100 as handed out).
 *     With --ready FILE it creates FILE once the ring is open.
 *
 * Wire formats: RFC 791 (IPv4), RFC 8200 (IPv6), RFC 2784/2890 (GRE with
 * sequence), draft-foschiano-erspan (ERSPAN II), RFC 7348 (VXLAN).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "capture/afpacket.h"
#include "send/send.h"

#define LG_MAX_COUNT 1000000u
#define LG_MAX_PPS 200000u
#define LG_FRAME_MAX 512

struct lg_opts {
	const char *ifname;   /* interface to send on / read */
	const char *kind;     /* send: erspan2, gre, vxlan, udp */
	uint8_t dst_mac[6];   /* send: outer destination MAC */
	bool have_mac;        /* --dst-mac given */
	int family;           /* 4 or 6, from --src/--dst */
	uint8_t src[16];      /* outer source address */
	uint8_t dst[16];      /* outer destination address */
	unsigned count;       /* frames to send / to wait for */
	unsigned pps;         /* send rate */
	unsigned session;     /* ERSPAN session ID */
	unsigned vni;         /* VXLAN VNI */
	unsigned port;        /* VXLAN UDP port */
	double seconds;       /* ring: how long to read */
	const char *dir;      /* ring: rx, tx, both */
	const char *bpf;      /* ring: filter */
	const char *ready;    /* ring: file created when open */
	unsigned gap_every;   /* send: leave a sequence number out after every K frames */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Inner frame: Ethernet / IPv4 / UDP, payload = frame number. */
static size_t inner_frame(uint8_t *f, uint32_t n)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0, 0x20 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0, 0x10 };
	const size_t plen = 18;
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, ETH_P_IP);
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 8 + plen));
	put16(ip + 4, (uint16_t)n);
	ip[8] = 64;
	ip[9] = 17;
	const uint8_t a[4] = { 198, 51, 100, 10 }, b[4] = { 198, 51, 100, 20 };
	memcpy(ip + 12, a, 4);
	memcpy(ip + 16, b, 4);
	put16(ip + 10, csum(ip, 20));
	uint8_t *udp = ip + 20;
	put16(udp, 1000);
	put16(udp + 2, 5000);
	put16(udp + 4, (uint16_t)(8 + plen));
	put16(udp + 6, 0);
	memset(udp + 8, 0, plen);
	put32(udp + 8, n);
	return 14 + 20 + 8 + plen;
}

/* Outer Ethernet + IP header for payload_len bytes of protocol proto. */
static size_t outer_ip(uint8_t *f, const struct lg_opts *o, const uint8_t *smac, uint8_t proto,
		       size_t payload_len)
{
	memcpy(f, o->dst_mac, 6);
	memcpy(f + 6, smac, 6);
	if (o->family == 6) {
		put16(f + 12, ETH_P_IPV6);
		uint8_t *ip = f + 14;
		memset(ip, 0, 40);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)payload_len);
		ip[6] = proto;
		ip[7] = 64;
		memcpy(ip + 8, o->src, 16);
		memcpy(ip + 24, o->dst, 16);
		return 14 + 40;
	}
	put16(f + 12, ETH_P_IP);
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + payload_len));
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, o->src, 4);
	memcpy(ip + 16, o->dst, 4);
	put16(ip + 10, csum(ip, 20));
	return 14 + 20;
}

static size_t build(uint8_t *f, const struct lg_opts *o, const uint8_t *smac, uint32_t n,
		    uint32_t seqno)
{
	uint8_t inner[128];
	size_t il = inner_frame(inner, n);

	if (!strcmp(o->kind, "udp"))
		return (memcpy(f, inner, il), il);
	if (!strcmp(o->kind, "erspan2") || !strcmp(o->kind, "gre")) {
		bool seq = !strcmp(o->kind, "erspan2");
		size_t gl = seq ? 8 + 8 : 4;
		size_t h = outer_ip(f, o, smac, 47, gl + il);
		uint8_t *g = f + h;
		if (seq) {
			/* GRE with sequence number + ERSPAN II header, built by the
			 * send module as `mirror --to erspan2://` does: ver 1, VLAN
			 * 0, COS 0 (TOS 0), En 0, T 0, the session; index 0. */
			static struct send_dest d; /* large (send batch): not on the stack */
			d.session = (uint16_t)(o->session & 0x3ff);
			d.index = 0;
			d.seq = seqno;
			struct send_frame fr = { .data = inner, .caplen = (uint32_t)il,
						 .wirelen = (uint32_t)il };
			uint32_t split = 0;
			uint8_t extra[SEND_HDR_MAX];
			size_t nextra = 0;
			gl = send_erspan2_ops.header(&d, &fr, g, &split, extra, &nextra);
		} else {
			put16(g, 0x0000); /* ERSPAN I: plain GRE, no sequence number */
			put16(g + 2, 0x88BE);
		}
		memcpy(g + gl, inner, il);
		return h + gl + il;
	}
	/* vxlan */
	size_t h = outer_ip(f, o, smac, 17, 8 + 8 + il);
	uint8_t *u = f + h;
	put16(u, (uint16_t)(40000 + (n % 1000)));
	put16(u + 2, (uint16_t)o->port);
	put16(u + 4, (uint16_t)(8 + 8 + il));
	put16(u + 6, 0);
	uint8_t *v = u + 8;
	memset(v, 0, 8);
	v[0] = 0x08;
	put32(v + 4, o->vni << 8);
	memcpy(v + 8, inner, il);
	return h + 16 + il;
}

static int parse_mac(const char *s, uint8_t *m)
{
	unsigned v[6];
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		m[i] = (uint8_t)v[i];
	}
	return 0;
}

static int parse_addr(const char *s, uint8_t *a, int *family)
{
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*family = 6;
		return 0;
	}
	return -1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const struct lg_opts *o)
{
	if (!o->have_mac && strcmp(o->kind, "udp")) {
		fprintf(stderr, "livegen: --dst-mac needed\n");
		return 2;
	}
	if (strcmp(o->kind, "erspan2") && strcmp(o->kind, "gre") && strcmp(o->kind, "vxlan") &&
	    strcmp(o->kind, "udp")) {
		fprintf(stderr, "livegen: unknown --kind '%s'\n", o->kind);
		return 2;
	}
	if (!o->family && strcmp(o->kind, "udp")) {
		fprintf(stderr, "livegen: --src and --dst needed\n");
		return 2;
	}
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("livegen: socket");
		return 1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", o->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		fprintf(stderr, "livegen: %s: %s\n", o->ifname, strerror(errno));
		close(fd);
		return 1;
	}
	uint8_t smac[6];
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(o->ifname);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, o->dst_mac, 6);

	uint8_t frame[LG_FRAME_MAX];
	double t0 = now_s(), gap = 1.0 / o->pps;
	unsigned sent = 0;
	for (unsigned i = 1; i <= o->count; i++) {
		uint32_t seqno = i + (o->gap_every ? (i - 1) / o->gap_every : 0);
		size_t len = build(frame, o, smac, i, seqno);
		double due = t0 + (i - 1) * gap;
		while (now_s() < due) {
			struct timespec ts = { 0, 100000 };
			nanosleep(&ts, NULL);
		}
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof sll) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				i--; /* queue full: wait and send the same frame again */
				struct timespec ts = { 0, 1000000 };
				nanosleep(&ts, NULL);
				continue;
			}
			fprintf(stderr, "livegen: sendto: %s\n", strerror(errno));
			close(fd);
			return 1;
		}
		sent++;
	}
	close(fd);
	printf("sent %u\n", sent);
	return 0;
}

static int do_ring(const struct lg_opts *o)
{
	struct afp_opts ao;
	char err[256];
	afp_opts_default(&ao);
	ao.bpf = o->bpf;
	if (!strcmp(o->dir, "rx"))
		ao.dir = AFP_DIR_RX;
	else if (!strcmp(o->dir, "tx"))
		ao.dir = AFP_DIR_TX;
	struct afp_ring *r = afp_open(o->ifname, &ao, err, sizeof err);
	if (!r) {
		fprintf(stderr, "livegen: %s (errno %d)\n", err, errno);
		return errno == ENODEV ? 66 : 71;
	}
	if (o->ready) {
		FILE *f = fopen(o->ready, "w");
		if (f)
			fclose(f);
	}
	uint64_t frames = 0, outgoing = 0, tagged = 0;
	double end = now_s() + o->seconds;
	while (now_s() < end && (!o->count || frames < o->count)) {
		if (afp_poll(&r, 1, 50) < 0)
			break;
		struct afp_frame f;
		while (afp_next(r, &f) == 1) {
			frames++;
			outgoing += f.pkttype == PACKET_OUTGOING;
			tagged += f.caplen >= 14 && f.data[12] == 0x81 && f.data[13] == 0x00;
		}
	}
	struct afp_stats st;
	afp_stats(r, &st);
	printf("frames %llu outgoing %llu vlan_reinserted %llu tagged %llu kernel_packets %llu kernel_drops %llu\n",
	       (unsigned long long)frames, (unsigned long long)outgoing,
	       (unsigned long long)st.vlan_reinserted, (unsigned long long)tagged,
	       (unsigned long long)st.kernel_packets, (unsigned long long)st.kernel_drops);
	afp_close(r);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "kind", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'n' },
		{ "pps", required_argument, NULL, 'r' },
		{ "session", required_argument, NULL, 'S' },
		{ "vni", required_argument, NULL, 'V' },
		{ "port", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 't' },
		{ "dir", required_argument, NULL, 'D' },
		{ "filter", required_argument, NULL, 'f' },
		{ "ready", required_argument, NULL, 'R' },
		{ "gap-every", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	struct lg_opts o;
	memset(&o, 0, sizeof o);
	o.kind = "erspan2";
	o.count = 10;
	o.pps = 1000;
	o.session = 1;
	o.vni = 42;
	o.port = 4789;
	o.seconds = 5;
	o.dir = "both";
	if (argc < 2 || (strcmp(argv[1], "send") && strcmp(argv[1], "ring"))) {
		fprintf(stderr, "usage: livegen send|ring -i IF [options] (see livegen.c)\n");
		return 2;
	}
	const char *mode = argv[1];
	int c, fam2 = 0;
	optind = 2;
	while ((c = getopt_long(argc, argv, "i:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o.ifname = optarg; break;
		case 'm':
			if (parse_mac(optarg, o.dst_mac)) {
				fprintf(stderr, "livegen: bad MAC '%s'\n", optarg);
				return 2;
			}
			o.have_mac = true;
			break;
		case 's':
			if (parse_addr(optarg, o.src, &o.family))
				return 2;
			break;
		case 'd':
			if (parse_addr(optarg, o.dst, &fam2))
				return 2;
			break;
		case 'k': o.kind = optarg; break;
		case 'n': o.count = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': o.pps = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': o.session = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'V': o.vni = (unsigned)strtoul(optarg, NULL, 10) & 0xffffff; break;
		case 'p': o.port = (unsigned)strtoul(optarg, NULL, 10) & 0xffff; break;
		case 't': o.seconds = strtod(optarg, NULL); break;
		case 'D': o.dir = optarg; break;
		case 'f': o.bpf = optarg; break;
		case 'R': o.ready = optarg; break;
		case 'G': o.gap_every = (unsigned)strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!o.ifname) {
		fprintf(stderr, "livegen: -i IF needed\n");
		return 2;
	}
	if (o.family && fam2 != o.family) {
		fprintf(stderr, "livegen: --src and --dst must be the same family\n");
		return 2;
	}
	if (o.count > LG_MAX_COUNT || o.pps == 0 || o.pps > LG_MAX_PPS || o.seconds <= 0 ||
	    o.seconds > 600) {
		fprintf(stderr, "livegen: count <= %u, pps 1..%u, seconds 0..600\n", LG_MAX_COUNT,
			LG_MAX_PPS);
		return 2;
	}
	if (o.family == 6 && !strcmp(o.kind, "vxlan")) {
		fprintf(stderr, "livegen: vxlan over IPv6 is not generated\n");
		return 2;
	}
	return !strcmp(mode, "send") ? do_send(&o) : do_ring(&o);
}
