/*
 * cmd_mirror.c - `mirrorsense mirror`: a software SPAN / RSPAN / ERSPAN /
 * VXLAN / GRE mirror source.
 *
 *   mirrorsense mirror -i IF[:rx|tx|both] [-i IF2 ...] --to DEST [--to ...]
 *                      [--copy | --balance] [-f BPF] [--snap N] [--vlan LIST]
 *                      [--pps N] [--bps N] [--duration S] [--count N]
 *                      [--status S] [--hw-timestamps] [--allow-mirrored-path]
 *
 * (docs/mirror.md has the whole story.)
 * Frames are captured with AF_PACKET TPACKET_V3 rings (capture/afpacket.h),
 * one per interface, with the direction chosen per interface as a switch's
 * SPAN source does. Each frame is copied once into a batch slot (the ring
 * block it came from may go back to the kernel before the batch is sent),
 * given to every destination (--copy, the default) or to one chosen by a
 * symmetric hash of its inner 5-tuple (--balance), checked against that
 * destination's rate limit, and sent with one sendmmsg() per destination
 * and batch. The mirror refuses to start when a destination would leave by
 * a mirrored interface (span/rspan always; an IP destination unless
 * --allow-mirrored-path), and its capture filter refuses its own output
 * whatever the interfaces (send/selfexcl.h).
 *
 * Status lines (every --status seconds, stderr) and the final summary
 * (stdout, also after SIGINT / SIGTERM) report frames captured, copies
 * sent, copies dropped by the rate limit, frames dropped by the kernel and
 * send errors; the summary also has one line per interface and destination.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "app/commands.h"
#include "app/run.h"
#include "capture/afpacket.h"
#include "core/event.h"
#include "send/balance.h"
#include "send/ratelimit.h"
#include "send/selfexcl.h"
#include "send/send.h"

#define MIRROR_MAX_IFS 16          /* -i interfaces per run */
#define MIRROR_DRAIN 256           /* frames taken from one ring per turn */
#define MIRROR_SLOT_BYTES 65536u   /* largest frame copied (longer: truncated) */
#define MIRROR_POLL_MS 100         /* wake-up for status lines and --duration */
#define MIRROR_FINAL_DRAIN 65536u  /* frames still mirrored per ring after a stop */
#define MIRROR_SETTLE_US 30000     /* > the ring's block timeout (10 ms) */

/* One mirrored interface. */
struct mirror_if {
	char name[IF_NAMESIZE];    /* interface name */
	enum afp_dir dir;          /* rx, tx or both */
	int ifindex;               /* kernel index, for the loop check */
	struct afp_ring *ring;     /* its capture ring */
	uint64_t captured;         /* frames taken from the ring */
	struct afp_stats st;       /* the ring's counters (last read) */
};

/* Everything one run owns. */
struct mirror {
	struct mirror_if ifs[MIRROR_MAX_IFS];
	unsigned nifs;
	struct send_dest *dests;   /* SEND_MAX_DESTS of them (heap: they are big) */
	struct ratelimit rl[SEND_MAX_DESTS]; /* one bucket pair per destination */
	unsigned ndests;
	bool balance;              /* --balance (else every copy to every dest) */
	bool need_hash;            /* --balance or a destination uses the flow hash */
	uint32_t snap;             /* --snap: bytes kept per frame, 0 = all */
	bool vlan_filter;          /* --vlan given */
	uint8_t vlan_ok[4096 / 8]; /* VLAN IDs admitted (0 = untagged frames) */
	uint64_t pps, bps;         /* --pps / --bps per destination */

	uint8_t *slots;            /* SEND_BATCH * MIRROR_SLOT_BYTES frame copies */
	unsigned nslots;           /* slots filled since the last flush */

