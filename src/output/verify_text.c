/*
 * verify_text.c - the readable `mirrorsense verify` report.
 *
 * Layout, for a network engineer who never saw the tool:
 *   header (inputs, period, packets)
 *   VERDICT line and every check that warned or failed, with its scope
 *   one block per monitoring input, per mirror session, then overall:
 *     VERDICT  title  figures
 *              cause and fix (indented, wrapped)
 *   deployment analysis: the subnet table, VLANs, missing directions
 * Deterministic: fixed ordering, times in UTC.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/verify.h"

#define WRAP 100          /* line width of wrapped advice */
#define INDENT 8          /* indent of advice lines */
#define MAX_SUBNET_ROWS 30
#define FIG_COL 39        /* column where a check's figures start */
#define FIG_WRAP 110      /* line width of wrapped figures */

/* Print text wrapped at WRAP columns, every line indented by ind. */
static void wrap(FILE *f, const char *text, int ind)
{
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		int width = WRAP - ind;
		int n = (int)strlen(p);
		int take = n;
		if (n > width) {
			take = width;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = width;
		}
		fprintf(f, "%*s%.*s\n", ind, "", take, p);
		p += take;
	}
}

/* Figures wrapped at FIG_WRAP columns, continuation lines aligned under them. */
static void print_figures(FILE *f, const char *text)
{
	const char *p = text;
	bool first = true;
	while (*p) {
		while (*p == ' ')
			p++;
		int width = FIG_WRAP - FIG_COL;
		int n = (int)strlen(p);
		int take = n;
		if (n > width) {
			take = width;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = width;
		}
		fprintf(f, "%*s%.*s\n", first ? 0 : FIG_COL, "", take, p);
		first = false;
		p += take;
	}
	if (first)
		fprintf(f, "\n");
}

static void print_check(FILE *f, const struct health_check *c)
{
	fprintf(f, "  %-4s  %-*s ", verdict_upper(c->v), FIG_COL - 9, c->title);
	print_figures(f, c->figures);
	if (c->advice[0] && c->v != VERDICT_PASS && c->v != VERDICT_NA)
		wrap(f, c->advice, INDENT);
	else if (c->advice[0] && !strcmp(c->id, "deployment"))
		wrap(f, c->advice, INDENT);
}

