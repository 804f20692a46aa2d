/*
 * summary.c - the read/live summary, as text and as JSON. Both print the
 * same content in the same order: run, inputs, totals, tunnel termination,
 * encapsulations, mirror sessions, VLANs, duplicates, flows and ACKed-unseen,
 * top flows, decoder events. Counters come from the stages; nothing is
 * recomputed here.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "output/json.h"
#include "output/summary.h"

void summary_format_addr(const struct ip_addr *a, char *buf, size_t len)
{
	if (a->family == 4)
		inet_ntop(AF_INET, a->a, buf, (socklen_t)len);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->a, buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
}

static void fmt_time(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06uZ", (unsigned)((ns % 1000000000ull) / 1000));
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "icmp6";
	case 47: return "gre";
	case 132: return "sctp";
	default: return "ip";
	}
}

/* The session's identifier in words: "session 5", "vni 42", "vlan 900". */
static void session_label(const struct mirror_session *s, char *buf, size_t len)
{
	const char *what;
	switch (s->transport) {
	case TRANSPORT_ERSPAN2:
	case TRANSPORT_ERSPAN3: what = "session"; break;
	case TRANSPORT_VXLAN:
	case TRANSPORT_GENEVE: what = "vni"; break;
	case TRANSPORT_GRE: what = "key"; break;
	case TRANSPORT_RSPAN: what = "vlan"; break;
	default: what = NULL;
	}
	if (what && s->has_id)
		snprintf(buf, len, "%s %u", what, s->id);
	else
		snprintf(buf, len, "-");
}

static uint64_t total_seq_lost(const struct session_table *t)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < session_count(t); i++)
		n += session_at(t, i)->seq_lost;
	return n;
}

static uint64_t total_kernel_drops(const struct source *src)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < src->ninputs; i++)
		n += src->in[i].kernel_drops;
	return n;
}

static void rules_text(const struct admit_config *a, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	if (a->nsessions) {
		off += (size_t)snprintf(buf + off, len - off, "ERSPAN sessions ");
		for (unsigned i = 0; i < a->nsessions && off < len; i++) {
			if (a->sessions[i] == a->sessions_hi[i])
				off += (size_t)snprintf(buf + off, len - off, "%s%u", i ? "," : "", a->sessions[i]);
			else
				off += (size_t)snprintf(buf + off, len - off, "%s%u-%u", i ? "," : "",
							a->sessions[i], a->sessions_hi[i]);
		}
	}
	if (a->nsources && off < len) {
		off += (size_t)snprintf(buf + off, len - off, "%ssources ", off ? "; " : "");
		for (unsigned i = 0; i < a->nsources && off < len; i++) {
			char ab[64];
			summary_format_addr(&a->sources[i], ab, sizeof ab);
			int host = (a->sources[i].family == 4 && a->source_plen[i] == 32) ||
				   (a->sources[i].family == 6 && a->source_plen[i] == 128);
			if (host)
				off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "", ab);
			else
				off += (size_t)snprintf(buf + off, len - off, "%s%s/%u", i ? "," : "", ab,
							a->source_plen[i]);
		}
	}
}

/* ------------------------------------------------------------------ text */

/* The pipeline's events plus the inventory's (--db), if any. */
static const struct event_counts *all_events(const struct summary_ctx *c,
					     struct event_counts *buf)
{
	const struct event_counts *ev = pipeline_events(c->pl);
	if (!c->extra_events)
		return ev;
	for (int i = 0; i < EV__COUNT; i++)
		buf->n[i] = ev->n[i] + c->extra_events->n[i];
	return buf;
}

