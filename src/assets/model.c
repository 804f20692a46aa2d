/*
 * model.c - the in-memory inventory: devices by MAC, conversations by
 * address pair, and what one packet teaches about them.
 *
 * Per packet (admitted, not a duplicate): the sending device is created or
 * found by source MAC (the receiving one too when its MAC is unicast), its
 * VLAN and mirror source noted, its IP bound when the packet was not
 * routed (TTL / hop limit still at a usual initial value: 255, 128, 64,
 * 32), the protocol parsers run (the flow's earlier protocol as a hint),
 * their roles and identity fields stored on the devices they describe, and
 * nDPI classifies the flow's first packets. A routed packet's source MAC
 * is the router's: facts about the source are then not given to that MAC.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets/assets_int.h"
#include "core/hash.h"
#include "flow/flow.h"

static const char *const type_names[ASSET__COUNT] = {
	[ASSET_SWITCH] = "switch", [ASSET_PLC] = "plc", [ASSET_RTU] = "rtu",
	[ASSET_IED] = "ied", [ASSET_EWS] = "engineering-workstation",
	[ASSET_HMI] = "hmi-scada-client", [ASSET_FIELD_DEVICE] = "field-device",
	[ASSET_IT_HOST] = "it-host", [ASSET_UNKNOWN] = "unknown",
};

const char *asset_type_name(enum asset_type t)
{
	return (unsigned)t < ASSET__COUNT ? type_names[t] : "?";
}

/* ---- small formatting helpers ---- */

void assets_mac_format(const uint8_t mac[6], char *out)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
}

int assets_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

void assets_ip_format(const struct ip_addr *ip, char *out, size_t len)
{
	if (ip->family == 4)
		inet_ntop(AF_INET, ip->a, out, (socklen_t)len);
	else if (ip->family == 6)
		inet_ntop(AF_INET6, ip->a, out, (socklen_t)len);
	else
		snprintf(out, len, "-");
}

int assets_ip_parse(const char *s, struct ip_addr *ip)
{
	memset(ip, 0, sizeof *ip);
	if (inet_pton(AF_INET, s, ip->a) == 1) {
		ip->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, ip->a) == 1) {
		ip->family = 6;
		return 0;
	}
	return -1;
}

void assets_ep_format(const struct conv_ep *e, char *out, size_t len)
{
	if (e->kind == 0) {
		char m[18];
		assets_mac_format(e->a, m);
		snprintf(out, len, "%s", m);
		return;
	}
	struct ip_addr ip = { .family = e->kind };
	memcpy(ip.a, e->a, 16);
	assets_ip_format(&ip, out, len);
}

int assets_ep_parse(const char *s, struct conv_ep *e)
{
	memset(e, 0, sizeof *e);
	struct ip_addr ip;
	if (assets_ip_parse(s, &ip) == 0) {
		e->kind = ip.family;
		memcpy(e->a, ip.a, 16);
		return 0;
	}
	return assets_mac_parse(s, e->a);
}

/* ---- tables ---- */

static uint64_t mac_hash(const uint8_t m[6])
{
	uint64_t x = 0;
	for (int i = 0; i < 6; i++)
		x = (x << 8) | m[i];
	return hash_mix64(x);
}

static uint64_t ip_hash(const struct ip_addr *ip)
{
	uint64_t x, y;
	memcpy(&x, ip->a, 8);
	memcpy(&y, ip->a + 8, 8);
	return hash_mix64(hash_mix64(x ^ ip->family) ^ y);
}

static bool dev_has_ip(const struct device *d, const struct ip_addr *ip)
{
	for (unsigned i = 0; i < d->nips; i++)
		if (d->ips[i].family == ip->family && !memcmp(d->ips[i].a, ip->a, 16))
			return true;
	return false;
}