	uint64_t captured;         /* frames taken from the rings */
	uint64_t vlan_skipped;     /* frames refused by --vlan */
	uint64_t truncated;        /* frames cut by --snap */
	struct event_counts ev;    /* send.* events (runts, oversize frames) */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: mirrorsense mirror -i IF[:rx|tx|both] [-i IF ...] --to DEST [--to DEST ...]\n"
"                          [options]\n"
"destinations:\n"
"  span:IF                              the frames out of local interface IF\n"
"  rspan:IF:VLAN                        the frames with an added 802.1Q tag VLAN\n"
"  erspan2://ADDR?session=N&index=M     ERSPAN type II over GRE (session 1-1023)\n"
"  erspan3://ADDR?session=N&hwid=H&gra=100ns|100us  ERSPAN type III over GRE\n"
"  vxlan://ADDR[:PORT]?vni=N            VXLAN over UDP (port 4789)\n"
"  gre://ADDR[?key=N][&seq=0]           GRE transparent Ethernet bridging\n"
"  (ADDR: IPv4, or IPv6 in brackets)\n"
"options:\n"
"  -i IF[:DIR]        mirror interface IF, direction rx, tx or both (default)\n"
"  --to DEST          send copies to DEST (repeatable)\n"
"  --copy             every frame to every destination (default)\n"
"  --balance          each flow to one destination (symmetric 5-tuple hash)\n"
"  -f EXPR            capture filter (libpcap syntax)\n"
"  --snap N           keep at most N bytes of each frame (ERSPAN T bit set)\n"
"  --vlan LIST        only frames of these VLAN IDs (comma list, 0 = untagged)\n"
"  --pps N            at most N copies/s per destination (excess dropped)\n"
"  --bps N            at most N bits/s per destination (k, M, G suffixes)\n"
"  --duration S       stop after S seconds\n"
"  --count N          stop after N captured frames\n"
"  --status S         status line on stderr every S seconds (default 10, 0 = off)\n"
"  --hw-timestamps    ask the NICs for hardware receive timestamps (ERSPAN III)\n"
"  --allow-mirrored-path  allow IP destinations routed over a mirrored interface\n"
"                     (own copies are never captured; they load that link)\n");
}

/* ---- counters and reports ---- */

/* Sums over destinations and interfaces, for status lines and the summary. */
struct mirror_totals {
	uint64_t sent;          /* copies the kernel accepted */
	uint64_t errors;        /* copies the kernel refused */
	uint64_t ratelimited;   /* copies dropped by the rate limits */
	uint64_t kernel_drops;  /* frames the capture rings lost */
};

static void totals(struct mirror *m, struct mirror_totals *t)
{
	memset(t, 0, sizeof *t);
	for (unsigned i = 0; i < m->ndests; i++) {
		t->sent += m->dests[i].st.packets;
		t->errors += m->dests[i].st.errors;
		t->ratelimited += m->rl[i].dropped;
	}
	for (unsigned i = 0; i < m->nifs; i++) {
		afp_stats(m->ifs[i].ring, &m->ifs[i].st);
		t->kernel_drops += m->ifs[i].st.kernel_drops;
	}
}

static void status_line(struct mirror *m, double elapsed)
{
	struct mirror_totals t;
	totals(m, &t);
	fprintf(stderr, "mirror: %.0fs captured=%" PRIu64 " sent=%" PRIu64
		" ratelimit_dropped=%" PRIu64 " kernel_dropped=%" PRIu64
		" send_errors=%" PRIu64 "\n",
		elapsed, m->captured, t.sent, t.ratelimited, t.kernel_drops, t.errors);
	fflush(stderr);
}

static const char *dir_name(enum afp_dir d)
{
	return d == AFP_DIR_RX ? "rx" : d == AFP_DIR_TX ? "tx" : "both";
}

static void summary(struct mirror *m, double elapsed)
{
	struct mirror_totals t;
	totals(m, &t);
	printf("mirror: %.1fs captured=%" PRIu64 " sent=%" PRIu64
	       " ratelimit_dropped=%" PRIu64 " kernel_dropped=%" PRIu64
	       " send_errors=%" PRIu64 " vlan_skipped=%" PRIu64
	       " truncated=%" PRIu64 "\n",
	       elapsed, m->captured, t.sent, t.ratelimited, t.kernel_drops,
	       t.errors, m->vlan_skipped, m->truncated);
	for (unsigned i = 0; i < m->nifs; i++) {
		const struct mirror_if *mi = &m->ifs[i];
		printf("interface %s dir=%s captured=%" PRIu64 " kernel_dropped=%" PRIu64
		       " kernel_freezes=%" PRIu64 "\n", mi->name, dir_name(mi->dir),
		       mi->captured, mi->st.kernel_drops, mi->st.kernel_freezes);
	}
	for (unsigned e = 0; e < EV__COUNT; e++)
		if (m->ev.n[e])
			printf("event %s=%" PRIu64 "\n", event_name((enum event_id)e), m->ev.n[e]);
	for (unsigned i = 0; i < m->ndests; i++) {
		const struct send_dest *d = &m->dests[i];
		printf("destination %s sent=%" PRIu64 " bytes=%" PRIu64
		       " ratelimit_dropped=%" PRIu64 " send_errors=%" PRIu64
		       " truncated=%" PRIu64 "\n", d->spec, d->st.packets, d->st.bytes,
		       m->rl[i].dropped, d->st.errors, d->st.truncated);
	}
	fflush(stdout);
}

