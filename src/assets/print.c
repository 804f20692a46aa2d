/*
 * print.c - the outputs of `mirrorsense inventory`: text, JSON and CSV
 * (formats documented in docs/inventory.md).
 *
 * Devices are listed by MAC address; conversations by bytes (most first),
 * then by address. Times are capture times in UTC (ISO 8601). Every list
 * inside a device (IPs, VLANs, protocols, fields) is sorted, so the output
 * does not depend on the order packets or runs came in.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets/assets_int.h"
#include "output/json.h"

static void iso_time(uint64_t ns, char *out, size_t len)
{
	if (!ns) {
		snprintf(out, len, "-");
		return;
	}
	time_t t = (time_t)(ns / 1000000000u);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- sorted views ---- */

static int cmp_dev(const void *x, const void *y)
{
	const struct device *a = *(const struct device *const *)x;
	const struct device *b = *(const struct device *const *)y;
	return memcmp(a->mac, b->mac, 6);
}

static int cmp_conv(const void *x, const void *y)
{
	const struct conv *a = *(const struct conv *const *)x;
	const struct conv *b = *(const struct conv *const *)y;
	uint64_t ba = a->bytes + a->prior_bytes, bb = b->bytes + b->prior_bytes;
	if (ba != bb)
		return ba > bb ? -1 : 1;
	int c = a->ep[0].kind - b->ep[0].kind;
	if (c)
		return c;
	c = memcmp(a->ep[0].a, b->ep[0].a, 16);
	if (c)
		return c;
	c = a->ep[1].kind - b->ep[1].kind;
	return c ? c : memcmp(a->ep[1].a, b->ep[1].a, 16);
}

static int cmp_ip(const void *x, const void *y)
{
	const struct ip_addr *a = x, *b = y;
	if (a->family != b->family)
		return a->family - b->family;
	return memcmp(a->a, b->a, 16);
}

static int cmp_u16(const void *x, const void *y)
{
	return (int)*(const uint16_t *)x - (int)*(const uint16_t *)y;
}

static int cmp_cstr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_field(const void *x, const void *y)
{
	const struct dev_field *a = *(const struct dev_field *const *)x;
	const struct dev_field *b = *(const struct dev_field *const *)y;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->value, b->value);
}

/* A device's lists in print order. */
struct dev_view {
	struct ip_addr ips[DEV_MAX_IPS];                /* sorted copy of device.ips */
	uint16_t vlans[DEV_MAX_VLANS];                  /* sorted copy of device.vlans */
	const char *sources[DEV_MAX_SOURCES];           /* mirror sources, sorted */
	char protos[DEV_MAX_PROTOS][NAME_MAX_LEN + 64]; /* "s7comm (client,server)" */
	const char *proto_sorted[DEV_MAX_PROTOS];       /* protos[], sorted by text */
	const struct dev_field *fields[DEV_MAX_FIELDS]; /* identity, sorted by key, value */
	enum asset_type type;                           /* classifier's answer */
	char evidence[128];                             /* and why */
};

static void roles_text(uint16_t roles, char *out, size_t len)
{
	size_t o = 0;
	out[0] = 0;
	for (unsigned r = 1; r < ROLE__COUNT; r++)
		if (roles & (1u << r))
			o += (size_t)snprintf(out + o, len > o ? len - o : 0, "%s%s", o ? "," : "",
					      proto_role_name((enum proto_role)r));
}

static void view(const struct assets *a, const struct device *d, struct dev_view *v)
{
	memcpy(v->ips, d->ips, sizeof v->ips);
	qsort(v->ips, d->nips, sizeof v->ips[0], cmp_ip);
	memcpy(v->vlans, d->vlans, sizeof v->vlans);
	qsort(v->vlans, d->nvlans, sizeof v->vlans[0], cmp_u16);
	for (unsigned i = 0; i < d->nsources; i++)
		v->sources[i] = d->sources[i];
	qsort(v->sources, d->nsources, sizeof v->sources[0], cmp_cstr);
	for (unsigned i = 0; i < d->nprotos; i++) {
		char roles[64];
		roles_text(d->protos[i].roles, roles, sizeof roles);
		snprintf(v->protos[i], sizeof v->protos[i], "%s%s%s%s", a->names[d->protos[i].name],
			 roles[0] ? " (" : "", roles, roles[0] ? ")" : "");
		v->proto_sorted[i] = v->protos[i];
	}
	qsort(v->proto_sorted, d->nprotos, sizeof v->proto_sorted[0], cmp_cstr);
	for (unsigned i = 0; i < d->nfields; i++)
		v->fields[i] = &d->fields[i];
	qsort(v->fields, d->nfields, sizeof v->fields[0], cmp_field);
	v->type = assets_classify(a, d, v->evidence, sizeof v->evidence);
}