struct device *assets_dev_by_ip(struct assets *a, const struct ip_addr *ip)
{
	uint32_t i = (uint32_t)ip_hash(ip) & a->ip_index_mask;
	for (;;) {
		int32_t k = a->ip_index[i];
		if (k < 0)
			return NULL;
		if (dev_has_ip(&a->dev[k], ip))
			return &a->dev[k];
		i = (i + 1) & a->ip_index_mask;
	}
}

/* Remember which device uses ip (the first one seen keeps it). */
static void ip_index_add(struct assets *a, const struct device *d, const struct ip_addr *ip)
{
	if (a->nip_index >= (a->ip_index_mask + 1) / 2) {
		event_count(&a->ev, EV_ASSETS_IPS_FULL);
		return;
	}
	uint32_t i = (uint32_t)ip_hash(ip) & a->ip_index_mask;
	for (;;) {
		int32_t k = a->ip_index[i];
		if (k < 0)
			break;
		if (dev_has_ip(&a->dev[k], ip))
			return;
		i = (i + 1) & a->ip_index_mask;
	}
	a->ip_index[i] = (int32_t)(d - a->dev);
	a->nip_index++;
}

struct device *assets_dev_get(struct assets *a, const uint8_t mac[6], bool create)
{
	uint32_t i = (uint32_t)mac_hash(mac) & a->dev_index_mask;
	for (;;) {
		int32_t k = a->dev_index[i];
		if (k < 0)
			break;
		if (!memcmp(a->dev[k].mac, mac, 6))
			return &a->dev[k];
		i = (i + 1) & a->dev_index_mask;
	}
	if (!create)
		return NULL;
	if (a->ndev >= ASSETS_MAX_DEVICES) {
		event_count(&a->ev, EV_ASSETS_DEVICES_FULL);
		return NULL;
	}
	struct device *d = &a->dev[a->ndev];
	memset(d, 0, sizeof *d);
	memcpy(d->mac, mac, 6);
	d->in_use = true;
	a->dev_index[i] = (int32_t)a->ndev++;
	return d;
}

static int ep_cmp(const struct conv_ep *x, const struct conv_ep *y)
{
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return memcmp(x->a, y->a, 16);
}

static uint64_t ep_hash(const struct conv_ep *x, const struct conv_ep *y)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	const struct conv_ep *e[2] = { x, y };
	for (int k = 0; k < 2; k++) {
		h = hash_mix64(h ^ e[k]->kind);
		for (int i = 0; i < 16; i += 8) {
			uint64_t v;
			memcpy(&v, e[k]->a + i, 8);
			h = hash_mix64(h ^ v);
		}
	}
	return h;
}

struct conv *assets_conv_get(struct assets *a, const struct conv_ep *x,
			     const struct conv_ep *y, bool create)
{
	if (ep_cmp(x, y) > 0) {
		const struct conv_ep *t = x;
		x = y;
		y = t;
	}
	uint32_t i = (uint32_t)ep_hash(x, y) & a->conv_index_mask;
	for (;;) {
		int32_t k = a->conv_index[i];
		if (k < 0)
			break;
		struct conv *c = &a->conv[k];
		if (!ep_cmp(&c->ep[0], x) && !ep_cmp(&c->ep[1], y))
			return c;
		i = (i + 1) & a->conv_index_mask;
	}
	if (!create)
		return NULL;
	if (a->nconv >= ASSETS_MAX_CONVS) {
		event_count(&a->ev, EV_ASSETS_CONV_FULL);
		return NULL;
	}
	struct conv *c = &a->conv[a->nconv];
	memset(c, 0, sizeof *c);
	c->ep[0] = *x;
	c->ep[1] = *y;
	c->in_use = true;
	a->conv_index[i] = (int32_t)a->nconv++;
	return c;
}

uint16_t assets_name(struct assets *a, const char *name)
{
	for (uint16_t i = 1; i < a->nnames; i++)
		if (!strcmp(a->names[i], name))
			return i;
	if (a->nnames >= NAMES_MAX)
		return 0;
	snprintf(a->names[a->nnames], NAME_MAX_LEN, "%s", name);
	return a->nnames++;
}

