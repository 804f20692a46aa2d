/*
 * verify_json.c - `mirrorsense verify --json`: the report as one JSON
 * document (RFC 8259) for scripts and dashboards.
 *
 *   { "verdict": "fail", "exit_status": 2, "counts": {...},
 *     "inputs": [...], "period": {...},
 *     "scopes": [ { "kind": "input"|"session"|"overall", "name", "method",
 *                   "verdict", "checks": [ { "id", "title", "verdict",
 *                   "figures": "...", "advice": "...", "values": {...} } ] } ],
 *     "deployment": { "subnets": [...], "vlans": [...], "macs": N,
 *                     "missing_directions": [...] } }
 *
 * Check ids and value keys are stable (docs/verify.md).
 */
#include <math.h>
#include <stdlib.h>

#include "output/json.h"
#include "output/verify.h"

static void check_json(struct json *w, const struct health_check *c)
{
	json_obj_begin(w);
	json_kstr(w, "id", c->id);
	json_kstr(w, "title", c->title);
	json_kstr(w, "verdict", verdict_name(c->v));
	json_kstr(w, "figures", c->figures);
	json_kstr(w, "advice", c->advice);
	json_key(w, "values");
	json_obj_begin(w);
	for (unsigned i = 0; i < c->nfigs; i++) {
		json_key(w, c->figs[i].key);
		if (c->figs[i].integer)
			json_u64(w, (uint64_t)c->figs[i].value);
		else
			json_double(w, round(c->figs[i].value * 1e4) / 1e4);
	}
	json_obj_end(w);
	json_obj_end(w);
}

static void dirs_json(struct json *w, const struct health_dirs *d)
{
	json_key(w, "tcp");
	json_obj_begin(w);
	json_ku64(w, "connections", d->conns);
	json_ku64(w, "both_ways", d->both);
	json_ku64(w, "only_client_to_server", d->only_c2s);
	json_ku64(w, "only_server_to_client", d->only_s2c);
	json_obj_end(w);
}