/* ---- the hot path ---- */

static void flush_all(struct mirror *m)
{
	for (unsigned i = 0; i < m->ndests; i++)
		if (m->dests[i].nqueued)
			send_dest_flush(&m->dests[i]);
	m->nslots = 0;
}

/* VLAN ID of a frame (tags are back in place), 0 when untagged. */
static unsigned frame_vid(const uint8_t *p, uint32_t caplen)
{
	if (caplen < 18)
		return 0;
	uint16_t tpid = (uint16_t)((p[12] << 8) | p[13]);
	if (tpid != 0x8100 && tpid != 0x88a8 && tpid != 0x9100)
		return 0;
	return (unsigned)(((p[14] << 8) | p[15]) & 0x0FFF);
}

static void mirror_frame(struct mirror *m, unsigned ifi, const struct afp_frame *af)
{
	m->captured++;
	m->ifs[ifi].captured++;
	if (m->vlan_filter) {
		unsigned vid = frame_vid(af->data, af->caplen);
		if (!(m->vlan_ok[vid / 8] & (1u << (vid % 8)))) {
			m->vlan_skipped++;
			return;
		}
	}
	uint32_t len = af->caplen;
	if (len < 14)
		event_count(&m->ev, EV_SEND_RUNT_FRAME);
	if (m->snap && len > m->snap)
		len = m->snap;
	if (len > MIRROR_SLOT_BYTES) {
		event_count(&m->ev, EV_SEND_FRAME_TOO_LONG);
		len = MIRROR_SLOT_BYTES;
	}
	if (len < af->wirelen && len < af->caplen)
		m->truncated++;

	if (m->nslots == SEND_BATCH)
		flush_all(m);
	uint8_t *slot = m->slots + (size_t)m->nslots * MIRROR_SLOT_BYTES;
	memcpy(slot, af->data, len);
	m->nslots++;

	struct send_frame f = {
		.data = slot,
		.caplen = len,
		.wirelen = af->wirelen,
		.ts_ns = af->ts_ns,
		.dir = af->pkttype == PACKET_OUTGOING ? SEND_DIR_TX : SEND_DIR_RX,
		.port_index = (uint16_t)ifi,
	};
	unsigned first = 0, last = m->ndests;
	if (m->need_hash)
		f.flow_hash = balance_hash(slot, len); /* once per frame */
	if (m->balance && m->ndests > 1) {
		first = balance_pick(f.flow_hash, m->ndests);
		last = first + 1;
	}
	uint64_t now = (m->pps || m->bps) ? mono_ns() : 0;
	for (unsigned i = first; i < last; i++) {
		if (!ratelimit_admit(&m->rl[i], now, len))
			continue;
		send_dest_add(&m->dests[i], &f);
	}
}

/* ---- setup ---- */

static int parse_if(struct mirror *m, const char *arg)
{
	if (m->nifs == MIRROR_MAX_IFS) {
		fprintf(stderr, "mirror: at most %d interfaces\n", MIRROR_MAX_IFS);
		return -1;
	}
	struct mirror_if *mi = &m->ifs[m->nifs];
	memset(mi, 0, sizeof *mi);
	mi->dir = AFP_DIR_BOTH;
	size_t n = strlen(arg);
	const char *colon = strrchr(arg, ':');
	if (colon) {
		const char *d = colon + 1;
		if (!strcmp(d, "rx"))
			mi->dir = AFP_DIR_RX;
		else if (!strcmp(d, "tx"))
			mi->dir = AFP_DIR_TX;
		else if (!strcmp(d, "both"))
			mi->dir = AFP_DIR_BOTH;
		else {
			fprintf(stderr, "mirror: -i %s: direction must be rx, tx or both\n", arg);
			return -1;
		}
		n = (size_t)(colon - arg);
	}
	if (n == 0 || n >= sizeof mi->name) {
		fprintf(stderr, "mirror: -i %s: bad interface name\n", arg);
		return -1;
	}
	memcpy(mi->name, arg, n);
	mi->name[n] = 0;
	for (unsigned i = 0; i < m->nifs; i++)
		if (!strcmp(m->ifs[i].name, mi->name)) {
			fprintf(stderr, "mirror: -i %s given twice (use :both)\n", mi->name);
			return -1;
		}
	m->nifs++;
	return 0;
}