void assets_dev_add_ip(struct assets *a, struct device *d, const struct ip_addr *ip)
{
	if (ip->family != 4 && ip->family != 6)
		return;
	/* Unspecified, broadcast and multicast addresses name no device. */
	static const uint8_t zero[16];
	if (!memcmp(ip->a, zero, ip->family == 4 ? 4 : 16) ||
	    (ip->family == 4 && ((ip->a[0] & 0xf0) == 0xe0 ||
				 (ip->a[0] == 255 && ip->a[1] == 255 && ip->a[2] == 255 &&
				  ip->a[3] == 255))) ||
	    (ip->family == 6 && ip->a[0] == 0xff))
		return;
	for (unsigned i = 0; i < d->nips; i++)
		if (d->ips[i].family == ip->family &&
		    !memcmp(d->ips[i].a, ip->a, ip->family == 4 ? 4 : 16))
			return;
	if (d->nips >= DEV_MAX_IPS) {
		event_count(&a->ev, EV_ASSETS_IPS_FULL);
		return;
	}
	struct ip_addr *n = &d->ips[d->nips++];
	memset(n, 0, sizeof *n);
	n->family = ip->family;
	memcpy(n->a, ip->a, ip->family == 4 ? 4 : 16);
	ip_index_add(a, d, n);
}

void assets_dev_add_vlan(struct assets *a, struct device *d, uint16_t vlan)
{
	(void)a;
	if (vlan == 0)
		return; /* priority tag only: no VLAN */
	for (unsigned i = 0; i < d->nvlans; i++)
		if (d->vlans[i] == vlan)
			return;
	if (d->nvlans < DEV_MAX_VLANS)
		d->vlans[d->nvlans++] = vlan;
}

void assets_dev_add_source(struct assets *a, struct device *d, const char *s)
{
	(void)a;
	for (unsigned i = 0; i < d->nsources; i++)
		if (!strcmp(d->sources[i], s))
			return;
	if (d->nsources < DEV_MAX_SOURCES)
		snprintf(d->sources[d->nsources++], SOURCE_LEN, "%s", s);
}

void assets_dev_add_proto(struct assets *a, struct device *d, uint16_t name,
			  unsigned role, uint64_t msgs)
{
	(void)a;
	if (!name)
		return;
	for (unsigned i = 0; i < d->nprotos; i++)
		if (d->protos[i].name == name) {
			d->protos[i].roles |= (uint16_t)(1u << role);
			d->protos[i].msgs += msgs;
			return;
		}
	if (d->nprotos >= DEV_MAX_PROTOS)
		return;
	struct dev_proto *p = &d->protos[d->nprotos++];
	p->name = name;
	p->roles = (uint16_t)(1u << role);
	p->msgs = msgs;
}

void assets_dev_add_field(struct assets *a, struct device *d, const char *key,
			  const char *value)
{
	if (!value[0])
		return;
	for (unsigned i = 0; i < d->nfields; i++)
		if (!strcmp(d->fields[i].key, key) && !strcmp(d->fields[i].value, value))
			return;
	if (d->nfields >= DEV_MAX_FIELDS) {
		event_count(&a->ev, EV_ASSETS_FIELDS_FULL);
		return;
	}
	struct dev_field *f = &d->fields[d->nfields++];
	snprintf(f->key, sizeof f->key, "%s", key);
	snprintf(f->value, sizeof f->value, "%s", value);
}

void assets_conv_add_proto(struct conv *c, uint16_t name)
{
	if (!name)
		return;
	for (unsigned i = 0; i < c->nprotos; i++)
		if (c->protos[i] == name)
			return;
	if (c->nprotos < CONV_MAX_PROTOS)
		c->protos[c->nprotos++] = name;
}

/* ---- life cycle ---- */

