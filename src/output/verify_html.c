/*
 * verify_html.c - `mirrorsense verify --html FILE`: one self-contained
 * page (inline CSS and SVG, no scripts, no fonts or images fetched), so it
 * opens from a USB stick on a plant PC without network.
 *
 * Top: the verdict summary (overall verdict, counts, every warn/fail).
 * Then the plots, drawn here as SVG from the accumulator's time bins:
 *   traffic over time per input, direction balance (TCP packets
 *   client->server vs server->client), loss over time (sequence-gap
 *   packets and TCP bytes ACKed but unseen), and the subnet / VLAN /
 *   protocol table. Then every scope's checks with figures and advice.
 * Every element a test looks for carries an id (verdict-summary,
 * plot-traffic, plot-directions, plot-loss, subnet-table).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/verify.h"

#define PW 860  /* plot width */
#define PH 200  /* plot height */
#define PL 70   /* left margin (axis labels) */
#define PB 28   /* bottom margin */

static const char *const palette[] = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
				       "#9467bd", "#8c564b", "#e377c2", "#7f7f7f" };

static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char *vclass(enum verdict v)
{
	static const char *const c[] = { "na", "pass", "warn", "fail" };
	return (unsigned)v < 4 ? c[v] : "na";
}

/* Axis frame with max label and time labels. */
static void axes(FILE *f, double ymax, const char *yunit, double secs)
{
	fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#444'/>", PL, 10, PL, PH - PB);
	fprintf(f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#444'/>", PL, PH - PB, PW - 10,
		PH - PB);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>%.3g %s</text>", PL - 4, 18,
		ymax, yunit);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>0</text>", PL - 4, PH - PB);
	fprintf(f, "<text x='%d' y='%d' font-size='11'>0 s</text>", PL, PH - 8);
	fprintf(f, "<text x='%d' y='%d' font-size='11' text-anchor='end'>%.3g s</text>", PW - 10,
		PH - 8, secs);
}

/* A polyline of n values scaled to ymax. */
static void series(FILE *f, const double *v, unsigned n, double ymax, const char *color,
		   const char *cls)
{
	if (!n || ymax <= 0)
		return;
	double xs = (double)(PW - 10 - PL) / (n > 1 ? n - 1 : 1);
	double ys = (double)(PH - PB - 12) / ymax;
	fprintf(f, "<polyline class='%s' fill='none' stroke='%s' stroke-width='1.5' points='", cls,
		color);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%.1f,%.1f ", PL + xs * i, (double)(PH - PB) - ys * v[i]);
	fprintf(f, "'/>");
}

static void legend(FILE *f, unsigned i, const char *color, const char *label)
{
	fprintf(f, "<rect x='%u' y='%d' width='10' height='10' fill='%s'/>", PL + 10 + i * 200, 2,
		color);
	fprintf(f, "<text x='%u' y='%d' font-size='11'>", PL + 24 + i * 200, 11);
	esc(f, label);
	fprintf(f, "</text>");
}

static void plot_traffic(FILE *f, const struct health *h, double bin_s, double secs)
{
	unsigned n = h->nbins ? h->nbins : 1;
	double *v = calloc(n, sizeof(*v));
	if (!v)
		return;
	double ymax = 0;
	for (unsigned i = 0; i < h->ninputs; i++)
		for (unsigned b = 0; b < n; b++) {
			double r = (double)h->in[i].bins_bytes[b] * 8 / bin_s / 1e6;
			if (r > ymax)
				ymax = r;
		}
	fprintf(f, "<h3>Traffic over time per input (Mbit/s)</h3>\n<svg id='plot-traffic' "
		   "width='%d' height='%d' role='img'>", PW, PH);
	axes(f, ymax, "Mbit/s", secs);
	unsigned k = 0;
	for (unsigned i = 0; i < h->ninputs; i++) {
		if (!h->in[i].used)
			continue;
		for (unsigned b = 0; b < n; b++)
			v[b] = (double)h->in[i].bins_bytes[b] * 8 / bin_s / 1e6;
		const char *col = palette[k % 8];
		series(f, v, n, ymax, col, "series-traffic");
		legend(f, k, col, h->in[i].name);
		k++;
	}
	fprintf(f, "</svg>\n");
	free(v);
}

