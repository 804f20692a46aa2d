/*
 * expect.c - reader of the expectations file (format in expect.h and
 * docs/verify.md). Strict: an unknown directive or a bad value is an error
 * naming the line, so a typo cannot silently drop an expectation.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health/expect.h"
#include "health/health.h"

#define EXPECT_MAX_FILE (1u << 20) /* expectations files are small */

static const char *const kind_names[] = {
	[EXPECT_VLAN] = "vlan",
	[EXPECT_SUBNET] = "subnet",
	[EXPECT_PROTOCOL] = "protocol",
	[EXPECT_ERSPAN_SESSION] = "erspan-session",
	[EXPECT_VNI] = "vni",
	[EXPECT_RSPAN_VLAN] = "rspan-vlan",
	[EXPECT_MIN_DEVICES] = "min-devices",
	[EXPECT_MIN_PACKETS] = "min-packets",
	[EXPECT_BOTH_DIRECTIONS] = "both-directions",
	[EXPECT_MAX_LOSS] = "max-loss",
};

const char *expect_kind_name(enum expect_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[k] : "?";
}

static int parse_num(const char *s, double lo, double hi, double *v)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *end || d < lo || d > hi)
		return -1;
	*v = d;
	return 0;
}

static int parse_prefix(const char *s, struct expect_item *it)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	long plen = -1;
	if (slash) {
		*slash = 0;
		char *end;
		plen = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end)
			return -1;
	}
	memset(&it->prefix, 0, sizeof(it->prefix));
	if (inet_pton(AF_INET, buf, it->prefix.a) == 1) {
		it->prefix.family = 4;
		if (plen < 0)
			plen = 32;
		if (plen > 32)
			return -1;
	} else if (inet_pton(AF_INET6, buf, it->prefix.a) == 1) {
		it->prefix.family = 6;
		if (plen < 0)
			plen = 128;
		if (plen > 128)
			return -1;
	} else {
		return -1;
	}
	it->plen = (uint8_t)plen;
	return 0;
}

static int parse_value(enum expect_kind k, const char *v, struct expect_item *it)
{
	switch (k) {
	case EXPECT_VLAN:
	case EXPECT_RSPAN_VLAN:
		return parse_num(v, 0, 4095, &it->num);
	case EXPECT_ERSPAN_SESSION:
		return parse_num(v, 0, 1023, &it->num);
	case EXPECT_VNI:
		return parse_num(v, 0, 16777215, &it->num);
	case EXPECT_MIN_DEVICES:
	case EXPECT_MIN_PACKETS:
		return parse_num(v, 0, 1e15, &it->num);
	case EXPECT_BOTH_DIRECTIONS:
	case EXPECT_MAX_LOSS:
		return parse_num(v, 0, 100, &it->num);
	case EXPECT_SUBNET:
		return parse_prefix(v, it);
	case EXPECT_PROTOCOL:
		it->proto = health_proto_lookup(v);
		return it->proto < 0 ? -1 : 0;
	}
	return -1;
}

int expect_parse(const char *text, const char *name, struct expect *e, char *err, size_t errlen)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "%s", name);
	unsigned lineno = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char line[512];
		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%u: line too long", name, lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = 0;
		p += n + (nl ? 1 : 0);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *save = NULL;
		char *word = strtok_r(line, " \t\r,", &save);
		if (!word)
			continue;
		int kind = -1;
		for (unsigned k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
			if (!strcmp(word, kind_names[k]))
				kind = (int)k;
		if (kind < 0) {
			snprintf(err, errlen,
				 "%s:%u: unknown directive '%s' (vlan, subnet, protocol, erspan-session, "
				 "vni, rspan-vlan, min-devices, min-packets, both-directions, max-loss)",
				 name, lineno, word);
			return -1;
		}
		unsigned values = 0;
		char *v;
		while ((v = strtok_r(NULL, " \t\r,", &save))) {
			if (e->n >= EXPECT_MAX_ITEMS) {
				snprintf(err, errlen, "%s:%u: more than %u expectations", name, lineno,
					 EXPECT_MAX_ITEMS);
				return -1;
			}
			struct expect_item *it = &e->items[e->n];
			memset(it, 0, sizeof(*it));
			it->kind = (enum expect_kind)kind;
			it->line = lineno;
			snprintf(it->text, sizeof(it->text), "%s", v);
			if (parse_value(it->kind, v, it)) {
				snprintf(err, errlen, "%s:%u: bad value '%s' for %s", name, lineno, v,
					 kind_names[kind]);
				return -1;
			}
			e->n++;
			values++;
		}
		if (!values) {
			snprintf(err, errlen, "%s:%u: %s needs a value", name, lineno, kind_names[kind]);
			return -1;
		}
	}
	return 0;
}

int expect_load(const char *path, struct expect *e, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(EXPECT_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	size_t n = fread(buf, 1, EXPECT_MAX_FILE + 1, f);
	bool bad = ferror(f);
	fclose(f);
	if (bad || n > EXPECT_MAX_FILE) {
		free(buf);
		snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "larger than 1 MiB");
		return -1;
	}
	buf[n] = 0;
	if (memchr(buf, 0, n)) {
		free(buf);
		snprintf(err, errlen, "%s: not a text file", path);
		return -1;
	}
	int rc = expect_parse(buf, path, e, err, errlen);
	free(buf);
	return rc;
}