static void deployment(FILE *f, const struct health_report *r)
{
	const struct health *h = r->h;
	fprintf(f, "\nDeployment analysis\n");
	if (!h->nsubnets && !h->unique) {
		fprintf(f, "  nothing seen\n");
		return;
	}
	unsigned *idx = calloc(h->nsubnets ? h->nsubnets : 1, sizeof(*idx));
	if (!idx)
		return;
	health_subnet_order(h, idx);
	fprintf(f, "  %-22s %10s %6s %6s %5s %-12s %7s %8s  %s\n", "subnet", "packets", "hosts",
		"MACs", "bcast", "VLANs", "dirs", "unseen", "protocols");
	unsigned rows = h->nsubnets < MAX_SUBNET_ROWS ? h->nsubnets : MAX_SUBNET_ROWS;
	for (unsigned k = 0; k < rows; k++) {
		const struct health_subnet *s = &h->subnets[idx[k]];
		char name[64], pk[32], vl[32] = "", pr[400], ls[16] = "-", dr[16] = "-";
		health_subnet_name(s, name, sizeof name);
		health_fmt_count(s->packets, pk, sizeof pk);
		size_t o = 0;
		for (unsigned i = 0; i < s->nvlans && o < sizeof vl; i++) {
			int w = s->vlans[i] ? snprintf(vl + o, sizeof vl - o, "%s%u", i ? "," : "", s->vlans[i])
					    : snprintf(vl + o, sizeof vl - o, "%suntagged", i ? "," : "");
			o += w > 0 ? (size_t)w : 0;
		}
		if (s->vlans_overflow && o < sizeof vl)
			snprintf(vl + o, sizeof vl - o, ",...");
		if (!s->nvlans)
			snprintf(vl, sizeof vl, "-");
		health_fmt_protos(s->protos, pr, sizeof pr);
		if (s->tcp_acked)
			snprintf(ls, sizeof ls, "%.2f%%", 100.0 * (double)s->tcp_unseen / (double)s->tcp_acked);
		if (s->dirs.conns)
			snprintf(dr, sizeof dr, "%.0f%%", 100.0 * (double)s->dirs.both / (double)s->dirs.conns);
		char macs[16];
		snprintf(macs, sizeof macs, "%u%s", s->nmacs, s->macs_overflow ? "+" : "");
		char hosts[16];
		snprintf(hosts, sizeof hosts, "%u%s", health_subnet_hosts(s),
			 s->v6_hosts_overflow ? "+" : "");
		fprintf(f, "  %-22s %10s %6s %6s %5s %-12s %7s %8s  %s\n", name, pk, hosts, macs,
			s->broadcast ? "yes" : "no", vl, dr, ls, pr);
		if (r->inv && r->inv[idx[k]].known)
			fprintf(f, "  %-22s inventory: %u devices (%s)%s%s\n", "", r->inv[idx[k]].devices,
				r->inv[idx[k]].types,
				r->inv[idx[k]].ot_protocols[0] ? ", OT protocols: " : "",
				r->inv[idx[k]].ot_protocols);
	}
	if (h->nsubnets > rows)
		fprintf(f, "  ... and %u more subnets (see --json)\n", h->nsubnets - rows);
	fprintf(f, "  (hosts = unicast addresses; MACs = source MACs of its hosts, one MAC for several\n"
		   "  hosts means routed traffic; bcast = broadcast from it seen; dirs = its TCP connections\n"
		   "  seen both ways; unseen = TCP data its hosts sent, ACKed but never seen)\n");
	free(idx);

	fprintf(f, "  VLANs:");
	unsigned shown = 0, total = 0;
	for (unsigned v = 0; v < HEALTH_VLANS; v++) {
		if (!h->vlans[v].packets)
			continue;
		total++;
		if (shown < 24) {
			char pk[32];
			health_fmt_count(h->vlans[v].packets, pk, sizeof pk);
			fprintf(f, "%s %u (%s frames)", shown ? "," : "", v, pk);
			shown++;
		}
	}
	if (total > shown)
		fprintf(f, ", ... %u more", total - shown);
	if (!total)
		fprintf(f, " none");
	char un[32];
	health_fmt_count(h->untagged, un, sizeof un);
	fprintf(f, "; untagged: %s frames\n", un);
	fprintf(f, "  MAC addresses seen: %u%s; frames without IP: %llu\n", h->nmacs,
		h->mac_overflow ? " (table full)" : "", (unsigned long long)h->non_ip);
	if (h->noneway) {
		fprintf(f, "  Hosts in one-way TCP connections (traffic to it missing / from it missing):\n");
		bool done[HEALTH_ONEWAY_HOSTS] = { false };
		for (unsigned k = 0; k < 10 && k < h->noneway; k++) {
			int best = -1;
			for (unsigned i = 0; i < h->noneway; i++) {
				const struct health_oneway_host *o = &h->oneway[i];
				if (done[i])
					continue;
				uint64_t n = o->to_missing + o->from_missing, bn = 0;
				if (best >= 0)
					bn = h->oneway[best].to_missing + h->oneway[best].from_missing;
				/* Most connections first; ties by address. */
				if (best < 0 || n > bn ||
				    (n == bn && memcmp(&o->addr, &h->oneway[best].addr, sizeof(o->addr)) < 0))
					best = (int)i;
			}
			done[best] = true;
			char a[64];
			health_addr_name(&h->oneway[best].addr, a, sizeof a);
			fprintf(f, "    %-39s %llu / %llu connections\n", a,
				(unsigned long long)h->oneway[best].to_missing,
				(unsigned long long)h->oneway[best].from_missing);
		}
		if (h->noneway > 10)
			fprintf(f, "    ... and %u more hosts (see --json)\n", h->noneway - 10);
	}
	bool ev = false;
	for (unsigned i = 0; i < EV__COUNT; i++)
		if (h->events.n[i]) {
			fprintf(f, "%s %s %llu", ev ? "," : "  report tables overflowed:", event_name((enum event_id)i),
				(unsigned long long)h->events.n[i]);
			ev = true;
		}
	if (ev)
		fprintf(f, "\n");
	if (h->nmissing) {
		fprintf(f, "  Missing directions (from -> to, one-way TCP connections):\n");
		for (unsigned i = 0; i < h->nmissing && i < 10; i++) {
			const struct health_missing *m = &h->missing[i];
			char a[64] = "elsewhere", b[64] = "elsewhere";
			if (m->from >= 0)
				health_subnet_name(&h->subnets[m->from], a, sizeof a);
			if (m->to >= 0)
				health_subnet_name(&h->subnets[m->to], b, sizeof b);
			fprintf(f, "    %s -> %s: %llu connections\n", a, b, (unsigned long long)m->conns);
		}
	}
}