static struct assets *assets_alloc(void)
{
	struct assets *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->dev = calloc(ASSETS_MAX_DEVICES, sizeof *a->dev);
	a->conv = calloc(ASSETS_MAX_CONVS, sizeof *a->conv);
	a->dev_index_mask = 2 * ASSETS_MAX_DEVICES - 1;
	a->conv_index_mask = 2 * ASSETS_MAX_CONVS - 1;
	a->dev_index = malloc(sizeof(int32_t) * (a->dev_index_mask + 1));
	a->ip_index_mask = 8 * ASSETS_MAX_DEVICES - 1;
	a->ip_index = malloc(sizeof(int32_t) * (a->ip_index_mask + 1));
	a->conv_index = malloc(sizeof(int32_t) * (a->conv_index_mask + 1));
	if (!a->dev || !a->conv || !a->dev_index || !a->conv_index || !a->ip_index) {
		free(a->ip_index);
		free(a->dev);
		free(a->conv);
		free(a->dev_index);
		free(a->conv_index);
		free(a);
		return NULL;
	}
	memset(a->dev_index, 0xff, sizeof(int32_t) * (a->dev_index_mask + 1));
	memset(a->ip_index, 0xff, sizeof(int32_t) * (a->ip_index_mask + 1));
	memset(a->conv_index, 0xff, sizeof(int32_t) * (a->conv_index_mask + 1));
	/* Name 0 is "none"; our protocols keep their enum value as index. */
	a->nnames = 1;
	for (int i = 1; i < PROTO__COUNT; i++)
		assets_name(a, proto_name((enum proto_id)i));
	return a;
}

static struct assets *open_common(const char *db_path, bool read_only, char *err,
				  size_t errlen)
{
	struct assets *a = assets_alloc();
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->read_only = read_only;
	if (db_path) {
		a->db_path = strdup(db_path);
		if (!a->db_path || assets_db_open(a, read_only, err, errlen) != 0 ||
		    assets_db_load(a, err, errlen) != 0) {
			assets_close(a);
			return NULL;
		}
	}
	return a;
}

struct assets *assets_open(const char *db_path, char *err, size_t errlen)
{
	struct assets *a = open_common(db_path, false, err, errlen);
	if (a && assets_ndpi_init(a) != 0) {
		snprintf(err, errlen, "nDPI initialisation failed");
		assets_close(a);
		return NULL;
	}
	return a;
}

struct assets *assets_load(const char *db_path, char *err, size_t errlen)
{
	return open_common(db_path, true, err, errlen);
}

int assets_save(struct assets *a)
{
	if (!a->db || a->read_only)
		return 0;
	return assets_db_save(a);
}

void assets_close(struct assets *a)
{
	if (!a)
		return;
	assets_ndpi_free(a);
	assets_db_close(a);
	free(a->db_path);
	free(a->dev);
	free(a->conv);
	free(a->dev_index);
	free(a->conv_index);
	free(a->ip_index);
	free(a);
}

const struct event_counts *assets_events(const struct assets *a)
{
	return &a->ev;
}

unsigned assets_device_count(const struct assets *a)
{
	return a->ndev;
}

/* ---- one packet ---- */

static bool mac_unicast(const uint8_t m[6])
{
	static const uint8_t zero[6];
	return !(m[0] & 1) && memcmp(m, zero, 6);
}

/* TTL / hop limit still at a usual initial value: not routed. */
static bool ttl_local(uint8_t ttl)
{
	return ttl == 255 || ttl == 128 || ttl == 64 || ttl == 32 || ttl == 60 ||
	       ttl == 30 || ttl == 1;
}

static void source_text(const struct packet *p, char *out, size_t len)
{
	const struct mirror_ctx *m = &p->mirror;
	char ip[64] = "";
	if (m->outer_src.family)
		assets_ip_format(&m->outer_src, ip, sizeof ip);
	if (m->transport == TRANSPORT_PLAIN)
		snprintf(out, len, "plain"); /* SPAN / TAP: the frame itself */
	else if (m->has_session)
		snprintf(out, len, "%s %s session %u", transport_name(m->transport), ip,
			 m->session);
	else if (m->transport == TRANSPORT_RSPAN)
		snprintf(out, len, "rspan vlan %u", m->rspan_vlan);
	else
		snprintf(out, len, "%s %s", transport_name(m->transport), ip);
}

