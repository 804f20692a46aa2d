/*
 * erspan.c - `--to erspan2://ADDR?session=N&index=M` and
 * `--to erspan3://ADDR?session=N&hwid=H&gra=100ns`: ERSPAN type II and
 * type III over GRE (draft-foschiano-erspan-03, sections 4.2 and 4.3), sent
 * over a raw IP socket (the kernel writes the outer IP header).
 *
 * GRE (RFC 2784 + RFC 2890 sequence number), 8 bytes:
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   |C|R|K|S|   Reserved0  | Ver |  Protocol 0x88BE (II) / 0x22EB (III)|
 *   |                        Sequence Number                        |
 *
 * ERSPAN type II, 8 bytes:
 *   |  Ver=1|          VLAN         | COS | En|T|    Session ID     |
 *   |      Reserved         |                  Index                |
 *
 * ERSPAN type III, 12 bytes, + 8 with the platform sub-header (O = 1):
 *   |  Ver=2|          VLAN         | COS |BSO|T|     Session ID    |
 *   |                          Timestamp                            |
 *   |             SGT               |P|    FT   |   Hw ID   |D|Gra|O|
 *   | Platf ID=3|     Reserved      |         Port ID / Index       |  (gra=1588
 *   |                  Timestamp (upper 32 bits: seconds)           |   only)
 *
 * Granularity 100 us / 100 ns: the timestamp is the capture time in those
 * units, low 32 bits, O = 0. IEEE 1588: the timestamp holds the nanoseconds
 * of the second and the platform sub-header (Platf ID 3, section 4.3.1) the
 * seconds, with the mirrored interface's position (-i order) as port index.
 *
 * VLAN and COS come from the frame's own 802.1Q tag (En = 3, "tag preserved
 * in frame", as the Linux erspan driver says it); for an untagged frame COS
 * is the IP precedence. T is set when the copy is shorter than the frame
 * was. D = 1 for a copy of what the interface sent (egress). The type III
 * timestamp is the capture time in units of the granularity, low 32 bits.
 */