static void deployment_json(struct json *w, const struct health_report *r)
{
	const struct health *h = r->h;
	json_key(w, "deployment");
	json_obj_begin(w);
	json_key(w, "subnets");
	json_arr_begin(w);
	unsigned *idx = calloc(h->nsubnets ? h->nsubnets : 1, sizeof(*idx));
	if (idx) {
		health_subnet_order(h, idx);
		for (unsigned k = 0; k < h->nsubnets; k++) {
			const struct health_subnet *s = &h->subnets[idx[k]];
			char name[64];
			health_subnet_name(s, name, sizeof name);
			json_obj_begin(w);
			json_kstr(w, "subnet", name);
			json_ku64(w, "packets", s->packets);
			json_ku64(w, "bytes", s->bytes);
			json_ku64(w, "packets_from", s->pkts_from);
			json_ku64(w, "packets_to", s->pkts_to);
			json_ku64(w, "unicast_addresses", health_subnet_hosts(s));
			json_ku64(w, "macs", s->nmacs);
			json_kbool(w, "macs_overflow", s->macs_overflow);
			json_kbool(w, "broadcast", s->broadcast);
			json_key(w, "vlans");
			json_arr_begin(w);
			for (unsigned i = 0; i < s->nvlans; i++)
				json_u64(w, s->vlans[i]);
			json_arr_end(w);
			json_key(w, "protocols");
			json_arr_begin(w);
			for (unsigned i = 0; i < HEALTH_PROTOS; i++)
				if (s->protos & (1ull << i))
					json_str(w, health_proto_name(i));
			json_arr_end(w);
			dirs_json(w, &s->dirs);
			json_ku64(w, "missing_towards", s->missing_to);
			json_ku64(w, "missing_from", s->missing_from);
			json_ku64(w, "tcp_acked_bytes", s->tcp_acked);
			json_ku64(w, "tcp_unseen_bytes", s->tcp_unseen);
			if (r->inv && r->inv[idx[k]].known) {
				json_key(w, "inventory");
				json_obj_begin(w);
				json_ku64(w, "devices", r->inv[idx[k]].devices);
				json_kstr(w, "ot_protocols", r->inv[idx[k]].ot_protocols);
				json_kstr(w, "types", r->inv[idx[k]].types);
				json_obj_end(w);
			}
			json_obj_end(w);
		}
		free(idx);
	}
	json_arr_end(w);
	json_ku64(w, "subnets_not_kept", h->subnet_overflow);
	json_key(w, "vlans");
	json_arr_begin(w);
	for (unsigned v = 0; v < HEALTH_VLANS; v++) {
		if (!h->vlans[v].packets)
			continue;
		json_obj_begin(w);
		json_ku64(w, "vlan", v);
		json_ku64(w, "frames", h->vlans[v].packets);
		json_ku64(w, "bytes", h->vlans[v].bytes);
		dirs_json(w, &h->vlans[v].dirs);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_ku64(w, "untagged_frames", h->untagged);
	json_ku64(w, "macs", h->nmacs);
	json_ku64(w, "macs_not_kept", h->mac_overflow);
	json_ku64(w, "unicast_addresses", health_devices(h));
	json_key(w, "protocols");
	json_arr_begin(w);
	for (unsigned i = 0; i < HEALTH_PROTOS; i++)
		if (h->protos & (1ull << i))
			json_str(w, health_proto_name(i));
	json_arr_end(w);
	json_key(w, "one_way_hosts");
	json_arr_begin(w);
	for (unsigned i = 0; i < h->noneway; i++) {
		char a[64];
		health_addr_name(&h->oneway[i].addr, a, sizeof a);
		json_obj_begin(w);
		json_kstr(w, "address", a);
		json_ku64(w, "traffic_to_missing", h->oneway[i].to_missing);
		json_ku64(w, "traffic_from_missing", h->oneway[i].from_missing);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_ku64(w, "one_way_hosts_not_kept", h->oneway_overflow);
	json_key(w, "missing_directions");
	json_arr_begin(w);
	for (unsigned i = 0; i < h->nmissing; i++) {
		const struct health_missing *m = &h->missing[i];
		char a[64] = "", b[64] = "";
		if (m->from >= 0)
			health_subnet_name(&h->subnets[m->from], a, sizeof a);
		if (m->to >= 0)
			health_subnet_name(&h->subnets[m->to], b, sizeof b);
		json_obj_begin(w);
		json_key(w, "from");
		if (a[0])
			json_str(w, a);
		else
			json_null(w);
		json_key(w, "to");
		if (b[0])
			json_str(w, b);
		else
			json_null(w);
		json_ku64(w, "connections", m->conns);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

void verify_json(FILE *f, const struct health_report *r, const struct verify_meta *m)
{
	const struct health *h = r->h;
	struct json w;
	json_init(&w, f, true);
	json_obj_begin(&w);
	json_kstr(&w, "command", "verify");
	json_kstr(&w, "verdict", verdict_name(r->worst == VERDICT_NA ? VERDICT_PASS : r->worst));
	json_ku64(&w, "exit_status", (uint64_t)health_report_exit(r));
	json_key(&w, "counts");
	json_obj_begin(&w);
	json_ku64(&w, "fail", r->counts[VERDICT_FAIL]);
	json_ku64(&w, "warn", r->counts[VERDICT_WARN]);
	json_ku64(&w, "pass", r->counts[VERDICT_PASS]);
	json_ku64(&w, "not_applicable", r->counts[VERDICT_NA]);
	json_obj_end(&w);
	if (m && m->expect_path)
		json_kstr(&w, "expect", m->expect_path);
	if (m && m->input_error)
		json_kstr(&w, "input_error", m->input_error);
	json_key(&w, "period");
	json_obj_begin(&w);
	json_ku64(&w, "first_ns", h->first_ns);
	json_ku64(&w, "last_ns", h->last_ns);
	json_kdouble(&w, "seconds", r->duration_s);
	json_obj_end(&w);
	json_key(&w, "totals");
	json_obj_begin(&w);
	json_ku64(&w, "packets", h->packets);
	json_ku64(&w, "bytes", h->bytes);
	json_ku64(&w, "frames", h->frames);
	json_ku64(&w, "unique", h->unique);
	json_ku64(&w, "duplicates", h->duplicates);
	json_ku64(&w, "rejected", h->rejected);
	json_ku64(&w, "tcp_acked_bytes", h->tcp_acked);
	json_ku64(&w, "tcp_unseen_bytes", h->tcp_unseen);
	json_ku64(&w, "kernel_drops", h->kernel_drops);
	json_ku64(&w, "tcp_connections_not_tracked", h->conn_overflow);
	json_ku64(&w, "sessions_not_kept", h->sess_overflow);
	json_obj_end(&w);
	json_key(&w, "events");
	json_obj_begin(&w);
	for (unsigned i = 0; i < EV__COUNT; i++)
		if (h->events.n[i])
			json_ku64(&w, event_name((enum event_id)i), h->events.n[i]);
	json_obj_end(&w);
	json_key(&w, "scopes");
	json_arr_begin(&w);
	for (unsigned s = 0; s < r->nscopes; s++) {
		const struct health_scope *sc = &r->scopes[s];
		json_obj_begin(&w);
		json_kstr(&w, "kind", sc->kind == SCOPE_INPUT ? "input"
				      : sc->kind == SCOPE_SESSION ? "session" : "overall");
		json_kstr(&w, "name", sc->name);
		json_kstr(&w, "method", sc->method);
		json_kstr(&w, "verdict", verdict_name(sc->worst));
		json_key(&w, "checks");
		json_arr_begin(&w);
		for (unsigned i = 0; i < sc->nchecks; i++)
			check_json(&w, &sc->checks[i]);
		json_arr_end(&w);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	deployment_json(&w, r);
	if (r->have_inventory)
		json_ku64(&w, "inventory_devices", r->devices_inventory);
	json_obj_end(&w);
	json_end(&w);
}