static void touch(struct device *d, uint64_t ts)
{
	d->dirty = true;
	if (!d->first_ns || ts < d->first_ns)
		d->first_ns = ts;
	if (ts > d->last_ns)
		d->last_ns = ts;
}

static void add_ip_text(struct assets *a, struct device *d, const char *s)
{
	struct ip_addr ip;
	if (assets_ip_parse(s, &ip) == 0)
		assets_dev_add_ip(a, d, &ip);
}

static void apply_msg(struct assets *a, const struct proto_msg *m,
		      struct device *src, struct device *dst, uint64_t ts)
{
	uint16_t name = (uint16_t)m->proto;
	if (src)
		assets_dev_add_proto(a, src, name, m->src_role, 1);
	if (dst && m->dst_role != ROLE_NONE)
		assets_dev_add_proto(a, dst, name, m->dst_role, 0);
	struct device *subj = NULL;
	if (m->has_subject && mac_unicast(m->subject)) {
		subj = assets_dev_get(a, m->subject, true);
		if (subj)
			touch(subj, ts);
	}
	for (unsigned i = 0; i < m->nf; i++) {
		const struct proto_field *f = &m->f[i];
		if (!f->ident)
			continue;
		struct device *d = f->side == SIDE_SRC ? src : f->side == SIDE_DST ? dst
				 : f->side == SIDE_SUBJECT ? subj : NULL;
		if (f->side == SIDE_ADDR && (d = assets_dev_by_ip(a, &f->addr)) != NULL)
			d->dirty = true;
		if (!d)
			continue;
		if (!strcmp(f->key, "ip") || !strcmp(f->key, "mgmt_ip")) {
			add_ip_text(a, d, f->value);
			if (!strcmp(f->key, "ip"))
				continue;
		}
		assets_dev_add_field(a, d, f->key, f->value);
	}
	if (m->dropped)
		event_count(&a->ev, EV_PROTO_FIELDS_DROPPED);
}