#include "send/send.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define GRE_FLAG_S 0x1000u           /* sequence number present */
#define GRE_PROTO_ERSPAN2 0x88BEu    /* ERSPAN type I/II */
#define GRE_PROTO_ERSPAN3 0x22EBu    /* ERSPAN type III */
#define ERSPAN2_VER 1u
#define ERSPAN3_VER 2u
#define ERSPAN_EN_INFRAME 3u         /* En/BSO: VLAN tag preserved in frame */
#define ERSPAN_SESSION_MAX 1023u
#define ERSPAN_INDEX_MAX 0xFFFFFu
#define ERSPAN_HWID_MAX 63u
#define ERSPAN3_PLATF_1588 3u        /* platform sub-header: 1588 seconds */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int erspan_kv(struct send_dest *d, const char *k, const char *v,
		     char *err, size_t errlen)
{
	unsigned long n;
	bool three = d->ops->kind == SEND_ERSPAN3;
	if (!strcmp(k, "session")) {
		if (send_parse_uint(v, 1, ERSPAN_SESSION_MAX, &n))
			goto bad;
		d->session = (uint16_t)n;
	} else if (!three && !strcmp(k, "index")) {
		if (send_parse_uint(v, 0, ERSPAN_INDEX_MAX, &n))
			goto bad;
		d->index = (uint32_t)n;
	} else if (three && !strcmp(k, "hwid")) {
		if (send_parse_uint(v, 0, ERSPAN_HWID_MAX, &n))
			goto bad;
		d->hwid = (uint8_t)n;
	} else if (three && !strcmp(k, "gra")) {
		if (!strcasecmp(v, "100us"))
			d->gra = SEND_GRA_100US;
		else if (!strcasecmp(v, "100ns"))
			d->gra = SEND_GRA_100NS;
		else if (!strcasecmp(v, "1588") || !strcasecmp(v, "ieee1588"))
			d->gra = SEND_GRA_1588;
		else
			goto bad;
	} else {
		snprintf(err, errlen, "%s: unknown parameter '%s' (%s)", d->spec, k,
			 three ? "session, hwid, gra" : "session, index");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: bad value '%s' for %s (session 1-%u, index "
		 "0-%u, hwid 0-%u, gra 100us|100ns|1588)", d->spec, v, k,
		 ERSPAN_SESSION_MAX, ERSPAN_INDEX_MAX, ERSPAN_HWID_MAX);
	return -1;
}

static int erspan_parse(struct send_dest *d, const char *rest, char *err, size_t errlen)
{
	const char *query;
	uint16_t unused = 0;
	d->session = 1;
	d->gra = SEND_GRA_100NS;
	if (send_parse_addr(d, rest, false, &unused, &query, err, errlen))
		return -1;
	return send_parse_query(d, query, erspan_kv, err, errlen);
}

/* COS: the tag's PCP, else the IPv4 / IPv6 precedence, else 0. */
static uint32_t frame_cos(const struct send_frame *f, uint16_t *vlan, bool *tagged)
{
	uint16_t tci;
	*tagged = send_frame_vlan(f, &tci);
	if (*tagged) {
		*vlan = tci & 0x0FFF;
		return tci >> 13;
	}
	*vlan = 0;
	if (f->caplen >= 16) {
		uint16_t et = (uint16_t)((f->data[12] << 8) | f->data[13]);
		if (et == 0x0800 && (f->data[14] >> 4) == 4)
			return f->data[15] >> 5;
		if (et == 0x86DD && (f->data[14] >> 4) == 6)
			return (f->data[14] & 0x0F) >> 1;
	}
	return 0;
}

/* Common first word of types II and III. */
static uint32_t erspan_word0(const struct send_dest *d, const struct send_frame *f,
			     uint32_t ver)
{
	uint16_t vlan;
	bool tagged;
	uint32_t cos = frame_cos(f, &vlan, &tagged);
	uint32_t t = f->caplen < f->wirelen;
	return (ver << 28) | ((uint32_t)vlan << 16) | (cos << 13) |
	       ((tagged ? ERSPAN_EN_INFRAME : 0u) << 11) | (t << 10) |
	       (d->session & ERSPAN_SESSION_MAX);
}

static size_t gre_seq_header(struct send_dest *d, uint8_t *hdr, uint32_t proto)
{
	put16(hdr, GRE_FLAG_S);
	put16(hdr + 2, proto);
	put32(hdr + 4, d->seq++);
	return 8;
}

static size_t erspan2_header(struct send_dest *d, const struct send_frame *f,
			     uint8_t *hdr, uint32_t *split, uint8_t *extra, size_t *nextra)
{
	(void)split; (void)extra; (void)nextra;
	size_t n = gre_seq_header(d, hdr, GRE_PROTO_ERSPAN2);
	put32(hdr + n, erspan_word0(d, f, ERSPAN2_VER));
	put32(hdr + n + 4, d->index & ERSPAN_INDEX_MAX);
	return n + 8;
}

static uint32_t erspan3_timestamp(enum send_gra gra, uint64_t ns)
{
	switch (gra) {
	case SEND_GRA_100US:
		return (uint32_t)(ns / 100000u);
	case SEND_GRA_100NS:
		return (uint32_t)(ns / 100u);
	default:
		return (uint32_t)(ns % 1000000000u); /* 1588: ns of the second */
	}
}

static size_t erspan3_header(struct send_dest *d, const struct send_frame *f,
			     uint8_t *hdr, uint32_t *split, uint8_t *extra, size_t *nextra)
{
	(void)split; (void)extra; (void)nextra;
	size_t n = gre_seq_header(d, hdr, GRE_PROTO_ERSPAN3);
	put32(hdr + n, erspan_word0(d, f, ERSPAN3_VER));
	put32(hdr + n + 4, erspan3_timestamp(d->gra, f->ts_ns));
	uint32_t w2 = (0u << 16) |                      /* SGT */
		      (1u << 15) |                      /* P: Ethernet PDU frame */
		      (0u << 10) |                      /* FT 0: Ethernet */
		      ((uint32_t)(d->hwid & ERSPAN_HWID_MAX) << 4) |
		      ((f->dir == SEND_DIR_TX ? 1u : 0u) << 3) |
		      ((uint32_t)d->gra << 1) |
		      (d->gra == SEND_GRA_1588 ? 1u : 0u); /* O: sub-header */
	put32(hdr + n + 8, w2);
	n += 12;
	if (d->gra == SEND_GRA_1588) {
		put32(hdr + n, (ERSPAN3_PLATF_1588 << 26) | f->port_index);
		put32(hdr + n + 4, (uint32_t)(f->ts_ns / 1000000000u));
		n += 8;
	}
	return n;
}

const struct send_ops send_erspan2_ops = {
	.scheme = "erspan2",
	.kind = SEND_ERSPAN2,
	.ip = true,
	.parse = erspan_parse,
	.header = erspan2_header,
};

const struct send_ops send_erspan3_ops = {
	.scheme = "erspan3",
	.kind = SEND_ERSPAN3,
	.ip = true,
	.parse = erspan_parse,
	.header = erspan3_header,
};