/* True when check i of scope s was already listed in the summary with an
 * earlier scope (same verdict and title). */
static bool summary_seen(const struct health_report *r, unsigned s, unsigned i,
			 const struct health_check *c)
{
	(void)i;
	for (unsigned t = 0; t < s; t++)
		for (unsigned k = 0; k < r->scopes[t].nchecks; k++) {
			const struct health_check *o = &r->scopes[t].checks[k];
			if (o->v == c->v && !strcmp(o->title, c->title))
				return true;
		}
	return false;
}

void verify_text(FILE *f, const struct health_report *r, const struct verify_meta *m)
{
	const struct health *h = r->h;
	fprintf(f, "mirrorsense verify: mirror health report\n");
	fprintf(f, "inputs:  ");
	unsigned n = 0;
	for (unsigned i = 0; i < h->ninputs; i++) {
		if (!h->in[i].used)
			continue;
		fprintf(f, "%s%s (%s)", n++ ? ", " : "", h->in[i].name, h->in[i].live ? "interface" : "file");
	}
	fprintf(f, "\n");
	if (h->packets) {
		char a[48], b[48], d[32];
		health_fmt_time(h->first_ns, a, sizeof a);
		health_fmt_time(h->last_ns, b, sizeof b);
		health_fmt_duration(r->duration_s, d, sizeof d);
		fprintf(f, "period:  %s to %s (%s)\n", a, b, d);
	}
	char p[32], fr[32], du[32];
	health_fmt_count(h->packets, p, sizeof p);
	health_fmt_count(h->frames, fr, sizeof fr);
	health_fmt_count(h->duplicates, du, sizeof du);
	fprintf(f, "packets: %s captured, %s original frames, %s duplicates removed, %u mirror "
		   "session%s\n", p, fr, du, h->nsess, h->nsess == 1 ? "" : "s");
	if (m && m->expect_path)
		fprintf(f, "expect:  %s\n", m->expect_path);
	if (m && m->input_error)
		fprintf(f, "input error: %s (the report covers what was read)\n", m->input_error);

	fprintf(f, "\nEach check below shows its verdict (PASS, WARN, FAIL, N/A = nothing to judge) and the\n"
		   "figures behind it; under a WARN or FAIL, the likely cause and the fix.\n");
	fprintf(f, "\nVERDICT: %s - %u failed, %u warned, %u passed, %u not applicable\n",
		r->worst == VERDICT_FAIL ? "FAIL" : r->worst == VERDICT_WARN ? "WARN" : "PASS",
		r->counts[VERDICT_FAIL], r->counts[VERDICT_WARN], r->counts[VERDICT_PASS],
		r->counts[VERDICT_NA]);
	/* One line per check that warned or failed, naming every scope where
	 * it did (a problem seen on an input usually shows overall too). */
	bool any = false;
	for (int want = VERDICT_FAIL; want >= VERDICT_WARN; want--)
		for (unsigned s = 0; s < r->nscopes; s++)
			for (unsigned i = 0; i < r->scopes[s].nchecks; i++) {
				const struct health_check *c = &r->scopes[s].checks[i];
				if ((int)c->v != want || summary_seen(r, s, i, c))
					continue;
				fprintf(f, "  %-4s  %-*s %s", verdict_upper(c->v), FIG_COL - 9, c->title,
					r->scopes[s].name);
				for (unsigned t = s + 1; t < r->nscopes; t++)
					for (unsigned k = 0; k < r->scopes[t].nchecks; k++) {
						const struct health_check *o = &r->scopes[t].checks[k];
						if (o->v == c->v && !strcmp(o->title, c->title))
							fprintf(f, "; %s", r->scopes[t].name);
					}
				fprintf(f, "\n");
				any = true;
			}
	if (!any)
		fprintf(f, "  every check passed or did not apply\n");

	for (unsigned s = 0; s < r->nscopes; s++) {
		const struct health_scope *sc = &r->scopes[s];
		const char *kind = sc->kind == SCOPE_INPUT ? "Input" : sc->kind == SCOPE_SESSION ? "Session" : "Overall";
		if (sc->kind == SCOPE_OVERALL)
			fprintf(f, "\nOverall (%s)\n", sc->method);
		else
			fprintf(f, "\n%s %s - %s\n", kind, sc->name, sc->method);
		for (unsigned i = 0; i < sc->nchecks; i++)
			print_check(f, &sc->checks[i]);
	}
	deployment(f, r);
}