void summary_text(FILE *f, const struct summary_ctx *c)
{
	const struct pipeline_stats *st = pipeline_stats(c->pl);
	const struct pipeline_config *cfg = pipeline_config(c->pl);
	const struct session_table *sess = pipeline_sessions(c->pl);
	const struct flow_stats *fs = flow_stats(pipeline_flows(c->pl));
	struct event_counts evbuf;
	const struct event_counts *ev = all_events(c, &evbuf);
	char t0[40] = "-", t1[40] = "-";
	double span = 0;

	if (st->packets) {
		fmt_time(st->first_ns, t0, sizeof t0);
		fmt_time(st->last_ns, t1, sizeof t1);
		span = (double)(st->last_ns - st->first_ns) / 1e9;
	}
	fprintf(f, "mirrorsense %s: %llu packets, %llu bytes, %.3f s of traffic (%s .. %s)%s\n",
		c->command, (unsigned long long)st->packets, (unsigned long long)st->bytes, span, t0, t1,
		c->stopped ? " [stopped early]" : "");
	if (c->input_error)
		fprintf(f, "  WARNING: input ended early: %s\n", c->input_error);

	fprintf(f, "\nInputs\n");
	for (unsigned i = 0; i < c->src->ninputs; i++) {
		const struct source_input_stats *in = &c->src->in[i];
		if (strlen(in->name) > 28)
			fprintf(f, "  %s\n  %-28s", in->name, "");
		else
			fprintf(f, "  %-28s", in->name);
		fprintf(f, " %-6s snaplen %-6u packets %-10llu bytes %-12llu",
			in->live ? "live" : "file", in->snaplen,
			(unsigned long long)in->packets, (unsigned long long)in->bytes);
		if (in->live)
			fprintf(f, " kernel drops %llu", (unsigned long long)in->kernel_drops);
		fputc('\n', f);
	}

	fprintf(f, "\nTotals\n");
	fprintf(f, "  %-34s %llu\n", "packets captured", (unsigned long long)st->packets);
	fprintf(f, "  %-34s %llu\n", "original frames decapsulated", (unsigned long long)st->frames);
	if (st->held_fragments)
		fprintf(f, "  %-34s %llu\n", "outer fragments held/rebuilt", (unsigned long long)st->held_fragments);
	fprintf(f, "  %-34s %llu (%.2f%%)\n", "duplicates removed", (unsigned long long)st->duplicates,
		pct(st->duplicates, st->frames));
	fprintf(f, "  %-34s %llu\n", "unique frames", (unsigned long long)st->unique);
	fprintf(f, "  %-34s %llu\n", "refused by tunnel rules", (unsigned long long)st->rejected);
	fprintf(f, "  %-34s %llu\n", "cut by the capture snap length", (unsigned long long)st->truncated);
	fprintf(f, "  %-34s %llu\n", "lost upstream (sequence gaps)", (unsigned long long)total_seq_lost(sess));
	fprintf(f, "  %-34s %llu\n", "dropped by this sensor's kernel", (unsigned long long)total_kernel_drops(c->src));
	if (st->ts_backwards)
		fprintf(f, "  %-34s %llu\n", "timestamps going backwards", (unsigned long long)st->ts_backwards);
	if (st->written)
		fprintf(f, "  %-34s %llu\n", "frames written (-w)", (unsigned long long)st->written);

	fprintf(f, "\nTunnel termination\n");
	if (c->explicit_rules) {
		char rb[512];
		rules_text(&cfg->admit, rb, sizeof rb);
		fprintf(f, "  accepting only %s; refused %llu packets\n", rb, (unsigned long long)st->rejected);
	} else {
		fprintf(f, "  accepting every ERSPAN/GRE/VXLAN/Geneve/TZSP session from every source"
			   " (no --erspan-session / --erspan-source given)\n");
	}
	if (cfg->decode.nrspan_vlans) {
		fprintf(f, "  stripping RSPAN VLAN");
		for (unsigned i = 0; i < cfg->decode.nrspan_vlans; i++)
			fprintf(f, "%s %u", i ? "," : "", cfg->decode.rspan_vlans[i]);
		fputc('\n', f);
	} else {
		fprintf(f, "  no RSPAN VLAN stripped (none given with --rspan-vlan)\n");
	}
	for (unsigned i = 0; i < c->nclaims; i++)
		fprintf(f, "  %s\n", c->claims[i]);

	fprintf(f, "\nEncapsulations (frames after tunnel rules)\n");
	for (int t = 0; t < TRANSPORT__COUNT; t++)
		if (st->by_transport[t])
			fprintf(f, "  %-10s %llu\n", transport_name((enum transport)t),
				(unsigned long long)st->by_transport[t]);

	fprintf(f, "\nMirror sessions\n");
	fprintf(f, "  %-3s %-8s %-16s %-12s %-6s %10s %12s %8s %8s %8s %8s %8s %8s %8s\n", "#",
		"method", "source", "id", "input", "packets", "bytes", "seq-lost", "reorder", "repeat",
		"restart", "trunc", "dups", "refused");
	for (unsigned i = 0; i < session_count(sess); i++) {
		const struct mirror_session *s = session_at(sess, i);
		char ab[64], lb[32];
		summary_format_addr(&s->src, ab, sizeof ab);
		session_label(s, lb, sizeof lb);
		fprintf(f, "  %-3u %-8s %-16s %-12s %-6u %10llu %12llu %8llu %8llu %8llu %8llu %8llu %8llu %8llu\n",
			i, transport_name(s->transport), ab, lb, s->source,
			(unsigned long long)s->packets, (unsigned long long)s->bytes,
			(unsigned long long)s->seq_lost, (unsigned long long)s->seq_reordered,
			(unsigned long long)s->seq_repeated, (unsigned long long)s->seq_restarts,
			(unsigned long long)s->truncated, (unsigned long long)s->duplicates,
			(unsigned long long)s->rejected);
		if (s->dir_ingress || s->dir_egress)
			fprintf(f, "      direction bit: ingress %llu, egress %llu\n",
				(unsigned long long)s->dir_ingress, (unsigned long long)s->dir_egress);
		if (s->outer_fragmented)
			fprintf(f, "      arrived as outer IP fragments (rebuilt): %llu\n",
				(unsigned long long)s->outer_fragmented);
	}
	if (session_overflow(sess))
		fprintf(f, "  (session table full: %llu packets not accounted to a session)\n",
			(unsigned long long)session_overflow(sess));

	fprintf(f, "\nVLANs (inner, unique frames)\n  untagged %llu", (unsigned long long)st->untagged);
	unsigned shown = 0;
	for (unsigned v = 0; v < PIPELINE_VLANS; v++)
		if (st->vlan_packets[v]) {
			fprintf(f, "%svlan %u: %llu", shown++ % 6 == 5 ? "\n  " : ", ", v,
				(unsigned long long)st->vlan_packets[v]);
		}
	fputc('\n', f);

	fprintf(f, "\nDuplicates (window %.3f ms%s)\n", cfg->dedup.window_ns / 1e6,
		cfg->dedup.enabled ? "" : ", dedup off");
	if (!st->ndup_pairs)
		fprintf(f, "  none removed\n");
	for (unsigned i = 0; i < st->ndup_pairs; i++) {
		const struct pipeline_dup_pair *dp = &st->dup_pairs[i];
		if (dp->orig_session == dp->copy_session)
			fprintf(f, "  %llu copies within session #%u (a packet mirrored twice, e.g. on both ports it crossed)\n",
				(unsigned long long)dp->packets, dp->orig_session);
		else
			fprintf(f, "  %llu copies of session #%u packets also arrived on session #%u (overlapping sessions)\n",
				(unsigned long long)dp->packets, dp->orig_session, dp->copy_session);
	}

	uint64_t acked = fs->acked_bytes, unseen = fs->unseen_bytes;
	fprintf(f, "\nFlows\n");
	fprintf(f, "  created %llu, ended %llu, evicted by the memory bound %llu, peak %llu\n",
		(unsigned long long)fs->created, (unsigned long long)st->flows_ended,
		(unsigned long long)fs->evicted, (unsigned long long)fs->peak);
	fprintf(f, "  TCP ACKed but never seen: %llu of %llu ACKed bytes (%.3f%%)\n",
		(unsigned long long)unseen, (unsigned long long)acked, pct(unseen, acked));

	if (c->top && st->ntop) {
		fprintf(f, "\nTop flows (by bytes)\n");
		for (unsigned i = 0; i < st->ntop && i < c->top; i++) {
			const struct flow *fl = &st->top[i];
			char a[64], b[64];
			summary_format_addr(&fl->a[0], a, sizeof a);
			summary_format_addr(&fl->a[1], b, sizeof b);
			fprintf(f, "  %-5s %s:%u -> %s:%u  packets %llu/%llu  bytes %llu/%llu",
				proto_name(fl->proto), a, fl->port[0], b, fl->port[1],
				(unsigned long long)fl->packets[0], (unsigned long long)fl->packets[1],
				(unsigned long long)fl->bytes[0], (unsigned long long)fl->bytes[1]);
			if (fl->vlan)
				fprintf(f, "  vlan %u", fl->vlan);
			fputc('\n', f);
		}
	}

	fprintf(f, "\nDecoder and stage events\n");
	unsigned nev = 0;
	for (int i = 0; i < EV__COUNT; i++)
		if (ev->n[i]) {
			fprintf(f, "  %-36s %10llu  %s\n", event_name((enum event_id)i),
				(unsigned long long)ev->n[i], event_help((enum event_id)i));
			nev++;
		}
	if (!nev)
		fprintf(f, "  none\n");
	fflush(f);
}

