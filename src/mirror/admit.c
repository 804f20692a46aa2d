/*
 * admit.c - tunnel termination rules (which sessions and tunnel sources the
 * sensor accepts) and the parsers of their option values.
 *
 * The rules only judge tunnelled copies: a switch port mirror (SPAN, TAP,
 * RSPAN) has no sender to check. Session identifiers are the ones
 * session_packet_id() reports (ERSPAN session ID, VNI, GRE key).
 */
#include "mirror/admit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/session.h"

void admit_config_init(struct admit_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

static bool prefix_match(const struct ip_addr *net, uint8_t plen,
			 const struct ip_addr *a)
{
	if (net->family != a->family)
		return false;
	if (plen == 0 || plen > (net->family == 4 ? 32 : 128))
		plen = net->family == 4 ? 32 : 128; /* 0 = host (unset) */
	unsigned full = plen / 8, rest = plen % 8;
	if (memcmp(net->a, a->a, full) != 0)
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));
		if ((net->a[full] & m) != (a->a[full] & m))
			return false;
	}
	return true;
}

bool admit_accept(const struct admit_config *cfg, const struct packet *p)
{
	enum transport tr = p->mirror.transport;
	if (tr == TRANSPORT_PLAIN || tr == TRANSPORT_RSPAN)
		return true;
	if (cfg->nsessions) {
		uint32_t id;
		if (!session_packet_id(p, &id))
			return false;
		bool ok = false;
		for (unsigned i = 0; i < cfg->nsessions && !ok; i++)
			ok = id >= cfg->sessions[i] && id <= cfg->sessions_hi[i];
		if (!ok)
			return false;
	}
	if (cfg->nsources) {
		bool ok = false;
		for (unsigned i = 0; i < cfg->nsources && !ok; i++)
			ok = prefix_match(&cfg->sources[i], cfg->source_plen[i],
					  &p->mirror.outer_src);
		if (!ok)
			return false;
	}
	return true;
}

static int fail(char *err, size_t errlen, const char *what, const char *tok)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: '%s'", what, tok);
	return -1;
}

static bool parse_u32(const char *s, uint32_t *v)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || x > 0xffffffffull)
		return false;
	*v = (uint32_t)x;
	return true;
}

int admit_parse_sessions(struct admit_config *cfg, const char *arg, char *err,
			 size_t errlen)
{
	uint32_t lo[ADMIT_MAX], hi[ADMIT_MAX];
	unsigned n = cfg->nsessions;
	char tok[64];
	if (!arg || !*arg)
		return fail(err, errlen, "empty session list", "");
	for (const char *p = arg;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= sizeof(tok))
			return fail(err, errlen, "bad session", len ? p : "");
		memcpy(tok, p, len);
		tok[len] = 0;
		uint32_t a, b;
		char *dash = strchr(tok, '-');
		if (dash) {
			*dash = 0;
			if (!parse_u32(tok, &a) || !parse_u32(dash + 1, &b) || b < a) {
				*dash = '-';
				return fail(err, errlen, "bad session range", tok);
			}
		} else {
			if (!parse_u32(tok, &a))
				return fail(err, errlen, "bad session", tok);
			b = a;
		}
		if (n >= ADMIT_MAX)
			return fail(err, errlen, "too many session entries (max 64)", tok);
		lo[n - cfg->nsessions] = a;
		hi[n - cfg->nsessions] = b;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	for (unsigned i = cfg->nsessions; i < n; i++) {
		cfg->sessions[i] = lo[i - cfg->nsessions];
		cfg->sessions_hi[i] = hi[i - cfg->nsessions];
	}
	cfg->nsessions = n;
	return 0;
}

int admit_parse_source(struct admit_config *cfg, const char *arg, char *err,
		       size_t errlen)
{
	struct ip_addr addr[ADMIT_MAX];
	uint8_t plen[ADMIT_MAX];
	unsigned n = cfg->nsources;
	char tok[80];
	if (!arg || !*arg)
		return fail(err, errlen, "empty source list", "");
	for (const char *p = arg;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= sizeof(tok))
			return fail(err, errlen, "bad source address", len ? p : "");
		memcpy(tok, p, len);
		tok[len] = 0;
		struct ip_addr a;
		memset(&a, 0, sizeof(a));
		char *slash = strchr(tok, '/');
		uint32_t pl = 0;
		bool has_plen = false;
		if (slash) {
			*slash = 0;
			if (!parse_u32(slash + 1, &pl)) {
				*slash = '/';
				return fail(err, errlen, "bad prefix length", tok);
			}
			has_plen = true;
		}
		if (inet_pton(AF_INET, tok, a.a) == 1) {
			a.family = 4;
			if (!has_plen)
				pl = 32;
			if (pl == 0 || pl > 32)
				return fail(err, errlen, "bad prefix length", tok);
		} else if (inet_pton(AF_INET6, tok, a.a) == 1) {
			a.family = 6;
			if (!has_plen)
				pl = 128;
			if (pl == 0 || pl > 128)
				return fail(err, errlen, "bad prefix length", tok);
		} else {
			return fail(err, errlen, "bad source address", tok);
		}
		if (n >= ADMIT_MAX)
			return fail(err, errlen, "too many source entries (max 64)", tok);
		addr[n - cfg->nsources] = a;
		plen[n - cfg->nsources] = (uint8_t)pl;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	for (unsigned i = cfg->nsources; i < n; i++) {
		cfg->sources[i] = addr[i - cfg->nsources];
		cfg->source_plen[i] = plen[i - cfg->nsources];
	}
	cfg->nsources = n;
	return 0;
}