void assets_packet(struct assets *a, const struct packet *p, const struct flow *f, int dir)
{
	(void)f;
	(void)dir;
	if (p->rejected || p->duplicate || !p->frame_is_eth)
		return;
	uint64_t ts = p->ts_ns;
	unsigned in = p->source < ASSETS_INPUTS ? p->source : ASSETS_INPUTS - 1;
	if (!a->input_key[in][0])
		snprintf(a->input_key[in], sizeof a->input_key[in], "%llu",
			 (unsigned long long)(ts ? ts : 1));
	bool ip = p->layers & (LAYER_IPV4 | LAYER_IPV6);
	bool local = !ip || ttl_local(p->ttl);
	struct device *src = NULL, *dst = NULL;
	if (mac_unicast(p->eth_src) && (src = assets_dev_get(a, p->eth_src, true))) {
		touch(src, ts);
		src->packets++;
		src->bytes += p->frame_wirelen;
		src->in_packets[in]++;
		src->in_bytes[in] += p->frame_wirelen;
		if (p->nvlans)
			assets_dev_add_vlan(a, src, p->vlans[p->nvlans - 1]);
		/* The mirror source text is built only when it changes. */
		uint32_t sh = (uint32_t)hash_mix64(((uint64_t)p->mirror.transport << 48) ^
					      ((uint64_t)p->mirror.rspan_vlan << 32) ^ p->mirror.session ^
					      ((uint64_t)p->mirror.outer_src.a[3] << 24) ^
					      p->mirror.outer_src.a[2]) | 1u;
		if (sh != src->last_source_hash) {
			char s[SOURCE_LEN];
			source_text(p, s, sizeof s);
			assets_dev_add_source(a, src, s);
			src->last_source_hash = sh;
		}
		if (ip && local && !p->ip_fragment)
			assets_dev_add_ip(a, src, &p->src);
	}
	if (mac_unicast(p->eth_dst) && (dst = assets_dev_get(a, p->eth_dst, true))) {
		touch(dst, ts);
		if (p->nvlans)
			assets_dev_add_vlan(a, dst, p->vlans[p->nvlans - 1]);
	}
	/* Per-flow state: protocol hint, nDPI, and the flow's conversation
	 * (an IP flow always belongs to the same address pair, so the pair is
	 * hashed once per flow, not once per packet). Every IP flow gets one:
	 * nDPI also names ICMP, IGMP, ... */
	struct flow_state *fs = NULL;
	if (ip && p->flow_hash)
		fs = assets_flow_state(a, p->flow_hash, true);
	/* Conversation: by IP pair, or by MAC pair for layer 2 frames. */
	struct conv *c = NULL;
	if (fs && fs->conv >= 0) {
		c = &a->conv[fs->conv];
	} else {
		struct conv_ep x, y;
		memset(&x, 0, sizeof x);
		memset(&y, 0, sizeof y);
		if (ip) {
			x.kind = p->src.family;
			memcpy(x.a, p->src.a, 16);
			y.kind = p->dst.family;
			memcpy(y.a, p->dst.a, 16);
		} else {
			memcpy(x.a, p->eth_src, 6);
			memcpy(y.a, p->eth_dst, 6);
		}
		c = assets_conv_get(a, &x, &y, true);
		if (fs && c)
			fs->conv = (int32_t)(c - a->conv);
	}
	if (c) {
		c->dirty = true;
		c->packets++;
		c->bytes += p->frame_wirelen;
		c->in_packets[in]++;
		c->in_bytes[in] += p->frame_wirelen;
		if (!c->first_ns || ts < c->first_ns)
			c->first_ns = ts;
		if (ts > c->last_ns)
			c->last_ns = ts;
	}
	/* Protocols: our parsers first, nDPI for the flows they do not know. */
	struct proto_msg *m = &a->msg;
	enum proto_id hint = fs ? (enum proto_id)fs->hint : PROTO_NONE;
	struct device *psrc = local ? src : NULL;
	if (proto_dispatch(m, p, &a->ev, hint)) {
		if (fs && m->proto != PROTO_COTP)
			fs->hint = (uint8_t)m->proto;
		else if (fs && !fs->hint)
			fs->hint = (uint8_t)m->proto;
		apply_msg(a, m, psrc, dst, ts);
		if (c)
			assets_conv_add_proto(c, (uint16_t)m->proto);
	} else if (fs && fs->hint && c) {
		assets_conv_add_proto(c, fs->hint);
	}
	if (fs && !fs->done && !fs->hint) {
		/* dir 0: this packet goes initiator -> responder. */
		struct device *cli = dir == 0 ? psrc : dst;
		struct device *srv = dir == 0 ? dst : psrc;
		uint16_t name = assets_ndpi_packet(a, fs, p);
		if (name) {
			if (cli)
				assets_dev_add_proto(a, cli, name, ROLE_CLIENT, 1);
			if (srv)
				assets_dev_add_proto(a, srv, name, ROLE_SERVER, 1);
		}
	}
	if (fs && fs->ndpi_name && c)
		assets_conv_add_proto(c, fs->ndpi_name);
}

/* ---- observer ---- */

static void obs_packet(void *ctx, const struct packet *p, const struct mirror_session *s,
		       const struct flow *f, int dir)
{
	(void)s;
	assets_packet(ctx, p, f, dir);
}

static void obs_flow_end(void *ctx, const struct flow *f)
{
	assets_flow_end(ctx, f->hash32);
}

struct pipeline_observer assets_observer(struct assets *a)
{
	struct pipeline_observer o = {
		.on_packet = obs_packet,
		.on_flow_end = obs_flow_end,
		.on_finish = NULL,
		.ctx = a,
	};
	return o;
}