/* ------------------------------------------------------------------ JSON */

void summary_json(FILE *f, const struct summary_ctx *c)
{
	const struct pipeline_stats *st = pipeline_stats(c->pl);
	const struct pipeline_config *cfg = pipeline_config(c->pl);
	const struct session_table *sess = pipeline_sessions(c->pl);
	const struct flow_stats *fs = flow_stats(pipeline_flows(c->pl));
	struct event_counts evbuf;
	const struct event_counts *ev = all_events(c, &evbuf);
	const struct dedup_stats *ds = dedup_stats(pipeline_dedup(c->pl));
	struct json w;
	char buf[512];

	json_init(&w, f, true);
	json_obj_begin(&w);
	json_kstr(&w, "command", c->command);
	json_kbool(&w, "stopped_early", c->stopped);
	if (c->input_error)
		json_kstr(&w, "input_error", c->input_error);
	json_ku64(&w, "first_ns", st->first_ns);
	json_ku64(&w, "last_ns", st->last_ns);

	json_key(&w, "inputs");
	json_arr_begin(&w);
	for (unsigned i = 0; i < c->src->ninputs; i++) {
		const struct source_input_stats *in = &c->src->in[i];
		json_obj_begin(&w);
		json_ku64(&w, "index", i);
		json_kstr(&w, "name", in->name);
		json_kbool(&w, "live", in->live);
		json_ku64(&w, "linktype", (uint64_t)in->linktype);
		json_ku64(&w, "snaplen", in->snaplen);
		json_ku64(&w, "packets", in->packets);
		json_ku64(&w, "bytes", in->bytes);
		json_ku64(&w, "kernel_drops", in->kernel_drops);
		json_ku64(&w, "link_speed_mbps", in->link_speed_mbps);
		json_obj_end(&w);
	}
	json_arr_end(&w);

	json_key(&w, "totals");
	json_obj_begin(&w);
	json_ku64(&w, "packets", st->packets);
	json_ku64(&w, "bytes", st->bytes);
	json_ku64(&w, "frames", st->frames);
	json_ku64(&w, "frame_bytes", st->frame_bytes);
	json_ku64(&w, "held_fragments", st->held_fragments);
	json_ku64(&w, "duplicates", st->duplicates);
	json_ku64(&w, "unique", st->unique);
	json_ku64(&w, "unique_bytes", st->unique_bytes);
	json_ku64(&w, "rejected", st->rejected);
	json_ku64(&w, "truncated", st->truncated);
	json_ku64(&w, "non_ip", st->non_ip);
	json_ku64(&w, "seq_lost", total_seq_lost(sess));
	json_ku64(&w, "kernel_drops", total_kernel_drops(c->src));
	json_ku64(&w, "ts_backwards", st->ts_backwards);
	json_ku64(&w, "written", st->written);
	json_obj_end(&w);

	json_key(&w, "tunnel_termination");
	json_obj_begin(&w);
	json_kbool(&w, "accept_all", !c->explicit_rules);
	json_key(&w, "sessions");
	json_arr_begin(&w);
	for (unsigned i = 0; i < cfg->admit.nsessions; i++) {
		json_arr_begin(&w);
		json_u64(&w, cfg->admit.sessions[i]);
		json_u64(&w, cfg->admit.sessions_hi[i]);
		json_arr_end(&w);
	}
	json_arr_end(&w);
	json_key(&w, "sources");
	json_arr_begin(&w);
	for (unsigned i = 0; i < cfg->admit.nsources; i++) {
		summary_format_addr(&cfg->admit.sources[i], buf, sizeof buf);
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof buf - n, "/%u", cfg->admit.source_plen[i]);
		json_str(&w, buf);
	}
	json_arr_end(&w);
	json_key(&w, "rspan_vlans");
	json_arr_begin(&w);
	for (unsigned i = 0; i < cfg->decode.nrspan_vlans; i++)
		json_u64(&w, cfg->decode.rspan_vlans[i]);
	json_arr_end(&w);
	json_key(&w, "host_claims");
	json_arr_begin(&w);
	for (unsigned i = 0; i < c->nclaims; i++)
		json_str(&w, c->claims[i]);
	json_arr_end(&w);
	json_obj_end(&w);

	json_key(&w, "encapsulations");
	json_obj_begin(&w);
	for (int t = 0; t < TRANSPORT__COUNT; t++)
		if (st->by_transport[t])
			json_ku64(&w, transport_name((enum transport)t), st->by_transport[t]);
	json_obj_end(&w);

	json_key(&w, "sessions");
	json_arr_begin(&w);
	for (unsigned i = 0; i < session_count(sess); i++) {
		const struct mirror_session *s = session_at(sess, i);
		json_obj_begin(&w);
		json_ku64(&w, "index", i);
		json_kstr(&w, "transport", transport_name(s->transport));
		summary_format_addr(&s->src, buf, sizeof buf);
		json_kstr(&w, "source_address", buf);
		json_key(&w, "id");
		if (s->has_id)
			json_u64(&w, s->id);
		else
			json_null(&w);
		json_ku64(&w, "input", s->source);
		json_ku64(&w, "packets", s->packets);
		json_ku64(&w, "bytes", s->bytes);
		json_ku64(&w, "first_ns", s->first_ns);
		json_ku64(&w, "last_ns", s->last_ns);
		json_ku64(&w, "seq_packets", s->seq_packets);
		json_ku64(&w, "seq_lost", s->seq_lost);
		json_ku64(&w, "seq_gap_events", s->seq_gap_events);
		json_ku64(&w, "seq_reordered", s->seq_reordered);
		json_ku64(&w, "seq_repeated", s->seq_repeated);
		json_ku64(&w, "seq_restarts", s->seq_restarts);
		json_ku64(&w, "truncated", s->truncated);
		json_ku64(&w, "outer_fragmented", s->outer_fragmented);
		json_ku64(&w, "dir_ingress", s->dir_ingress);
		json_ku64(&w, "dir_egress", s->dir_egress);
		json_ku64(&w, "duplicates", s->duplicates);
		json_ku64(&w, "rejected", s->rejected);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_ku64(&w, "sessions_overflow", session_overflow(sess));

	json_key(&w, "vlans");
	json_obj_begin(&w);
	json_ku64(&w, "untagged", st->untagged);
	for (unsigned v = 0; v < PIPELINE_VLANS; v++)
		if (st->vlan_packets[v]) {
			snprintf(buf, sizeof buf, "%u", v);
			json_ku64(&w, buf, st->vlan_packets[v]);
		}
	json_obj_end(&w);

	json_key(&w, "dedup");
	json_obj_begin(&w);
	json_kbool(&w, "enabled", cfg->dedup.enabled);
	json_ku64(&w, "window_ns", cfg->dedup.window_ns);
	json_ku64(&w, "checked", ds->checked);
	json_ku64(&w, "duplicates", ds->duplicates);
	json_ku64(&w, "evicted_early", ds->evicted_early);
	json_key(&w, "pairs");
	json_arr_begin(&w);
	for (unsigned i = 0; i < st->ndup_pairs; i++) {
		json_obj_begin(&w);
		json_ku64(&w, "kept_session", st->dup_pairs[i].orig_session);
		json_ku64(&w, "removed_session", st->dup_pairs[i].copy_session);
		json_ku64(&w, "packets", st->dup_pairs[i].packets);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);

	json_key(&w, "flows");
	json_obj_begin(&w);
	json_ku64(&w, "created", fs->created);
	json_ku64(&w, "ended", st->flows_ended);
	json_ku64(&w, "evicted", fs->evicted);
	json_ku64(&w, "peak", fs->peak);
	json_ku64(&w, "max_flows", cfg->flow.max_flows);
	json_ku64(&w, "tcp_acked_bytes", fs->acked_bytes);
	json_ku64(&w, "tcp_unseen_bytes", fs->unseen_bytes);
	json_kdouble(&w, "tcp_unseen_pct", pct(fs->unseen_bytes, fs->acked_bytes));
	json_key(&w, "top");
	json_arr_begin(&w);
	for (unsigned i = 0; i < st->ntop && i < c->top; i++) {
		const struct flow *fl = &st->top[i];
		json_obj_begin(&w);
		json_kstr(&w, "proto", proto_name(fl->proto));
		summary_format_addr(&fl->a[0], buf, sizeof buf);
		json_kstr(&w, "src", buf);
		json_ku64(&w, "sport", fl->port[0]);
		summary_format_addr(&fl->a[1], buf, sizeof buf);
		json_kstr(&w, "dst", buf);
		json_ku64(&w, "dport", fl->port[1]);
		json_ku64(&w, "vlan", fl->vlan);
		json_ku64(&w, "packets_fwd", fl->packets[0]);
		json_ku64(&w, "packets_rev", fl->packets[1]);
		json_ku64(&w, "bytes_fwd", fl->bytes[0]);
		json_ku64(&w, "bytes_rev", fl->bytes[1]);
		json_ku64(&w, "unseen_bytes", fl->unseen_bytes[0] + fl->unseen_bytes[1]);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);

	json_key(&w, "events");
	json_obj_begin(&w);
	for (int i = 0; i < EV__COUNT; i++)
		if (ev->n[i])
			json_ku64(&w, event_name((enum event_id)i), ev->n[i]);
	json_obj_end(&w);

	json_obj_end(&w);
	json_end(&w);
}
