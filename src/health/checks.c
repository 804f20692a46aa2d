/*
 * checks.c - the verify checks: from the health accumulator's counters to
 * verdicts, figures and advice (see report.h). Numbered as in the verify
 * documentation (docs/verify.md):
 *
 *   1 traffic           packets and bit rate; nothing at all is a failure
 *   2 deployment        subnets, VLANs, protocols, hosts, broadcast, MACs
 *   3 unicast           not only ARP / broadcast / multicast
 *   4 directions        TCP connections seen both ways; ERSPAN III D bit
 *   5 loss.upstream     GRE / ERSPAN sequence gaps (exact)
 *     loss.tcp          TCP data ACKed but never seen (estimate)
 *     loss.capture      the sensor's own kernel drops (exact)
 *   6 duplicates        share removed by dedup, and where they came from
 *   7 truncation        snap length, ERSPAN T bit, outer fragments, MTU
 *   8 oversubscription  peak 1 ms / 100 ms rates against the port speed
 *   9 expect.*          the expectations file
 *  10 timing            timestamp order, silences, ERSPAN III clock spread
 *
 * To add a check: write one function that fills a struct health_check
 * through new_check() and call it for the scopes it applies to in
 * health_report_build().
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "health/report.h"

#define HEALTH_DUP_MIN 5 /* fewer duplicates never warn */

const char *verdict_name(enum verdict v)
{
	static const char *const n[] = { "n/a", "pass", "warn", "fail" };
	return (unsigned)v < 4 ? n[v] : "?";
}

const char *verdict_upper(enum verdict v)
{
	static const char *const n[] = { "N/A", "PASS", "WARN", "FAIL" };
	return (unsigned)v < 4 ? n[v] : "?";
}

/* ---------------------------------------------------------------- format */

void health_fmt_count(uint64_t v, char *buf, size_t len)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	char out[48];
	int o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = 0;
	snprintf(buf, len, "%s", out);
}

void health_fmt_rate(double bps, char *buf, size_t len)
{
	if (bps >= 1e9)
		snprintf(buf, len, "%.2f Gbit/s", bps / 1e9);
	else if (bps >= 1e6)
		snprintf(buf, len, "%.2f Mbit/s", bps / 1e6);
	else if (bps >= 1e3)
		snprintf(buf, len, "%.1f kbit/s", bps / 1e3);
	else
		snprintf(buf, len, "%.0f bit/s", bps);
}

void health_fmt_bytes(uint64_t v, char *buf, size_t len)
{
	if (v >= 1000000000ull)
		snprintf(buf, len, "%.1f GB", (double)v / 1e9);
	else if (v >= 1000000ull)
		snprintf(buf, len, "%.1f MB", (double)v / 1e6);
	else if (v >= 1000ull)
		snprintf(buf, len, "%.1f kB", (double)v / 1e3);
	else
		snprintf(buf, len, "%llu B", (unsigned long long)v);
}

void health_fmt_duration(double s, char *buf, size_t len)
{
	if (s < 1e-3)
		snprintf(buf, len, "%.0f us", s * 1e6);
	else if (s < 1)
		snprintf(buf, len, "%.1f ms", s * 1e3);
	else if (s < 120)
		snprintf(buf, len, "%.1f s", s);
	else if (s < 7200)
		snprintf(buf, len, "%.0f min %.0f s", floor(s / 60), fmod(s, 60));
	else
		snprintf(buf, len, "%.1f h", s / 3600);
}

void health_fmt_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	gmtime_r(&t, &tm);
	char tmp[32];
	strftime(tmp, sizeof(tmp), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03u UTC", tmp, (unsigned)((ns / 1000000ull) % 1000));
}

void health_fmt_protos(uint64_t mask, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < HEALTH_PROTOS && o < len; i++) {
		if (!(mask & (1ull << i)))
			continue;
		int n = snprintf(buf + o, len - o, "%s%s", o ? ", " : "", health_proto_name(i));
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (!o)
		snprintf(buf, len, "-");
}

/* A grouped count for figures ("12,345"); a ring of buffers so several
 * can appear in one printf. */