static const struct device **sorted_devices(const struct assets *a)
{
	const struct device **d = malloc(sizeof *d * (a->ndev ? a->ndev : 1));
	if (!d)
		return NULL;
	for (uint32_t i = 0; i < a->ndev; i++)
		d[i] = &a->dev[i];
	qsort(d, a->ndev, sizeof *d, cmp_dev);
	return d;
}

static const struct conv **sorted_convs(const struct assets *a)
{
	const struct conv **c = malloc(sizeof *c * (a->nconv ? a->nconv : 1));
	if (!c)
		return NULL;
	for (uint32_t i = 0; i < a->nconv; i++)
		c[i] = &a->conv[i];
	qsort(c, a->nconv, sizeof *c, cmp_conv);
	return c;
}

static void conv_protos(const struct assets *a, const struct conv *c, const char **out)
{
	for (unsigned i = 0; i < c->nprotos; i++)
		out[i] = a->names[c->protos[i]];
	qsort(out, c->nprotos, sizeof out[0], cmp_cstr);
}

/* ---- text ---- */

static void print_text(const struct assets *a, FILE *f, const struct device **devs,
		       const struct conv **convs)
{
	fprintf(f, "devices: %u\n", a->ndev);
	struct dev_view v;
	char buf[128], t1[32], t2[32];
	for (uint32_t i = 0; i < a->ndev; i++) {
		const struct device *d = devs[i];
		view(a, d, &v);
		assets_mac_format(d->mac, buf);
		const char *vendor = assets_oui_vendor(d->mac);
		fprintf(f, "\n%s  %s\n", buf, vendor[0] ? vendor : "(vendor unknown)");
		fprintf(f, "  type:       %s (%s)\n", asset_type_name(v.type), v.evidence);
		fprintf(f, "  ips:       ");
		for (unsigned k = 0; k < d->nips; k++) {
			assets_ip_format(&v.ips[k], buf, sizeof buf);
			fprintf(f, " %s", buf);
		}
		fprintf(f, "%s\n", d->nips ? "" : " -");
		if (d->nvlans) {
			fprintf(f, "  vlans:     ");
			for (unsigned k = 0; k < d->nvlans; k++)
				fprintf(f, " %u", v.vlans[k]);
			fprintf(f, "\n");
		}
		iso_time(d->first_ns, t1, sizeof t1);
		iso_time(d->last_ns, t2, sizeof t2);
		fprintf(f, "  seen:       %s .. %s, sent %llu packets, %llu bytes\n", t1, t2,
			(unsigned long long)(d->packets + d->prior_packets),
			(unsigned long long)(d->bytes + d->prior_bytes));
		if (d->nprotos) {
			fprintf(f, "  protocols: ");
			for (unsigned k = 0; k < d->nprotos; k++)
				fprintf(f, " %s%s", v.proto_sorted[k], k + 1 < d->nprotos ? "," : "");
			fprintf(f, "\n");
		}
		for (unsigned k = 0; k < d->nfields; k++)
			fprintf(f, "  %-11s %s = %s\n", k ? "" : "identity:", v.fields[k]->key,
				v.fields[k]->value);
		for (unsigned k = 0; k < d->nsources; k++)
			fprintf(f, "  %-11s %s\n", k ? "" : "mirrored:", v.sources[k]);
	}
	fprintf(f, "\nconversations: %u\n", a->nconv);
	if (a->nconv)
		fprintf(f, "  %-39s %-39s %10s %12s  %s\n", "A", "B", "PACKETS", "BYTES",
			"PROTOCOLS");
	const char *names[CONV_MAX_PROTOS];
	for (uint32_t i = 0; i < a->nconv; i++) {
		const struct conv *c = convs[i];
		char x[64], y[64];
		assets_ep_format(&c->ep[0], x, sizeof x);
		assets_ep_format(&c->ep[1], y, sizeof y);
		conv_protos(a, c, names);
		fprintf(f, "  %-39s %-39s %10llu %12llu ", x, y,
			(unsigned long long)(c->packets + c->prior_packets),
			(unsigned long long)(c->bytes + c->prior_bytes));
		for (unsigned k = 0; k < c->nprotos; k++)
			fprintf(f, "%s%s", k ? "," : " ", names[k]);
		fprintf(f, "%s\n", c->nprotos ? "" : " -");
	}
}