static int parse_vlans(struct mirror *m, const char *arg)
{
	char buf[1024];
	if (strlen(arg) >= sizeof buf)
		return -1;
	strcpy(buf, arg);
	char *save = NULL;
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned long v;
		if (send_parse_uint(t, 0, 4095, &v))
			return -1;
		m->vlan_ok[v / 8] |= (uint8_t)(1u << (v % 8));
	}
	m->vlan_filter = true;
	return 0;
}

/* Hardware receive timestamps (Documentation/networking/timestamping.rst):
 * the NIC stamps every frame (SIOCSHWTSTAMP, HWTSTAMP_FILTER_ALL) and the
 * ring reports that stamp (PACKET_TIMESTAMP); ERSPAN III carries it. A NIC
 * that cannot leaves the kernel's software stamps, with a note. */
static void hw_timestamps(const char *ifname, int fd)
{
	struct hwtstamp_config cfg;
	struct ifreq ifr;
	memset(&cfg, 0, sizeof cfg);
	memset(&ifr, 0, sizeof ifr);
	cfg.tx_type = HWTSTAMP_TX_OFF;
	cfg.rx_filter = HWTSTAMP_FILTER_ALL;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&cfg;
	int req = SOF_TIMESTAMPING_RAW_HARDWARE;
	if (ioctl(fd, SIOCSHWTSTAMP, &ifr) ||
	    setsockopt(fd, SOL_PACKET, PACKET_TIMESTAMP, &req, sizeof req)) {
		fprintf(stderr, "mirror: %s: no hardware timestamps (%s), using the "
			"kernel's\n", ifname, strerror(errno));
		return;
	}
	fprintf(stderr, "mirror: %s: hardware timestamps on\n", ifname);
}

/* A destination that leaves by a mirrored interface would have its copies
 * mirrored again (or flood the mirrored link): refuse it. */
static int loop_check(struct mirror *m, bool allow_path)
{
	char err[256];
	for (unsigned i = 0; i < m->ndests; i++) {
		struct send_dest *d = &m->dests[i];
		int oif = send_dest_out_ifindex(d, err, sizeof err);
		if (oif < 0) {
			fprintf(stderr, "mirror: %s\n", err);
			return -1;
		}
		for (unsigned j = 0; j < m->nifs; j++) {
			if (!oif || oif != m->ifs[j].ifindex)
				continue;
			if (d->ops->ip && allow_path) {
				fprintf(stderr, "mirror: note: --to %s leaves by %s, a "
					"mirrored interface: its copies are not captured "
					"again, but they add to that link's load\n",
					d->spec, m->ifs[j].name);
				continue;
			}
			fprintf(stderr, "mirror: refusing --to %s: it leaves by %s, "
				"a mirrored interface, so its copies would loop back "
				"into the mirror%s\n", d->spec, m->ifs[j].name,
				d->ops->ip ? " (--allow-mirrored-path sends over it "
				"anyway: the mirror never captures its own copies, but "
				"they load the mirrored link)" : "");
			return -1;
		}
	}
	return 0;
}