/* Traffic per mirror session (the switches and sessions sending copies). */
static void plot_sessions(FILE *f, const struct health *h, double bin_s, double secs)
{
	if (!h->nsess)
		return;
	unsigned n = h->nbins ? h->nbins : 1;
	double *v = calloc(n, sizeof(*v));
	if (!v)
		return;
	unsigned show = h->nsess < 8 ? h->nsess : 8;
	double ymax = 0;
	for (unsigned i = 0; i < show; i++)
		for (unsigned b = 0; b < n; b++) {
			double r = (double)h->sess[i].bins_bytes[b] * 8 / bin_s / 1e6;
			if (r > ymax)
				ymax = r;
		}
	fprintf(f, "<h3>Traffic over time per mirror session (Mbit/s)</h3>\n<svg id='plot-sessions' "
		   "width='%d' height='%d' role='img'>", PW, PH);
	axes(f, ymax, "Mbit/s", secs);
	for (unsigned i = 0; i < show; i++) {
		for (unsigned b = 0; b < n; b++)
			v[b] = (double)h->sess[i].bins_bytes[b] * 8 / bin_s / 1e6;
		char name[128];
		health_session_name(&h->sess[i], name, sizeof name);
		series(f, v, n, ymax, palette[i % 8], "series-session");
		legend(f, i % 4, palette[i % 8], name);
	}
	fprintf(f, "</svg>\n");
	if (h->nsess > show)
		fprintf(f, "<p>%u more sessions not drawn (see the checks below).</p>\n", h->nsess - show);
	free(v);
}

static void plot_dirs(FILE *f, const struct health *h, double secs)
{
	unsigned n = h->nbins ? h->nbins : 1;
	double *a = calloc(n, sizeof(*a)), *b = calloc(n, sizeof(*b));
	if (!a || !b) {
		free(a);
		free(b);
		return;
	}
	double ymax = 0;
	for (unsigned i = 0; i < n; i++) {
		a[i] = (double)h->bins_dir[0][i];
		b[i] = (double)h->bins_dir[1][i];
		if (a[i] > ymax)
			ymax = a[i];
		if (b[i] > ymax)
			ymax = b[i];
	}
	uint64_t t = h->dir_pkts[0] + h->dir_pkts[1];
	fprintf(f, "<h3>Direction balance (TCP packets per bin)</h3>\n");
	fprintf(f, "<p>client &rarr; server %llu packets (%.1f%%), server &rarr; client %llu packets "
		   "(%.1f%%)</p>\n", (unsigned long long)h->dir_pkts[0],
		t ? 100.0 * (double)h->dir_pkts[0] / (double)t : 0, (unsigned long long)h->dir_pkts[1],
		t ? 100.0 * (double)h->dir_pkts[1] / (double)t : 0);
	fprintf(f, "<svg id='plot-directions' width='%d' "
		   "height='%d' role='img'>", PW, PH);
	axes(f, ymax, "pkts", secs);
	series(f, a, n, ymax, palette[0], "series-c2s");
	series(f, b, n, ymax, palette[1], "series-s2c");
	legend(f, 0, palette[0], "client -> server");
	legend(f, 1, palette[1], "server -> client");
	/* Share bar. */
	double share = t ? (double)h->dir_pkts[0] / (double)t : 0;
	fprintf(f, "</svg>\n<svg id='bar-directions' width='%d' "
		   "height='22'><rect x='0' y='2' width='%.1f' height='18' fill='%s'/><rect x='%.1f' "
		   "y='2' width='%.1f' height='18' fill='%s'/></svg>\n", PW, share * PW, palette[0],
		share * PW, (1 - share) * PW, palette[1]);
	free(a);
	free(b);
}

static void plot_loss(FILE *f, const struct health *h, double secs)
{
	unsigned n = h->nbins ? h->nbins : 1;
	double *a = calloc(n, sizeof(*a)), *b = calloc(n, sizeof(*b));
	if (!a || !b) {
		free(a);
		free(b);
		return;
	}
	double ymax = 0;
	for (unsigned i = 0; i < n; i++) {
		a[i] = h->bins_acked[i] ? 100.0 * (double)h->bins_unseen[i] / (double)h->bins_acked[i] : 0;
		if (a[i] > 100)
			a[i] = 100;
		b[i] = (double)h->bins_seq_lost[i];
		if (a[i] > ymax)
			ymax = a[i];
	}
	double bmax = 0;
	for (unsigned i = 0; i < n; i++)
		if (b[i] > bmax)
			bmax = b[i];
	fprintf(f, "<h3>Loss over time</h3>\n<svg id='plot-loss' "
		   "width='%d' height='%d' role='img'>", PW, PH);
	axes(f, ymax > 0 ? ymax : 1, "% unseen", secs);
	series(f, a, n, ymax > 0 ? ymax : 1, palette[3], "series-tcp-unseen");
	legend(f, 0, palette[3], "TCP ACKed but unseen (%)");
	if (bmax > 0) {
		/* Sequence losses as bars on their own scale. */
		double xs = (double)(PW - 10 - PL) / (n > 1 ? n - 1 : 1);
		for (unsigned i = 0; i < n; i++)
			if (b[i] > 0)
				fprintf(f, "<rect class='bar-seq-lost' x='%.1f' y='%.1f' width='%.1f' "
					   "height='%.1f' fill='%s' opacity='0.6'/>", PL + xs * i - 1,
					(double)(PH - PB) - (PH - PB - 12) * b[i] / bmax,
					xs > 2 ? xs - 1 : 2, (PH - PB - 12) * b[i] / bmax, palette[4]);
		char l[64];
		snprintf(l, sizeof l, "sequence gaps (packets, max %.0f)", bmax);
		legend(f, 1, palette[4], l);
	}
	fprintf(f, "</svg>\n");
	free(a);
	free(b);
}