/* ---- per-subnet summary ---- */

static int parse_cidr(const char *cidr, struct ip_addr *net, unsigned *bits)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", cidr);
	char *slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = 0;
	char *end;
	long b = strtol(slash + 1, &end, 10);
	if (*end || assets_ip_parse(buf, net) != 0 || b < 0 ||
	    b > (net->family == 4 ? 32 : 128))
		return -1;
	*bits = (unsigned)b;
	return 0;
}

static bool in_net(const struct ip_addr *ip, const struct ip_addr *net, unsigned bits)
{
	if (ip->family != net->family)
		return false;
	for (unsigned i = 0; i < bits; i++) {
		unsigned byte = i / 8, bit = 7 - i % 8;
		if (((ip->a[byte] >> bit) & 1) != ((net->a[byte] >> bit) & 1))
			return false;
	}
	return true;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int assets_subnet_summary(const struct assets *a, const char *cidr,
			  struct assets_subnet_info *out)
{
	struct ip_addr net;
	unsigned bits;
	memset(out, 0, sizeof *out);
	if (parse_cidr(cidr, &net, &bits) != 0)
		return -1;
	bool ot[PROTO__COUNT] = { false };
	for (uint32_t i = 0; i < a->ndev; i++) {
		const struct device *d = &a->dev[i];
		bool in = false;
		for (unsigned k = 0; k < d->nips && !in; k++)
			in = in_net(&d->ips[k], &net, bits);
		if (!in)
			continue;
		out->devices++;
		char ev[8];
		out->by_type[assets_classify(a, d, ev, sizeof ev)]++;
		for (unsigned k = 0; k < d->nprotos; k++)
			if (d->protos[k].name < PROTO__COUNT &&
			    proto_is_ot((enum proto_id)d->protos[k].name))
				ot[d->protos[k].name] = true;
	}
	const char *list[PROTO__COUNT];
	unsigned n = 0;
	for (int i = 0; i < PROTO__COUNT; i++)
		if (ot[i] && i != PROTO_COTP)
			list[n++] = proto_name((enum proto_id)i);
	qsort(list, n, sizeof list[0], cmp_str);
	size_t o = 0;
	for (unsigned i = 0; i < n && o < sizeof out->ot_protocols; i++)
		o += (size_t)snprintf(out->ot_protocols + o, sizeof out->ot_protocols - o,
				      "%s%s", i ? "," : "", list[i]);
	o = 0;
	for (int t = 0; t < ASSET__COUNT && o < sizeof out->types; t++)
		if (out->by_type[t])
			o += (size_t)snprintf(out->types + o, sizeof out->types - o, "%s%s %u",
					      o ? ", " : "", asset_type_name((enum asset_type)t),
					      out->by_type[t]);
	return 0;
}

static int cmp_subnet(const void *x, const void *y)
{
	return strcmp((const char *)x, (const char *)y);
}

unsigned assets_subnets(const struct assets *a, char (*out)[48], unsigned max)
{
	unsigned n = 0;
	for (uint32_t i = 0; i < a->ndev; i++) {
		const struct device *d = &a->dev[i];
		for (unsigned k = 0; k < d->nips; k++) {
			struct ip_addr net = d->ips[k];
			char s[48], ipbuf[40] = "";
			if (net.family == 4) {
				net.a[3] = 0;
				assets_ip_format(&net, ipbuf, sizeof ipbuf);
				snprintf(s, sizeof s, "%s/24", ipbuf);
			} else {
				memset(net.a + 8, 0, 8);
				assets_ip_format(&net, ipbuf, sizeof ipbuf);
				snprintf(s, sizeof s, "%s/64", ipbuf);
			}
			bool seen = false;
			for (unsigned j = 0; j < n && !seen; j++)
				seen = !strcmp(out[j], s);
			if (!seen && n < max)
				snprintf(out[n++], 48, "%s", s);
		}
	}
	qsort(out, n, 48, cmp_subnet);
	return n;
}