static const char *cnt(uint64_t v)
{
	static char ring[8][32];
	static unsigned next;
	char *b = ring[next++ % 8];
	health_fmt_count(v, b, 32);
	return b;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* ---------------------------------------------------------------- building */

static struct health_check *new_check(struct health_scope *sc, const char *id, const char *title)
{
	if (sc->nchecks >= SCOPE_MAX_CHECKS)
		return NULL;
	struct health_check *c = &sc->checks[sc->nchecks++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->title = title;
	c->v = VERDICT_NA;
	return c;
}

static void fig(struct health_check *c, const char *key, double v, bool integer)
{
	if (c->nfigs >= CHECK_MAX_FIGS)
		return;
	c->figs[c->nfigs].key = key;
	c->figs[c->nfigs].value = v;
	c->figs[c->nfigs].integer = integer;
	c->nfigs++;
}

static void figi(struct health_check *c, const char *key, uint64_t v)
{
	fig(c, key, (double)v, true);
}

__attribute__((format(printf, 2, 3)))
static void figures(struct health_check *c, const char *fmt, ...)
{
	size_t o = strlen(c->figures);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->figures + o, sizeof(c->figures) - o, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void advice(struct health_check *c, const char *fmt, ...)
{
	size_t o = strlen(c->advice);
	if (o && o + 1 < sizeof(c->advice))
		c->advice[o++] = ' ', c->advice[o] = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->advice + o, sizeof(c->advice) - o, fmt, ap);
	va_end(ap);
}

static enum verdict by_pct_high(double v, double warn, double fail)
{
	if (v >= fail)
		return VERDICT_FAIL;
	if (v >= warn && v > 0)
		return VERDICT_WARN;
	return VERDICT_PASS;
}

static enum verdict by_pct_low(double v, double warn, double fail)
{
	if (v < fail)
		return VERDICT_FAIL;
	if (v < warn)
		return VERDICT_WARN;
	return VERDICT_PASS;
}

/* What the figures of one scope are made of: input, session or overall. */
struct view {
	enum scope_kind kind;                /* which kind of scope */
	const struct health *h;              /* the whole accumulator (thresholds, tables) */
	const struct health_input *in;       /* SCOPE_INPUT: the input */
	const struct health_session *s;      /* SCOPE_SESSION: the session */
	enum transport method;               /* dominant mirror method (phrases the advice) */
	uint64_t packets, bytes;             /* captured packets and their wire bytes */
	uint64_t frames;                     /* original frames (not refused) */
	uint64_t unique, duplicates;         /* after dedup / removed by it */
	uint64_t rejected;                   /* refused by the tunnel rules */
	uint64_t snap_cut;                   /* cut by the capture snap length */
	uint64_t first_ns, last_ns;          /* capture time span */
	const struct health_l2 *l2;          /* frame mix */
	const struct health_dirs *dirs;      /* TCP directions */
	uint64_t tcp_acked, tcp_unseen;      /* TCP ACKed bytes / of those never seen */
};

static double view_seconds(const struct view *v)
{
	return v->last_ns > v->first_ns ? (double)(v->last_ns - v->first_ns) / 1e9 : 0;
}

static const char *method_words(enum transport t)
{
	switch (t) {
	case TRANSPORT_PLAIN:
		return "SPAN / TAP";
	case TRANSPORT_RSPAN:
		return "RSPAN";
	case TRANSPORT_ERSPAN1:
	case TRANSPORT_ERSPAN2:
	case TRANSPORT_ERSPAN3:
		return "ERSPAN";
	case TRANSPORT_GRE:
		return "GRE";
	case TRANSPORT_VXLAN:
		return "VXLAN";
	case TRANSPORT_GENEVE:
		return "Geneve";
	case TRANSPORT_TZSP:
		return "TZSP";
	default:
		return "mirror";
	}
}

static bool is_tunnel(enum transport t)
{
	return t != TRANSPORT_PLAIN && t != TRANSPORT_RSPAN;
}

/* 1. Traffic present. */
static void check_traffic(struct health_scope *sc, const struct view *v)
{
	struct health_check *c = new_check(sc, "traffic", "Traffic present");
	if (!c)
		return;
	double secs = view_seconds(v);
	double bps = secs > 0 ? (double)v->bytes * 8 / secs : 0;
	char n[32], r[32], d[32];
	health_fmt_count(v->packets, n, sizeof n);
	health_fmt_rate(bps, r, sizeof r);
	health_fmt_duration(secs, d, sizeof d);
	figi(c, "packets", v->packets);
	figi(c, "bytes", v->bytes);
	fig(c, "seconds", secs, false);
	fig(c, "bits_per_s", bps, false);
	fig(c, "packets_per_s", secs > 0 ? (double)v->packets / secs : 0, false);
	if (!v->packets) {
		c->v = VERDICT_FAIL;
		figures(c, "no traffic monitored");
		if (v->kind == SCOPE_INPUT && v->in->live)
			advice(c, "Nothing arrived on %s: check that the mirror session is active and "
				  "its destination is this port (SPAN destination, ERSPAN/VXLAN "
				  "destination address routed to this host), that the link is up, and "
				  "that no capture filter (-f) excludes everything.", v->in->name);
		else
			advice(c, "The input holds no packets: capture again on the monitoring port "
				  "and check that the mirror session is active and points at it.");
		return;
	}
	c->v = VERDICT_PASS;
	figures(c, "%s packets, %s average over %s", n, r, d);
	if (v->rejected) {
		char rj[32];
		health_fmt_count(v->rejected, rj, sizeof rj);
		figi(c, "rejected", v->rejected);
		figures(c, ", %s refused by the tunnel rules", rj);
	}
	if (v->kind != SCOPE_OVERALL && v->rejected == v->packets) {
		c->v = VERDICT_WARN;
		advice(c, "Every packet was refused by the tunnel rules (--erspan-session / "
			  "--erspan-source / --rspan-vlan): the rules do not match this mirror.");
	}
}

/* 3. Not only broadcast. */
static void check_unicast(struct health_scope *sc, const struct view *v)
{
	const struct health_config *cfg = &v->h->cfg;
	struct health_check *c = new_check(sc, "unicast", "Not only broadcast");
	if (!c)
		return;
	const struct health_l2 *l2 = v->l2;
	uint64_t total = l2->unicast + l2->broadcast + l2->multicast;
	figi(c, "frames", total);
	figi(c, "unicast", l2->unicast);
	figi(c, "broadcast", l2->broadcast);
	figi(c, "multicast", l2->multicast);
	figi(c, "arp", l2->arp);
	if (!total) {
		figures(c, "no frames");
		return;
	}
	double u = pct(l2->unicast, total);
	fig(c, "unicast_pct", u, false);
	figures(c, "unicast %.1f%%, broadcast %.1f%%, multicast %.1f%% (ARP %.1f%%) of %s frames",
		u, pct(l2->broadcast, total), pct(l2->multicast, total), pct(l2->arp, total),
		cnt(total));
	c->v = by_pct_low(u, cfg->unicast_warn, cfg->unicast_fail);
	if (c->v == VERDICT_PASS)
		return;
	if (v->method == TRANSPORT_PLAIN)
		advice(c, "Mostly broadcast and multicast reach the sensor: the port is probably a "
			  "plain access/trunk port, not a SPAN destination, or the SPAN source is a "
			  "VLAN/port without the traffic of interest. Configure the switch to mirror "
			  "the ports (or VLANs) that carry the devices' unicast traffic to this port.");
	else
		advice(c, "The %s session mostly delivers broadcast and multicast: its source "
			  "ports or VLANs do not carry the devices' unicast traffic. Point the "
			  "session's source at the uplink or device ports of interest.",
		       method_words(v->method));
}

/* Readable list of the subnet pairs whose direction was missing. */
static void missing_list(const struct health *h, char *buf, size_t len, unsigned max)
{
	size_t o = 0;
	buf[0] = 0;
	unsigned done[HEALTH_MISSING_PAIRS] = { 0 };
	for (unsigned k = 0; k < max && k < h->nmissing; k++) {
		int best = -1;
		for (unsigned i = 0; i < h->nmissing; i++)
			if (!done[i] && (best < 0 || h->missing[i].conns > h->missing[best].conns))
				best = (int)i;
		if (best < 0)
			break;
		done[best] = 1;
		const struct health_missing *m = &h->missing[best];
		char a[64] = "elsewhere", b[64] = "elsewhere";
		if (m->from >= 0)
			health_subnet_name(&h->subnets[m->from], a, sizeof a);
		if (m->to >= 0)
			health_subnet_name(&h->subnets[m->to], b, sizeof b);
		int n = snprintf(buf + o, len - o, "%s%s -> %s (%llu)", o ? ", " : "", a, b,
				 (unsigned long long)m->conns);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
}

/* 4. Both directions. */
static void check_directions(struct health_scope *sc, const struct view *v)
{
	const struct health_config *cfg = &v->h->cfg;
	const struct health_dirs *d = v->dirs;
	struct health_check *c = new_check(sc, "directions", "Both directions");
	if (!c)
		return;
	figi(c, "tcp_connections", d->conns);
	figi(c, "both_ways", d->both);
	figi(c, "only_client_to_server", d->only_c2s);
	figi(c, "only_server_to_client", d->only_s2c);
	bool have_dbit = v->kind == SCOPE_SESSION && (v->s->dir_ingress || v->s->dir_egress);
	if (have_dbit) {
		figi(c, "erspan3_ingress", v->s->dir_ingress);
		figi(c, "erspan3_egress", v->s->dir_egress);
	}
	if (!d->conns && !have_dbit) {
		figures(c, "no TCP connections to judge");
		return;
	}
	double both = pct(d->both, d->conns);
	if (d->conns) {
		fig(c, "both_ways_pct", both, false);
		figures(c, "%.1f%% of %s TCP connection%s seen both ways", both, cnt(d->conns),
			d->conns == 1 ? "" : "s");
		if (d->only_c2s || d->only_s2c)
			figures(c, "; one way only: %llu client->server (replies missing), "
				   "%llu server->client (requests missing)",
				(unsigned long long)d->only_c2s, (unsigned long long)d->only_s2c);
		c->v = by_pct_low(both, cfg->bidir_warn, cfg->bidir_fail);
	} else {
		c->v = VERDICT_PASS;
	}
	if (have_dbit) {
		figures(c, "%sERSPAN III direction bit: %llu ingress, %llu egress",
			d->conns ? "; " : "", (unsigned long long)v->s->dir_ingress,
			(unsigned long long)v->s->dir_egress);
		if (!v->s->dir_ingress || !v->s->dir_egress) {
			/* One direction bit only is normal for a session that copies
			 * rx (or tx) of a port on purpose; it matters when TCP shows
			 * missing directions too. */
			if (c->v == VERDICT_PASS && d->conns && d->both < d->conns)
				c->v = VERDICT_WARN;
			advice(c, "The session copies only %s traffic (ERSPAN III D bit); set the "
				  "session's source to 'both' (rx and tx) if both directions are wanted.",
			       v->s->dir_ingress ? "received (ingress, rx)" : "transmitted (egress, tx)");
		}
	}
	if (c->v == VERDICT_PASS || !d->conns)
		return;
	char miss[400];
	if (v->kind == SCOPE_OVERALL) {
		const struct health *h = v->h;
		missing_list(h, miss, sizeof miss, 3);
		if (miss[0])
			figures(c, "; missing direction: %s", miss);
		/* VLANs with one-way connections. */
		unsigned shown = 0;
		for (unsigned vid = 0; vid < HEALTH_VLANS && shown < 3; vid++) {
			const struct health_dirs *vd = &h->vlans[vid].dirs;
			if (!vid || !vd->conns || vd->both == vd->conns)
				continue;
			figures(c, "%sVLAN %u: %llu of %llu one way", shown ? ", " : "; ", vid,
				(unsigned long long)(vd->conns - vd->both), (unsigned long long)vd->conns);
			shown++;
		}
		/* The host with the most one-way connections. */
		const struct health_oneway_host *top = NULL;
		for (unsigned i = 0; i < h->noneway; i++) {
			const struct health_oneway_host *o = &h->oneway[i];
			if (!top || o->to_missing + o->from_missing > top->to_missing + top->from_missing)
				top = o;
		}
		if (top) {
			char a[64];
			health_addr_name(&top->addr, a, sizeof a);
			figures(c, "; %u hosts in one-way connections, most %s (%llu without traffic to "
				   "it, %llu without traffic from it)", h->noneway, a,
				(unsigned long long)top->to_missing, (unsigned long long)top->from_missing);
		}
	}
	const char *which = d->only_c2s >= d->only_s2c ? "replies (server to client)"
						       : "requests (client to server)";
	switch (v->method) {
	case TRANSPORT_PLAIN:
		advice(c, "Only one direction of most connections reaches the sensor; the %s are "
			  "missing. A SPAN source set to rx or tx only, a TAP with one leg not "
			  "connected, or asymmetric routing around the mirrored port cause this: set "
			  "the SPAN source to 'both', connect both TAP legs (and merge them), or "
			  "mirror the path the other direction takes.", which);
		break;
	case TRANSPORT_RSPAN:
		advice(c, "Only one direction reaches the sensor (the %s are missing): set the "
			  "RSPAN source session to 'both' and check that the return path is not "
			  "routed around the mirrored ports.", which);
		break;
	default:
		advice(c, "Only one direction reaches the sensor (the %s are missing): set the "
			  "%s session's source direction to 'both' (rx and tx), add the ports or "
			  "VLANs the other direction takes (asymmetric routing), or add the missing "
			  "session.", which, method_words(v->method));
		break;
	}
}

/* 5a. Loss upstream of the sensor: GRE / ERSPAN sequence numbers. */
static void check_loss_upstream(struct health_scope *sc, const struct view *v)
{
	const struct health_config *cfg = &v->h->cfg;
	struct health_check *c = new_check(sc, "loss.upstream", "Loss upstream (sequence gaps)");
	if (!c)
		return;
	uint64_t lost = 0, got = 0, late = 0, restarts = 0, sessions = 0;
	const struct health *h = v->h;
	for (unsigned i = 0; i < h->nsess; i++) {
		const struct health_session *s = &h->sess[i];
		if (v->kind == SCOPE_SESSION && s != v->s)
			continue;
		if (v->kind == SCOPE_INPUT && &h->in[s->input] != v->in)
			continue;
		if (!s->seq_packets)
			continue;
		sessions++;
		lost += s->seq_lost;
		got += s->seq_packets;
		late += s->seq_late;
		restarts += s->seq_restarts;
	}
	figi(c, "lost", lost);
	figi(c, "received", got);
	figi(c, "late", late);
	figi(c, "restarts", restarts);
	if (!got) {
		figures(c, "no sequence numbers (%s carries none)",
			v->kind == SCOPE_SESSION ? transport_name(v->method) : "the mirror method");
		return;
	}
	double lp = pct(lost, lost + got);
	fig(c, "lost_pct", lp, false);
	if (!lost)
		figures(c, "no packet lost: %s sequence numbers, no gap", cnt(got));
	else
		figures(c, "%s packets lost of %s sent (%.2f%%), exact from the sequence numbers",
			cnt(lost), cnt(lost + got), lp);
	if (late || restarts)
		figures(c, "; %llu late, %llu counter restarts", (unsigned long long)late,
			(unsigned long long)restarts);
	if (!lost) {
		c->v = VERDICT_PASS;
		return;
	}
	c->v = lp >= cfg->loss_fail ? VERDICT_FAIL : VERDICT_WARN;
	advice(c, "Copies were lost between the switch and this sensor (exact, from the GRE "
		  "sequence numbers): look for drops on the mirror path - an oversubscribed "
		  "ERSPAN/GRE source (the switch's mirror rate limit), congested or policed "
		  "links, or an MTU below the tunnel packet size. Fix the path or mirror less "
		  "traffic per session.");
}

/* 5b. TCP data ACKed but never seen. */
static void check_loss_tcp(struct health_scope *sc, const struct view *v)
{
	const struct health_config *cfg = &v->h->cfg;
	struct health_check *c = new_check(sc, "loss.tcp", "Loss (TCP ACKed, never seen)");
	if (!c)
		return;
	figi(c, "acked_bytes", v->tcp_acked);
	figi(c, "unseen_bytes", v->tcp_unseen);
	if (!v->tcp_acked) {
		figures(c, "no acknowledged TCP data seen both ways");
		return;
	}
	double lp = pct(v->tcp_unseen, v->tcp_acked);
	fig(c, "unseen_pct", lp, false);
	char a[32], u[32];
	health_fmt_bytes(v->tcp_acked, a, sizeof a);
	health_fmt_bytes(v->tcp_unseen, u, sizeof u);
	figures(c, "%.2f%% of acknowledged TCP data never seen (%s of %s)", lp, u, a);
	c->v = by_pct_high(lp, cfg->loss_warn, cfg->loss_fail);
	if (v->kind == SCOPE_OVERALL) {
		/* The worst subnets. */
		const struct health *h = v->h;
		int worst[3] = { -1, -1, -1 };
		for (unsigned i = 0; i < h->nsubnets; i++) {
			const struct health_subnet *s = &h->subnets[i];
			if (!s->tcp_unseen || s->tcp_acked < 10000)
				continue;
			double p = pct(s->tcp_unseen, s->tcp_acked);
			for (int k = 0; k < 3; k++) {
				if (worst[k] < 0 ||
				    p > pct(h->subnets[worst[k]].tcp_unseen, h->subnets[worst[k]].tcp_acked)) {
					for (int m = 2; m > k; m--)
						worst[m] = worst[m - 1];
					worst[k] = (int)i;
					break;
				}
			}
		}
		for (int k = 0; k < 3 && worst[k] >= 0; k++) {
			char n[64];
			const struct health_subnet *s = &h->subnets[worst[k]];
			health_subnet_name(s, n, sizeof n);
			figures(c, "%s%s %.2f%%", k ? ", " : "; by sender subnet: ", n,
				pct(s->tcp_unseen, s->tcp_acked));
		}
	}
	if (c->v == VERDICT_PASS)
		return;
	if (v->method == TRANSPORT_PLAIN)
		advice(c, "Packets the endpoints exchanged never reached the sensor. A SPAN "
			  "destination port slower than the mirrored traffic (bursts), the switch's "
			  "mirror buffer, or a capture filter cause this: mirror fewer ports, use a "
			  "faster destination port or a TAP, and compare with the capture drops "
			  "below.");
	else
		advice(c, "Packets the endpoints exchanged never reached the sensor: the %s "
			  "session or its path drops copies (mirror rate limits, congested links, "
			  "MTU). Compare with the sequence-gap loss and the capture drops; reduce the "
			  "mirrored traffic or fix the path.", method_words(v->method));
}

/* 5c. The sensor's own capture drops. */
static void check_loss_capture(struct health_scope *sc, const struct view *v)
{
	const struct health_config *cfg = &v->h->cfg;
	struct health_check *c = new_check(sc, "loss.capture", "Capture drops in this sensor");
	if (!c)
		return;
	bool live = false;
	uint64_t drops = 0;
	if (v->kind == SCOPE_INPUT) {
		live = v->in->live;
		drops = v->in->kernel_drops;
	} else {
		for (unsigned i = 0; i < v->h->ninputs; i++)
			live |= v->h->in[i].live;
		drops = v->h->kernel_drops;
	}
	figi(c, "kernel_drops", drops);
	if (!live) {
		figures(c, "capture file: drops of the original capture are not recorded in it");
		return;
	}
	double dp = pct(drops, drops + v->packets);
	fig(c, "drop_pct", dp, false);
	figures(c, "%llu packets dropped by the kernel (%.2f%%); kept apart from loss upstream",
		(unsigned long long)drops, dp);
	c->v = drops ? (dp >= cfg->loss_fail ? VERDICT_FAIL : VERDICT_WARN) : VERDICT_PASS;
	if (drops)
		advice(c, "This sensor could not keep up: the packets were lost in its own "
			  "receive ring, not upstream. Give it a larger ring (--ring-mb), a capture "
			  "filter, or more CPU.");
}

/* 6. Duplicates. */
static void check_duplicates(struct health_scope *sc, const struct view *v,
			     const struct health_report_input *ri)
{
	const struct health_config *cfg = &v->h->cfg;
	struct health_check *c = new_check(sc, "duplicates", "Duplicates");
	if (!c)
		return;
	figi(c, "duplicates", v->duplicates);
	figi(c, "frames", v->frames);
	if (!ri->dedup_enabled) {
		figures(c, "deduplication off (--no-dedup)");
		return;
	}
	if (!v->frames) {
		figures(c, "no frames");
		return;
	}
	double dp = pct(v->duplicates, v->frames);
	fig(c, "duplicate_pct", dp, false);
	if (!v->duplicates)
		figures(c, "no duplicates among %s frames", cnt(v->frames));
	else
		figures(c, "%.1f%% of frames were duplicates (%s removed by deduplication)", dp,
			cnt(v->duplicates));
	c->v = by_pct_high(dp, cfg->dup_warn, cfg->dup_fail);
	if (v->duplicates < HEALTH_DUP_MIN && c->v == VERDICT_WARN)
		c->v = VERDICT_PASS; /* a stray retransmission judged a copy */
	if (!v->duplicates)
		return;
	/* Where they came from. */
	bool cross = false, same = false;
	if (v->kind == SCOPE_OVERALL) {
		for (unsigned i = 0; i < ri->ndups; i++) {
			const struct health_dup_source *d = &ri->dups[i];
			figures(c, "%s%s", i ? "; " : "; ", d->orig);
			if (strcmp(d->orig, d->copy)) {
				figures(c, " and %s both carry them (%llu)", d->copy,
					(unsigned long long)d->packets);
				cross = true;
			} else {
				figures(c, " carries each packet twice (%llu)",
					(unsigned long long)d->packets);
				same = true;
			}
		}
	} else {
		same = true;
	}
	if (c->v == VERDICT_PASS)
		return;
	if (cross)
		advice(c, "Two mirror sessions (or inputs) overlap: the same packets arrive "
			  "through both. Remove the overlapping source port/VLAN from one session.");
	if (same || !cross) {
		if (v->method == TRANSPORT_PLAIN || v->method == TRANSPORT_RSPAN)
			advice(c, "One mirror delivers packets twice: both ends of a link are "
				  "mirrored (a packet crossing between two mirrored ports is copied on "
				  "ingress and egress), or the source mirrors rx and tx of several "
				  "ports. Mirror only one end of each link, or rx only on every port.");
		else
			advice(c, "One %s session delivers packets twice: its source includes both "
				  "ends of a link (or rx and tx of several ports). Mirror one end of "
				  "each link, or rx only on every port.",
			       method_words(v->method));
	}
	advice(c, "Deduplication removes the copies, but they use mirror bandwidth.");
}

/* 7. Truncation. */
static void check_truncation(struct health_scope *sc, const struct view *v)
{
	const struct health_config *cfg = &v->h->cfg;
	struct health_check *c = new_check(sc, "truncation", "Truncation");
	if (!c)
		return;
	uint64_t tbit = 0, frag = 0, mtu = 0;
	uint32_t max_outer = 0;
	const struct health *h = v->h;
	for (unsigned i = 0; i < h->nsess; i++) {
		const struct health_session *s = &h->sess[i];
		if (v->kind == SCOPE_SESSION && s != v->s)
			continue;
		if (v->kind == SCOPE_INPUT && &h->in[s->input] != v->in)
			continue;
		tbit += s->t_bit;
		frag += s->outer_frag;
		mtu += s->mtu_cut;
		if (s->max_outer > max_outer)
			max_outer = s->max_outer;
	}
	uint64_t snap = v->kind == SCOPE_SESSION ? v->s->snap_cut : v->snap_cut;
	figi(c, "snaplen_cut", snap);
	figi(c, "erspan_truncated", tbit);
	figi(c, "outer_fragmented", frag);
	figi(c, "cut_in_path", mtu);
	if (max_outer)
		figi(c, "largest_tunnel_packet", max_outer);
	if (!v->packets) {
		figures(c, "no packets");
		return;
	}
	double sp = pct(snap, v->packets), tp = pct(tbit, v->packets), mp = pct(mtu, v->packets);
	if (!snap && !tbit && !frag && !mtu)
		figures(c, "no frame cut or fragmented");
	else
		figures(c, "%llu cut by the capture snap length (%.1f%%), %llu ERSPAN truncated bit, "
			   "%llu rebuilt from outer fragments, %llu cut in the mirror path",
			(unsigned long long)snap, sp, (unsigned long long)tbit,
			(unsigned long long)frag, (unsigned long long)mtu);
	if (max_outer)
		figures(c, "; largest tunnel packet %u bytes", max_outer);
	c->v = VERDICT_PASS;
	double worst = sp > tp ? sp : tp;
	if (mp > worst)
		worst = mp;
	if (snap || tbit || mtu)
		c->v = worst >= cfg->trunc_fail ? VERDICT_FAIL
		       : worst > cfg->trunc_warn ? VERDICT_WARN : VERDICT_PASS;
	if (frag && c->v == VERDICT_PASS)
		c->v = VERDICT_WARN;
	if (snap)
		advice(c, "The capture kept only the first bytes of each packet: capture with a "
			  "full snap length (tcpdump -s 0) so payloads can be analysed.");
	if (tbit)
		advice(c, "The switch cut frames before mirroring them (ERSPAN truncated bit): "
			  "remove the session's truncation / MTU setting, or raise it above the "
			  "largest frame plus the ERSPAN header.");
	if (mtu)
		advice(c, "Frames arrived cut without a truncation mark: the tunnel path cuts what "
			  "does not fit (largest tunnel packet %u bytes%s), below the mirrored frames "
			  "plus tunnel headers. Raise the MTU on the path (jumbo frames) or set "
			  "truncation on the mirror source so the switch marks what it cuts.", max_outer,
		       max_outer >= 1400 && max_outer <= 1600 ? ", at a 1500-byte MTU" : "");
	if (frag)
		advice(c, "Tunnel packets arrived as outer IP fragments: the path MTU is below "
			  "frame + tunnel headers. Fragments cost the source and are lost more "
			  "easily: raise the path MTU or lower the mirrored frame size.");
}

/* 8. Oversubscription. */
static void check_oversub(struct health_scope *sc, const struct view *v, double loss_pct,
			  bool loss)
{
	struct health_check *c = new_check(sc, "oversubscription", "Oversubscription");
	if (!c)
		return;
	const struct health *h = v->h;
	const struct health_input *in = v->in;
	if (v->kind == SCOPE_OVERALL) {
		/* The busiest input. */
		in = NULL;
		for (unsigned i = 0; i < h->ninputs; i++)
			if (!in || h->in[i].p1ms.peak_bytes * 1000 > in->p1ms.peak_bytes * 1000)
				in = &h->in[i];
	}
	if (!in || !in->packets) {
		figures(c, "no traffic");
		return;
	}
	double p1 = (double)in->p1ms.peak_bytes * 8 / 1e-3;
	double p100 = (double)in->p100ms.peak_bytes * 8 / 0.1;
	char a[32], b[32];
	health_fmt_rate(p1, a, sizeof a);
	health_fmt_rate(p100, b, sizeof b);
	fig(c, "peak_1ms_bps", p1, false);
	fig(c, "peak_100ms_bps", p100, false);
	figi(c, "link_speed_mbps", in->link_speed_mbps);
	figures(c, "peak %s over 1 ms, %s over 100 ms", a, b);
	if (v->kind == SCOPE_OVERALL && h->ninputs > 1)
		figures(c, " (busiest input %s)", in->name);
	if (!in->link_speed_mbps) {
		figures(c, "; port speed unknown (give --link-speed)");
		return;
	}
	double speed = (double)in->link_speed_mbps * 1e6;
	figi(c, "windows_1ms_over", in->p1ms.over);
	figi(c, "windows_100ms_over", in->p100ms.over);
	figures(c, "; port %llu Mbit/s: %.0f%% / %.0f%% of it; %llu 1-ms windows above",
		(unsigned long long)in->link_speed_mbps, 100 * p1 / speed, 100 * p100 / speed,
		(unsigned long long)in->p1ms.over);
	c->v = VERDICT_PASS;
	if (p100 > speed) {
		c->v = VERDICT_FAIL;
		advice(c, "The mirrored traffic exceeds the monitoring port's speed for 100 ms "
			  "at a time: the mirror port must drop copies. Mirror fewer ports/VLANs, "
			  "split the sessions over several ports, or use a faster port.");
	} else if (p1 > speed) {
		c->v = loss ? VERDICT_FAIL : VERDICT_WARN;
		if (loss)
			advice(c, "Bursts above the port speed together with %.2f%% loss: the mirror "
				  "port drops the bursts (microbursts overflow its buffer). Use a faster "
				  "monitoring port or mirror less traffic into it.", loss_pct);
		else
			advice(c, "Short bursts exceed the port speed; no loss is visible yet, but "
				  "a busier network will overflow the mirror port's buffer.");
	}
}

/* 10. Timing. */
static void check_timing(struct health_scope *sc, const struct view *v)
{
	const struct health_config *cfg = &v->h->cfg;
	struct health_check *c = new_check(sc, "timing", "Timing");
	if (!c)
		return;
	const struct health *h = v->h;
	if (v->kind == SCOPE_SESSION) {
		const struct health_session *s = v->s;
		figi(c, "hw_timestamps", s->hwts);
		if (!s->hwts) {
			figures(c, "no ERSPAN III hardware timestamps");
			return;
		}
		double spread = (double)(s->hwts_max_off - s->hwts_min_off) / 1e6;
		fig(c, "hw_offset_spread_ms", spread, false);
		fig(c, "hw_offset_min_ms", (double)s->hwts_min_off / 1e6, false);
		double off_s = (double)s->hwts_min_off / 1e9;
		figures(c, "delay from the switch's ERSPAN III timestamp to this capture varies by "
			   "%.3f ms over %s packets", spread, cnt(s->hwts));
		if (off_s > 1 || off_s < -1)
			figures(c, "; the switch clock is %.0f s apart from this host's (not the same "
				   "time base)", off_s);
		else
			figures(c, "; delay %.3f ms", (double)s->hwts_min_off / 1e6);
		c->v = spread > cfg->hwts_spread_ms ? VERDICT_WARN : VERDICT_PASS;
		if (c->v == VERDICT_WARN)
			advice(c, "The delay between the switch's timestamp and this capture varies "
				  "by more than %.0f ms: queueing on the mirror path, or the switch "
				  "clock is not synchronised (check PTP/NTP on the switch).",
			       cfg->hwts_spread_ms);
		return;
	}
	uint64_t ooo = 0, gaps = 0, maxgap = 0, back = 0;
	for (unsigned i = 0; i < h->ninputs; i++) {
		const struct health_input *in = &h->in[i];
		if (v->kind == SCOPE_INPUT && in != v->in)
			continue;
		ooo += in->ooo;
		gaps += in->gaps;
		if (in->max_gap_ns > maxgap)
			maxgap = in->max_gap_ns;
		if (in->max_back_ns > back)
			back = in->max_back_ns;
	}
	figi(c, "out_of_order", ooo);
	figi(c, "gaps", gaps);
	fig(c, "longest_gap_s", (double)maxgap / 1e9, false);
	if (!v->packets) {
		figures(c, "no packets");
		return;
	}
	char g[32];
	health_fmt_duration((double)maxgap / 1e9, g, sizeof g);
	double op = pct(ooo, v->packets);
	if (!ooo && !gaps)
		figures(c, "timestamps in order, longest silence %s", g);
	else
		figures(c, "%llu steps back in time (%.2f%% of packets), longest silence %s, %llu "
			   "silences over %.0f s", (unsigned long long)ooo, op, g,
			(unsigned long long)gaps, cfg->gap_s);
	if (ooo) {
		char b[32];
		health_fmt_duration((double)back / 1e9, b, sizeof b);
		figures(c, " (largest step back %s)", b);
	}
	c->v = VERDICT_PASS;
	if (ooo)
		c->v = op >= cfg->ooo_fail ? VERDICT_FAIL : op > cfg->ooo_warn ? VERDICT_WARN
									   : VERDICT_PASS;
	if (gaps && c->v == VERDICT_PASS)
		c->v = VERDICT_WARN;
	if (ooo)
		advice(c, "Timestamps go backwards: the capture merged several ports or queues "
			  "without ordering them, or the capture host's clock was stepped. Merge by "
			  "time (give the files together: mirrorsense merges them) and keep the "
			  "clock disciplined (NTP slewing, not stepping).");
	if (gaps)
		advice(c, "The mirror went silent for longer than %.0f s: the session was down "
			  "or reconfigured, or the link flapped. Check the switch log for that time.",
		       cfg->gap_s);
}

/* 2. Deployment analysis (figures; the table is printed by the renderers). */
static void check_deployment(struct health_scope *sc, const struct health_report_input *ri)
{
	const struct health *h = ri->h;
	struct health_check *c = new_check(sc, "deployment", "Deployment analysis");
	if (!c)
		return;
	unsigned nvlans = 0;
	for (unsigned i = 0; i < HEALTH_VLANS; i++)
		nvlans += h->vlans[i].packets ? 1 : 0;
	/* Layer-2 visibility: a subnet whose several sending hosts all show one
	 * source MAC is seen through a router; several MACs mean the mirror
	 * sees the segment itself. */
	unsigned bcast = 0, l2vis = 0, routed = 0;
	for (unsigned i = 0; i < h->nsubnets; i++) {
		const struct health_subnet *s = &h->subnets[i];
		bcast += s->broadcast;
		l2vis += s->nmacs > 1;
		routed += s->nmacs == 1 && s->pkts_from && health_subnet_hosts(s) >= 3;
	}
	uint64_t devices = health_devices(h);
	figi(c, "subnets", h->nsubnets);
	figi(c, "vlans", nvlans);
	figi(c, "unicast_addresses", devices);
	figi(c, "macs", h->nmacs);
	figi(c, "subnets_with_broadcast", bcast);
	if (ri->have_inventory)
		figi(c, "inventory_devices", ri->devices_inventory);
	if (!h->unique) {
		figures(c, "nothing to analyse");
		return;
	}
	char p[300];
	health_fmt_protos(h->protos, p, sizeof p);
	figures(c, "%u subnet%s, %u VLANs%s, %llu unicast addresses, %u MAC addresses; broadcast "
		   "seen in %u subnets; protocols: %s", h->nsubnets, h->nsubnets == 1 ? "" : "s", nvlans,
		h->untagged ? (nvlans ? " and untagged frames" : " (all untagged)") : "",
		(unsigned long long)devices, h->nmacs, bcast, p);
	c->v = VERDICT_PASS;
	if (h->subnet_overflow || h->mac_overflow)
		figures(c, " (tables full: %llu subnet and %llu MAC entries not kept)",
			(unsigned long long)h->subnet_overflow, (unsigned long long)h->mac_overflow);
	if (bcast)
		advice(c, "Broadcast from %u subnet%s reaches the sensor: it sits on (or mirrors) "
			  "that local segment.", bcast, bcast == 1 ? "" : "s");
	if (routed && !l2vis)
		advice(c, "The hosts of %u subnet%s appear behind one MAC address: the mirror sees "
			  "routed traffic (gateway MACs), not the devices' own layer 2; mirror access "
			  "ports or the device VLANs for layer-2 visibility.", routed,
		       routed == 1 ? "" : "s");
}

/* 9. Expectations. */
static void check_expectations(struct health_scope *sc, const struct health_report_input *ri)
{
	const struct health *h = ri->h;
	const struct expect *ex = ri->ex;
	for (unsigned i = 0; i < ex->n; i++) {
		const struct expect_item *it = &ex->items[i];
		struct health_check *c = new_check(sc, "expect", "Expected");
		if (!c)
			return;
		bool ok = false;
		uint64_t seen = 0;
		switch (it->kind) {
		case EXPECT_VLAN: {
			unsigned vid = (unsigned)it->num;
			seen = vid ? h->vlans[vid].packets : h->untagged;
			ok = seen > 0;
			c->title = "Expected VLAN";
			figures(c, "VLAN %u: %s (%llu frames)", vid, ok ? "seen" : "NOT seen",
				(unsigned long long)seen);
			break;
		}
		case EXPECT_SUBNET: {
			c->title = "Expected subnet";
			for (unsigned k = 0; k < h->nsubnets; k++) {
				const struct health_subnet *s = &h->subnets[k];
				if (s->prefix.family != it->prefix.family)
					continue;
				/* Compare the common prefix (min of both lengths). */
				unsigned plen = it->plen < s->plen ? it->plen : s->plen;
				bool match = true;
				for (unsigned b = 0; b < plen && match; b++) {
					unsigned byte = b / 8, bit = 7 - b % 8;
					match = ((s->prefix.a[byte] >> bit) & 1) ==
						((it->prefix.a[byte] >> bit) & 1);
				}
				if (!match)
					continue;
				if (it->plen > s->plen && s->prefix.family == 4) {
					/* Narrower than /24: look at the host bitmap. */
					unsigned lo = it->prefix.a[3], span = 1u << (32 - it->plen);
					lo &= ~(span - 1);
					bool any = false;
					for (unsigned hh = lo; hh < lo + span && hh < 256; hh++)
						any |= (s->v4_hosts[hh >> 3] >> (hh & 7)) & 1;
					if (!any)
						continue;
				}
				seen += s->packets;
			}
			ok = seen > 0;
			figures(c, "subnet %s: %s (%llu packets)", it->text, ok ? "seen" : "NOT seen",
				(unsigned long long)seen);
			break;
		}
		case EXPECT_PROTOCOL:
			c->title = "Expected protocol";
			ok = (h->protos >> it->proto) & 1;
			figures(c, "protocol %s: %s", health_proto_name((unsigned)it->proto),
				ok ? "seen" : "NOT seen");
			break;
		case EXPECT_ERSPAN_SESSION:
		case EXPECT_VNI:
		case EXPECT_RSPAN_VLAN:
			c->title = it->kind == EXPECT_VNI ? "Expected VNI"
				   : it->kind == EXPECT_RSPAN_VLAN ? "Expected RSPAN VLAN"
								   : "Expected ERSPAN session";
			for (unsigned k = 0; k < h->nsess; k++) {
				const struct health_session *s = &h->sess[k];
				bool kind_ok = it->kind == EXPECT_VNI
						       ? (s->transport == TRANSPORT_VXLAN ||
							  s->transport == TRANSPORT_GENEVE)
					       : it->kind == EXPECT_RSPAN_VLAN
						       ? s->transport == TRANSPORT_RSPAN
						       : (s->transport == TRANSPORT_ERSPAN2 ||
							  s->transport == TRANSPORT_ERSPAN3);
				if (kind_ok && s->has_id && s->id == (uint32_t)it->num)
					seen += s->packets - s->rejected;
			}
			ok = seen > 0;
			figures(c, "%s %s: %s (%llu packets)", expect_kind_name(it->kind), it->text,
				ok ? "seen" : "NOT seen", (unsigned long long)seen);
			break;
		case EXPECT_MIN_DEVICES: {
			c->title = "Expected devices";
			uint64_t dev = ri->have_inventory ? ri->devices_inventory : health_devices(h);
			ok = (double)dev >= it->num;
			figures(c, "at least %s devices: %llu %s", it->text, (unsigned long long)dev,
				ri->have_inventory ? "in the inventory" : "unicast addresses seen");
			seen = dev;
			break;
		}
		case EXPECT_MIN_PACKETS:
			c->title = "Expected packets";
			ok = (double)h->packets >= it->num;
			seen = h->packets;
			figures(c, "at least %s packets: %llu", it->text, (unsigned long long)h->packets);
			break;
		case EXPECT_BOTH_DIRECTIONS: {
			c->title = "Expected both directions";
			double b = pct(h->dirs.both, h->dirs.conns);
			ok = h->dirs.conns && b >= it->num;
			seen = h->dirs.both;
			figures(c, "at least %s%% of TCP connections both ways: %.1f%% of %llu",
				it->text, b, (unsigned long long)h->dirs.conns);
			break;
		}
		case EXPECT_MAX_LOSS: {
			c->title = "Expected loss";
			double l = pct(h->tcp_unseen, h->tcp_acked);
			ok = l <= it->num;
			seen = h->tcp_unseen;
			figures(c, "at most %s%% TCP data unseen: %.2f%%", it->text, l);
			break;
		}
		}
		figi(c, "seen", seen);
		fig(c, "line", it->line, true);
		c->v = ok ? VERDICT_PASS : VERDICT_FAIL;
		if (!ok)
			advice(c, "%s:%u expects this, and the mirror does not show it: add the "
				  "missing port, VLAN or session to the mirror source, or correct the "
				  "expectation.", ex->path, it->line);
	}
}

/* ---------------------------------------------------------------- scopes */

static enum transport dominant(const uint64_t *t)
{
	enum transport best = TRANSPORT_PLAIN;
	for (int i = 0; i < TRANSPORT__COUNT; i++)
		if (t[i] > t[best])
			best = (enum transport)i;
	return best;
}

static void scope_finish(struct health_report *r, struct health_scope *sc)
{
	sc->worst = VERDICT_NA;
	for (unsigned i = 0; i < sc->nchecks; i++) {
		enum verdict v = sc->checks[i].v;
		r->counts[v]++;
		if (v > sc->worst)
			sc->worst = v;
		if (v > r->worst)
			r->worst = v;
	}
}

int health_report_build(const struct health_report_input *ri, struct health_report *r)
{
	const struct health *h = ri->h;
	memset(r, 0, sizeof(*r));
	r->h = h;
	r->inv = ri->inv;
	r->have_inventory = ri->have_inventory;
	r->devices_inventory = ri->devices_inventory;
	r->scopes = calloc(h->ninputs + h->nsess + 1, sizeof(*r->scopes));
	if (!r->scopes)
		return -1;
	r->duration_s = h->last_ns > h->first_ns ? (double)(h->last_ns - h->first_ns) / 1e9 : 0;
	uint64_t all_tr[TRANSPORT__COUNT] = { 0 };
	uint64_t seq_lost = 0, seq_got = 0;
	for (unsigned i = 0; i < h->nsess; i++) {
		seq_lost += h->sess[i].seq_lost;
		seq_got += h->sess[i].seq_packets;
	}
	double tcp_loss = pct(h->tcp_unseen, h->tcp_acked);
	double seq_loss = pct(seq_lost, seq_lost + seq_got);
	double worst_loss = tcp_loss > seq_loss ? tcp_loss : seq_loss;
	bool lossy = worst_loss >= h->cfg.loss_warn && worst_loss > 0;

	for (unsigned i = 0; i < h->ninputs; i++) {
		const struct health_input *in = &h->in[i];
		if (!in->used)
			continue;
		for (int t = 0; t < TRANSPORT__COUNT; t++)
			all_tr[t] += in->transports[t];
		struct health_scope *sc = &r->scopes[r->nscopes++];
		sc->kind = SCOPE_INPUT;
		sc->index = i;
		enum transport m = dominant(in->transports);
		sc->method = m == TRANSPORT_PLAIN ? "span/tap" : transport_name(m);
		snprintf(sc->name, sizeof(sc->name), "%s (%s)", in->name,
			 in->live ? "interface" : "file");
		struct view v = {
			.kind = SCOPE_INPUT, .h = h, .in = in, .method = m,
			.packets = in->packets, .bytes = in->bytes, .frames = in->frames,
			.unique = in->frames - in->duplicates, .duplicates = in->duplicates,
			.rejected = in->rejected, .snap_cut = in->snap_cut,
			.first_ns = in->first_ns, .last_ns = in->last_ns, .l2 = &in->l2,
			.dirs = &in->dirs, .tcp_acked = in->tcp_acked, .tcp_unseen = in->tcp_unseen,
		};
		check_traffic(sc, &v);
		if (in->packets) {
			check_unicast(sc, &v);
			check_directions(sc, &v);
			if (m != TRANSPORT_PLAIN)
				check_loss_upstream(sc, &v);
			check_loss_tcp(sc, &v);
		}
		check_loss_capture(sc, &v);
		if (in->packets) {
			check_duplicates(sc, &v, ri);
			check_truncation(sc, &v);
			check_oversub(sc, &v, worst_loss, lossy);
			check_timing(sc, &v);
		}
		scope_finish(r, sc);
	}
	for (unsigned i = 0; i < h->nsess; i++) {
		const struct health_session *s = &h->sess[i];
		struct health_scope *sc = &r->scopes[r->nscopes++];
		sc->kind = SCOPE_SESSION;
		sc->index = i;
		sc->method = transport_name(s->transport);
		char n[128];
		health_session_name(s, n, sizeof n);
		snprintf(sc->name, sizeof(sc->name), "%s, on %s", n, h->in[s->input].name);
		struct view v = {
			.kind = SCOPE_SESSION, .h = h, .s = s, .method = s->transport,
			.packets = s->packets, .bytes = s->bytes,
			.frames = s->packets - s->rejected, .duplicates = s->duplicates,
			.rejected = s->rejected, .snap_cut = s->snap_cut,
			.first_ns = s->first_ns, .last_ns = s->last_ns, .l2 = &s->l2,
			.dirs = &s->dirs, .tcp_acked = s->tcp_acked, .tcp_unseen = s->tcp_unseen,
		};
		check_traffic(sc, &v);
		check_unicast(sc, &v);
		check_directions(sc, &v);
		check_loss_upstream(sc, &v);
		check_loss_tcp(sc, &v);
		check_duplicates(sc, &v, ri);
		check_truncation(sc, &v);
		check_timing(sc, &v);
		scope_finish(r, sc);
	}
	struct health_scope *sc = &r->scopes[r->nscopes++];
	sc->kind = SCOPE_OVERALL;
	snprintf(sc->name, sizeof(sc->name), "overall");
	enum transport m = dominant(all_tr);
	sc->method = m == TRANSPORT_PLAIN ? "span/tap" : transport_name(m);
	struct view v = {
		.kind = SCOPE_OVERALL, .h = h, .method = m,
		.packets = h->packets, .bytes = h->bytes, .frames = h->frames,
		.unique = h->unique, .duplicates = h->duplicates, .rejected = h->rejected,
		.snap_cut = h->snap_cut, .first_ns = h->first_ns, .last_ns = h->last_ns,
		.l2 = &h->l2, .dirs = &h->dirs, .tcp_acked = h->tcp_acked,
		.tcp_unseen = h->tcp_unseen,
	};
	check_traffic(sc, &v);
	check_deployment(sc, ri);
	check_unicast(sc, &v);
	check_directions(sc, &v);
	if (h->nsess)
		check_loss_upstream(sc, &v);
	check_loss_tcp(sc, &v);
	check_loss_capture(sc, &v);
	check_duplicates(sc, &v, ri);
	check_truncation(sc, &v);
	check_oversub(sc, &v, worst_loss, lossy);
	check_timing(sc, &v);
	if (ri->ex)
		check_expectations(sc, ri);
	scope_finish(r, sc);
	(void)is_tunnel;
	return 0;
}

void health_report_free(struct health_report *r)
{
	free(r->scopes);
	r->scopes = NULL;
	r->nscopes = 0;
}

int health_report_exit(const struct health_report *r)
{
	if (r->worst == VERDICT_FAIL)
		return 2;
	if (r->worst == VERDICT_WARN)
		return 1;
	return 0;
}