static void subnet_table(FILE *f, const struct health_report *r)
{
	const struct health *h = r->h;
	fprintf(f, "<h2>Subnets, VLANs and protocols</h2>\n<table id='subnet-table'>\n<tr><th>subnet"
		   "</th><th>packets</th><th>hosts</th><th>MACs</th><th>broadcast</th><th>VLANs</th>"
		   "<th>both ways</th><th>unseen</th><th>protocols</th>%s</tr>\n",
		r->inv ? "<th>inventory</th>" : "");
	unsigned *idx = calloc(h->nsubnets ? h->nsubnets : 1, sizeof(*idx));
	if (idx) {
		health_subnet_order(h, idx);
		for (unsigned k = 0; k < h->nsubnets && k < 200; k++) {
			const struct health_subnet *s = &h->subnets[idx[k]];
			char name[64], pr[400];
			health_subnet_name(s, name, sizeof name);
			health_fmt_protos(s->protos, pr, sizeof pr);
			fprintf(f, "<tr><td>%s</td><td>%llu</td><td>%u</td><td>%u%s</td><td>%s</td><td>",
				name, (unsigned long long)s->packets, health_subnet_hosts(s), s->nmacs,
				s->macs_overflow ? "+" : "", s->broadcast ? "yes" : "no");
			for (unsigned i = 0; i < s->nvlans; i++) {
				if (s->vlans[i])
					fprintf(f, i ? ", %u" : "%u", s->vlans[i]);
				else
					fprintf(f, i ? ", untagged" : "untagged");
			}
			fprintf(f, "</td><td>");
			if (s->dirs.conns)
				fprintf(f, "%.0f%%", 100.0 * (double)s->dirs.both / (double)s->dirs.conns);
			else
				fprintf(f, "-");
			fprintf(f, "</td><td>");
			if (s->tcp_acked)
				fprintf(f, "%.2f%%", 100.0 * (double)s->tcp_unseen / (double)s->tcp_acked);
			else
				fprintf(f, "-");
			fprintf(f, "</td><td>");
			esc(f, pr);
			if (r->inv) {
				fprintf(f, "</td><td>");
				if (r->inv[idx[k]].known) {
					fprintf(f, "%u devices (", r->inv[idx[k]].devices);
					esc(f, r->inv[idx[k]].types);
					fprintf(f, ") ");
					esc(f, r->inv[idx[k]].ot_protocols);
				}
			}
			fprintf(f, "</td></tr>\n");
		}
		free(idx);
	}
	fprintf(f, "</table>\n<p>VLANs:");
	unsigned nv = 0;
	for (unsigned v = 0; v < HEALTH_VLANS; v++)
		if (h->vlans[v].packets)
			fprintf(f, "%s %u (%llu frames)", nv++ ? "," : "", v,
				(unsigned long long)h->vlans[v].packets);
	fprintf(f, "%s; untagged %llu frames. MAC addresses seen: %u.</p>\n", nv ? "" : " none",
		(unsigned long long)h->untagged, h->nmacs);
}