int cmd_mirror(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "to", required_argument, NULL, 't' },
		{ "copy", no_argument, NULL, 'C' },
		{ "balance", no_argument, NULL, 'B' },
		{ "filter", required_argument, NULL, 'f' },
		{ "snap", required_argument, NULL, 's' },
		{ "vlan", required_argument, NULL, 'V' },
		{ "pps", required_argument, NULL, 'p' },
		{ "bps", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "status", required_argument, NULL, 'S' },
		{ "hw-timestamps", no_argument, NULL, 'H' },
		{ "allow-mirrored-path", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct mirror m;
	memset(&m, 0, sizeof m);
	const char *tos[SEND_MAX_DESTS];
	const char *bpf = NULL;
	double duration = 0, status_s = 10;
	uint64_t count = 0;
	bool copy = false, hwts = false, allow_path = false;
	unsigned long v;
	int rc = EXIT_USAGE, opt;
	char err[512];

	optind = 1;
	while ((opt = getopt_long(argc, argv, "i:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (parse_if(&m, optarg))
				return EXIT_USAGE;
			break;
		case 't':
			if (m.ndests == SEND_MAX_DESTS) {
				fprintf(stderr, "mirror: at most %d destinations\n", SEND_MAX_DESTS);
				return EXIT_USAGE;
			}
			tos[m.ndests++] = optarg;
			break;
		case 'C':
			copy = true;
			break;
		case 'B':
			m.balance = true;
			break;
		case 'f':
			bpf = optarg;
			break;
		case 's':
			if (send_parse_uint(optarg, 14, 65535, &v)) {
				fprintf(stderr, "mirror: --snap must be 14-65535\n");
				return EXIT_USAGE;
			}
			m.snap = (uint32_t)v;
			break;
		case 'V':
			if (parse_vlans(&m, optarg)) {
				fprintf(stderr, "mirror: --vlan wants a comma list of 0-4095\n");
				return EXIT_USAGE;
			}
			break;
		case 'p':
			if (ratelimit_parse(optarg, &m.pps) || !m.pps) {
				fprintf(stderr, "mirror: bad --pps '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'b':
			if (ratelimit_parse(optarg, &m.bps) || !m.bps) {
				fprintf(stderr, "mirror: bad --bps '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'd':
		case 'S': {
			char *end;
			double x = strtod(optarg, &end);
			if (*end || end == optarg || x < 0 || x > 1e7) {
				fprintf(stderr, "mirror: bad number of seconds '%s'\n", optarg);
				return EXIT_USAGE;
			}
			if (opt == 'd')
				duration = x;
			else
				status_s = x;
			break;
		}
		case 'c':
			if (send_parse_uint(optarg, 1, ULONG_MAX, &v)) {
				fprintf(stderr, "mirror: bad --count '%s'\n", optarg);
				return EXIT_USAGE;
			}
			count = v;
			break;
		case 'H':
			hwts = true;
			break;
		case 'A':
			allow_path = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mirror: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!m.nifs || !m.ndests) {
		fprintf(stderr, "mirror: needs at least one -i IF and one --to DEST\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (copy && m.balance) {
		fprintf(stderr, "mirror: --copy and --balance exclude each other\n");
		return EXIT_USAGE;
	}

	m.dests = calloc(SEND_MAX_DESTS, sizeof *m.dests);
	m.slots = malloc((size_t)SEND_BATCH * MIRROR_SLOT_BYTES);
	if (!m.dests || !m.slots) {
		fprintf(stderr, "mirror: out of memory\n");
		rc = EXIT_SOFTWARE;
		goto out;
	}
	for (unsigned i = 0; i < m.ndests; i++)
		m.dests[i].fd = -1;
	for (unsigned i = 0; i < m.ndests; i++) {
		if (send_dest_parse(&m.dests[i], tos[i], err, sizeof err)) {
			m.dests[i].fd = -1;
			fprintf(stderr, "mirror: %s\n", err);
			goto out;
		}
		for (unsigned j = 0; j < m.nifs; j++)
			if (!m.dests[i].ops->ip && !strcmp(m.dests[i].ifname, m.ifs[j].name)) {
				fprintf(stderr, "mirror: refusing --to %s: %s is a mirrored "
					"interface, its copies would loop back into the "
					"mirror\n", tos[i], m.ifs[j].name);
				goto out;
			}
	}
	for (unsigned j = 0; j < m.nifs; j++) {
		m.ifs[j].ifindex = (int)if_nametoindex(m.ifs[j].name);
		if (!m.ifs[j].ifindex) {
			fprintf(stderr, "mirror: no such interface '%s'\n", m.ifs[j].name);
			rc = EXIT_NOINPUT;
			goto out;
		}
	}
	if (loop_check(&m, allow_path))
		goto out;

	rc = EXIT_OSERR;
	for (unsigned i = 0; i < m.ndests; i++)
		if (send_dest_open(&m.dests[i], err, sizeof err)) {
			fprintf(stderr, "mirror: %s\n", err);
			rc = errno == ENODEV ? EXIT_NOINPUT : EXIT_OSERR;
			goto out;
		}
	uint64_t t0 = mono_ns();
	m.need_hash = m.balance && m.ndests > 1;
	for (unsigned i = 0; i < m.ndests; i++) {
		ratelimit_init(&m.rl[i], m.pps, m.bps, t0);
		m.need_hash |= send_needs_hash(&m.dests[i]);
	}

	struct afp_ring *rings[MIRROR_MAX_IFS];
	for (unsigned j = 0; j < m.nifs; j++) {
		struct afp_opts o;
		afp_opts_default(&o);
		o.dir = m.ifs[j].dir;
		o.ignore_outgoing = m.ifs[j].dir == AFP_DIR_RX;
		o.reinsert_vlan = true;
		o.bpf = NULL; /* our own filter below: self-exclusion + -f */
		m.ifs[j].ring = afp_open(m.ifs[j].name, &o, err, sizeof err);
		if (!m.ifs[j].ring) {
			fprintf(stderr, "mirror: %s: %s\n", m.ifs[j].name, err);
			goto out;
		}
		rings[j] = m.ifs[j].ring;
		if (selfexcl_attach(afp_fd(m.ifs[j].ring), m.dests, m.ndests, bpf,
				    err, sizeof err)) {
			fprintf(stderr, "mirror: %s: %s\n", m.ifs[j].name, err);
			rc = EXIT_USAGE;
			goto out;
		}
		if (hwts)
			hw_timestamps(m.ifs[j].name, afp_fd(m.ifs[j].ring));
	}
	/* Whatever reached the rings before the filters were attached is
	 * dropped (libpcap does the same); a block still open then is retired
	 * by its timeout, so look twice, the second time after it. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			usleep(MIRROR_SETTLE_US);
		for (unsigned j = 0; j < m.nifs; j++) {
			struct afp_frame f;
			for (unsigned k = 0; k < 1u << 20 && afp_next(m.ifs[j].ring, &f) == 1; k++)
				;
			afp_release(m.ifs[j].ring);
		}
	}

	run_install_signals();

	fprintf(stderr, "mirror: running: %u interface(s), %u destination(s), %s\n",
		m.nifs, m.ndests, m.balance ? "balance" : "copy");
	fflush(stderr);

	rc = EXIT_OK;
	t0 = mono_ns();
	uint64_t next_status = t0 + (uint64_t)(status_s * 1e9);
	uint64_t end = duration > 0 ? t0 + (uint64_t)(duration * 1e9) : 0;
	while (!run_stop_requested()) {
		int r = afp_poll(rings, m.nifs, MIRROR_POLL_MS);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "mirror: poll: %s\n", strerror(errno));
			rc = EXIT_OSERR;
			break;
		}
		bool done = false;
		for (unsigned j = 0; j < m.nifs && !done; j++) {
			struct afp_frame f;
			for (unsigned k = 0; k < MIRROR_DRAIN; k++) {
				if (afp_next(m.ifs[j].ring, &f) != 1)
					break;
				mirror_frame(&m, j, &f);
				if (count && m.captured >= count) {
					done = true;
					break;
				}
			}
		}
		flush_all(&m);
		uint64_t now = mono_ns();
		if (status_s > 0 && now >= next_status) {
			status_line(&m, (double)(now - t0) / 1e9);
			next_status = now + (uint64_t)(status_s * 1e9);
		}
		if (done || (end && now >= end))
			break;
	}
	/* Stopped by a signal or --duration: what the rings already hold was
	 * captured before the stop, so it is mirrored too (bounded). */
	for (unsigned j = 0; j < m.nifs && !(count && m.captured >= count); j++) {
		struct afp_frame f;
		for (unsigned k = 0; k < MIRROR_FINAL_DRAIN; k++) {
			if (afp_next(m.ifs[j].ring, &f) != 1)
				break;
			mirror_frame(&m, j, &f);
		}
	}
	flush_all(&m);
	summary(&m, (double)(mono_ns() - t0) / 1e9);

out:
	for (unsigned j = 0; j < m.nifs; j++)
		if (m.ifs[j].ring)
			afp_close(m.ifs[j].ring);
	if (m.dests)
		for (unsigned i = 0; i < m.ndests; i++)
			send_dest_close(&m.dests[i]);
	free(m.dests);
	free(m.slots);
	return rc;
}