/* ---- JSON ---- */

static void print_json(const struct assets *a, FILE *f, const struct device **devs,
		       const struct conv **convs)
{
	struct json w;
	json_init(&w, f, true);
	json_obj_begin(&w);
	json_ku64(&w, "schema_version", ASSETS_SCHEMA_VERSION);
	json_key(&w, "devices");
	json_arr_begin(&w);
	struct dev_view v;
	char buf[128];
	for (uint32_t i = 0; i < a->ndev; i++) {
		const struct device *d = devs[i];
		view(a, d, &v);
		json_obj_begin(&w);
		assets_mac_format(d->mac, buf);
		json_kstr(&w, "mac", buf);
		json_kstr(&w, "vendor", assets_oui_vendor(d->mac));
		json_kstr(&w, "type", asset_type_name(v.type));
		json_kstr(&w, "evidence", v.evidence);
		json_key(&w, "ips");
		json_arr_begin(&w);
		for (unsigned k = 0; k < d->nips; k++) {
			assets_ip_format(&v.ips[k], buf, sizeof buf);
			json_str(&w, buf);
		}
		json_arr_end(&w);
		json_key(&w, "vlans");
		json_arr_begin(&w);
		for (unsigned k = 0; k < d->nvlans; k++)
			json_u64(&w, v.vlans[k]);
		json_arr_end(&w);
		json_key(&w, "mirror_sources");
		json_arr_begin(&w);
		for (unsigned k = 0; k < d->nsources; k++)
			json_str(&w, v.sources[k]);
		json_arr_end(&w);
		json_key(&w, "protocols");
		json_arr_begin(&w);
		/* Sorted by name: the view's strings start with the name. */
		for (unsigned k = 0; k < d->nprotos; k++) {
			const char *s = v.proto_sorted[k];
			size_t n = strcspn(s, " ");
			json_obj_begin(&w);
			json_key(&w, "name");
			json_strn(&w, s, n);
			json_key(&w, "roles");
			json_arr_begin(&w);
			const char *r = strchr(s, '(');
			while (r && *r && *r != ')') {
				r++;
				size_t m = strcspn(r, ",)");
				if (m)
					json_strn(&w, r, m);
				r += m;
			}
			json_arr_end(&w);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_key(&w, "identity");
		json_obj_begin(&w);
		for (unsigned k = 0; k < d->nfields; k++) {
			/* Several values of one key become an array. */
			if (k && !strcmp(v.fields[k - 1]->key, v.fields[k]->key))
				continue;
			unsigned n = 1;
			while (k + n < d->nfields && !strcmp(v.fields[k + n]->key, v.fields[k]->key))
				n++;
			json_key(&w, v.fields[k]->key);
			if (n == 1) {
				json_str(&w, v.fields[k]->value);
			} else {
				json_arr_begin(&w);
				for (unsigned j = 0; j < n; j++)
					json_str(&w, v.fields[k + j]->value);
				json_arr_end(&w);
			}
		}
		json_obj_end(&w);
		json_ku64(&w, "first_seen_ns", d->first_ns);
		json_ku64(&w, "last_seen_ns", d->last_ns);
		json_ku64(&w, "packets", d->packets + d->prior_packets);
		json_ku64(&w, "bytes", d->bytes + d->prior_bytes);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_key(&w, "conversations");
	json_arr_begin(&w);
	const char *names[CONV_MAX_PROTOS];
	for (uint32_t i = 0; i < a->nconv; i++) {
		const struct conv *c = convs[i];
		json_obj_begin(&w);
		assets_ep_format(&c->ep[0], buf, sizeof buf);
		json_kstr(&w, "a", buf);
		assets_ep_format(&c->ep[1], buf, sizeof buf);
		json_kstr(&w, "b", buf);
		conv_protos(a, c, names);
		json_key(&w, "protocols");
		json_arr_begin(&w);
		for (unsigned k = 0; k < c->nprotos; k++)
			json_str(&w, names[k]);
		json_arr_end(&w);
		json_ku64(&w, "packets", c->packets + c->prior_packets);
		json_ku64(&w, "bytes", c->bytes + c->prior_bytes);
		json_ku64(&w, "first_seen_ns", c->first_ns);
		json_ku64(&w, "last_seen_ns", c->last_ns);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	json_end(&w);
}

/* ---- CSV (RFC 4180 quoting) ---- */

static void csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_csv(const struct assets *a, FILE *f, const struct device **devs)
{
	fprintf(f, "mac,vendor,type,evidence,ips,vlans,protocols,identity,mirror_sources,"
		   "first_seen,last_seen,packets,bytes\n");
	struct dev_view v;
	char buf[2048], t[64];
	for (uint32_t i = 0; i < a->ndev; i++) {
		const struct device *d = devs[i];
		view(a, d, &v);
		assets_mac_format(d->mac, buf);
		fprintf(f, "%s,", buf);
		csv_str(f, assets_oui_vendor(d->mac));
		fprintf(f, ",%s,", asset_type_name(v.type));
		csv_str(f, v.evidence);
		fputc(',', f);
		size_t o = 0;
		buf[0] = 0;
		for (unsigned k = 0; k < d->nips; k++) {
			assets_ip_format(&v.ips[k], t, sizeof t);
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", k ? ";" : "", t);
		}
		csv_str(f, buf);
		fputc(',', f);
		o = 0;
		buf[0] = 0;
		for (unsigned k = 0; k < d->nvlans; k++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%u", k ? ";" : "", v.vlans[k]);
		csv_str(f, buf);
		fputc(',', f);
		o = 0;
		buf[0] = 0;
		for (unsigned k = 0; k < d->nprotos && o < sizeof buf; k++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", k ? ";" : "",
					      v.proto_sorted[k]);
		csv_str(f, buf);
		fputc(',', f);
		o = 0;
		buf[0] = 0;
		for (unsigned k = 0; k < d->nfields && o < sizeof buf; k++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s=%s", k ? ";" : "",
					      v.fields[k]->key, v.fields[k]->value);
		csv_str(f, buf);
		fputc(',', f);
		o = 0;
		buf[0] = 0;
		for (unsigned k = 0; k < d->nsources && o < sizeof buf; k++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", k ? ";" : "",
					      v.sources[k]);
		csv_str(f, buf);
		iso_time(d->first_ns, t, sizeof t);
		fprintf(f, ",%s,", t);
		iso_time(d->last_ns, t, sizeof t);
		fprintf(f, "%s,%llu,%llu\n", t, (unsigned long long)(d->packets + d->prior_packets),
			(unsigned long long)(d->bytes + d->prior_bytes));
	}
}

static void print_csv_conv(const struct assets *a, FILE *f, const struct conv **convs)
{
	fprintf(f, "a,b,protocols,packets,bytes,first_seen,last_seen\n");
	char x[64], y[64], t1[32], t2[32], p[256];
	const char *names[CONV_MAX_PROTOS];
	for (uint32_t i = 0; i < a->nconv; i++) {
		const struct conv *c = convs[i];
		assets_ep_format(&c->ep[0], x, sizeof x);
		assets_ep_format(&c->ep[1], y, sizeof y);
		conv_protos(a, c, names);
		size_t o = 0;
		p[0] = 0;
		for (unsigned k = 0; k < c->nprotos; k++)
			o += (size_t)snprintf(p + o, sizeof p - o, "%s%s", k ? ";" : "", names[k]);
		iso_time(c->first_ns, t1, sizeof t1);
		iso_time(c->last_ns, t2, sizeof t2);
		fprintf(f, "%s,%s,\"%s\",%llu,%llu,%s,%s\n", x, y, p,
			(unsigned long long)(c->packets + c->prior_packets),
			(unsigned long long)(c->bytes + c->prior_bytes), t1, t2);
	}
}

void assets_print(const struct assets *a, FILE *f, enum assets_format fmt)
{
	const struct device **devs = sorted_devices(a);
	const struct conv **convs = sorted_convs(a);
	if (!devs || !convs) {
		free(devs);
		free(convs);
		fprintf(stderr, "mirrorsense: inventory: out of memory\n");
		return;
	}
	switch (fmt) {
	case ASSETS_TEXT:
		print_text(a, f, devs, convs);
		break;
	case ASSETS_JSON:
		print_json(a, f, devs, convs);
		break;
	case ASSETS_CSV:
		print_csv(a, f, devs);
		break;
	case ASSETS_CSV_CONV:
		print_csv_conv(a, f, convs);
		break;
	}
	free(devs);
	free(convs);
}