int verify_html(const char *path, const struct health_report *r, const struct verify_meta *m)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	const struct health *h = r->h;
	double secs = r->duration_s;
	double bin_s = (double)h->bin_ns / 1e9;
	if (h->nbins && secs <= 0)
		secs = bin_s * h->nbins;
	fprintf(f, "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>\n"
		   "<title>mirrorsense verify: %s</title>\n<style>\n"
		   "body{font-family:sans-serif;margin:20px;max-width:1000px;color:#222}\n"
		   ".pass{color:#1a7f37}.warn{color:#b58100}.fail{color:#cf222e}.na{color:#777}\n"
		   ".badge{font-weight:bold;padding:2px 6px;border-radius:4px;color:#fff}\n"
		   ".badge.pass{background:#1a7f37}.badge.warn{background:#d4a000}"
		   ".badge.fail{background:#cf222e}.badge.na{background:#999}\n"
		   "#verdict-summary{border:2px solid #ccc;padding:10px 16px;border-radius:8px}\n"
		   "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;"
		   "padding:3px 6px;text-align:left;vertical-align:top}\n.advice{color:#555;"
		   "font-size:12px}\nsvg{background:#fafafa;border:1px solid #eee}\n</style></head>"
		   "<body>\n", verdict_name(r->worst == VERDICT_NA ? VERDICT_PASS : r->worst));
	enum verdict top = r->worst == VERDICT_NA ? VERDICT_PASS : r->worst;
	fprintf(f, "<h1>Mirror health report</h1>\n<div id='verdict-summary' class='%s'>\n"
		   "<h2 id='verdict'>Verdict: <span class='badge %s'>%s</span></h2>\n<p>%u failed, "
		   "%u warned, %u passed, %u not applicable. Inputs:", vclass(top), vclass(top),
		verdict_upper(top), r->counts[VERDICT_FAIL], r->counts[VERDICT_WARN],
		r->counts[VERDICT_PASS], r->counts[VERDICT_NA]);
	for (unsigned i = 0, n = 0; i < h->ninputs; i++)
		if (h->in[i].used) {
			fprintf(f, "%s ", n++ ? "," : "");
			esc(f, h->in[i].name);
		}
	char a[48], d[32];
	health_fmt_time(h->first_ns, a, sizeof a);
	health_fmt_duration(secs, d, sizeof d);
	fprintf(f, ". From %s for %s; %llu packets.</p>\n", a, d, (unsigned long long)h->packets);
	if (m && m->input_error) {
		fprintf(f, "<p class='fail'>Input error: ");
		esc(f, m->input_error);
		fprintf(f, "</p>\n");
	}
	fprintf(f, "<ul id='problems'>\n");
	unsigned shown = 0;
	for (int want = VERDICT_FAIL; want >= VERDICT_WARN; want--)
		for (unsigned s = 0; s < r->nscopes; s++)
			for (unsigned i = 0; i < r->scopes[s].nchecks; i++) {
				const struct health_check *c = &r->scopes[s].checks[i];
				if ((int)c->v != want)
					continue;
				fprintf(f, "<li><span class='badge %s'>%s</span> <b>", vclass(c->v),
					verdict_upper(c->v));
				esc(f, c->title);
				fprintf(f, "</b> (");
				esc(f, r->scopes[s].name);
				fprintf(f, "): ");
				esc(f, c->figures);
				fprintf(f, "</li>\n");
				shown++;
			}
	if (!shown)
		fprintf(f, "<li class='pass'>Every check passed or did not apply.</li>\n");
	fprintf(f, "</ul>\n</div>\n");

	char bd[32];
	health_fmt_duration(bin_s, bd, sizeof bd);
	fprintf(f, "<h2>Plots</h2>\n<p>Each point is %s of capture time.</p>\n", bd);
	plot_traffic(f, h, bin_s > 0 ? bin_s : 1, secs);
	plot_sessions(f, h, bin_s > 0 ? bin_s : 1, secs);
	plot_dirs(f, h, secs);
	plot_loss(f, h, secs);
	subnet_table(f, r);

	fprintf(f, "<h2>Checks</h2>\n");
	for (unsigned s = 0; s < r->nscopes; s++) {
		const struct health_scope *sc = &r->scopes[s];
		fprintf(f, "<h3 class='scope'><span class='badge %s'>%s</span> %s ",
			vclass(sc->worst), verdict_upper(sc->worst),
			sc->kind == SCOPE_INPUT ? "Input" : sc->kind == SCOPE_SESSION ? "Session" : "Overall");
		esc(f, sc->kind == SCOPE_OVERALL ? "" : sc->name);
		fprintf(f, " (%s)</h3>\n<table class='checks'>\n", sc->method);
		for (unsigned i = 0; i < sc->nchecks; i++) {
			const struct health_check *c = &sc->checks[i];
			fprintf(f, "<tr class='check' data-id='%s'><td class='%s'><b>%s</b></td><td>", c->id,
				vclass(c->v), verdict_upper(c->v));
			esc(f, c->title);
			fprintf(f, "</td><td>");
			esc(f, c->figures);
			if (c->advice[0] && c->v >= VERDICT_WARN) {
				fprintf(f, "<div class='advice'>");
				esc(f, c->advice);
				fprintf(f, "</div>");
			}
			fprintf(f, "</td></tr>\n");
		}
		fprintf(f, "</table>\n");
	}
	fprintf(f, "<p class='na'>mirrorsense verify; times in UTC.</p>\n</body></html>\n");
	int err = ferror(f);
	if (fclose(f) || err) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
