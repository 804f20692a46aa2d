/*
 * gre.c - `--to gre://ADDR[?key=N][&seq=0|1]`: the frame inside GRE with
 * protocol 0x6558, transparent Ethernet bridging (RFC 1701 protocol
 * registry; what Linux gretap and Open vSwitch gre ports carry). Sequence
 * numbers (RFC 2890) are on by default so that the receiving sensor can
 * count loss exactly; a key is added when asked for.
 *
 *    0                   1                   2                   3
 *   |C|R|K|S|   Reserved0  | Ver |      Protocol Type 0x6558         |
 *   |                  Key (when K)                                  |
 *   |            Sequence Number (when S)                            |
 */
#include "send/send.h"

#include <stdio.h>
#include <string.h>

#define GRE_FLAG_K 0x2000u
#define GRE_FLAG_S 0x1000u
#define GRE_PROTO_TEB 0x6558u

static int gre_kv(struct send_dest *d, const char *k, const char *v,
		  char *err, size_t errlen)
{
	unsigned long n;
	if (!strcmp(k, "key")) {
		if (send_parse_uint(v, 0, 0xFFFFFFFFul, &n))
			goto bad;
		d->key = (uint32_t)n;
		d->has_key = true;
	} else if (!strcmp(k, "seq")) {
		if (send_parse_uint(v, 0, 1, &n))
			goto bad;
		d->gre_seq = n == 1;
	} else {
		snprintf(err, errlen, "%s: unknown parameter '%s' (key, seq)", d->spec, k);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: bad value '%s' for %s", d->spec, v, k);
	return -1;
}

static int gre_parse(struct send_dest *d, const char *rest, char *err, size_t errlen)
{
	const char *query;
	uint16_t unused = 0;
	d->gre_seq = true;
	if (send_parse_addr(d, rest, false, &unused, &query, err, errlen))
		return -1;
	return send_parse_query(d, query, gre_kv, err, errlen);
}

static size_t gre_header(struct send_dest *d, const struct send_frame *f,
			 uint8_t *hdr, uint32_t *split, uint8_t *extra, size_t *nextra)
{
	(void)f; (void)split; (void)extra; (void)nextra;
	uint16_t flags = (uint16_t)((d->has_key ? GRE_FLAG_K : 0) |
				    (d->gre_seq ? GRE_FLAG_S : 0));
	size_t n = 4;
	hdr[0] = (uint8_t)(flags >> 8);
	hdr[1] = (uint8_t)flags;
	hdr[2] = (uint8_t)(GRE_PROTO_TEB >> 8);
	hdr[3] = (uint8_t)GRE_PROTO_TEB;
	if (d->has_key) {
		hdr[n] = (uint8_t)(d->key >> 24);
		hdr[n + 1] = (uint8_t)(d->key >> 16);
		hdr[n + 2] = (uint8_t)(d->key >> 8);
		hdr[n + 3] = (uint8_t)d->key;
		n += 4;
	}
	if (d->gre_seq) {
		uint32_t s = d->seq++;
		hdr[n] = (uint8_t)(s >> 24);
		hdr[n + 1] = (uint8_t)(s >> 16);
		hdr[n + 2] = (uint8_t)(s >> 8);
		hdr[n + 3] = (uint8_t)s;
		n += 4;
	}
	return n;
}

const struct send_ops send_gre_ops = {
	.scheme = "gre",
	.kind = SEND_GRE,
	.ip = true,
	.parse = gre_parse,
	.header = gre_header,
};
