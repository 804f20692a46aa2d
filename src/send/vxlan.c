/*
 * vxlan.c - `--to vxlan://ADDR[:PORT]?vni=N`: the frame inside VXLAN
 * (RFC 7348) over UDP, default port 4789, the way cloud traffic mirrors
 * (AWS, Azure) deliver it. The kernel writes the UDP and IP headers.
 *
 * VXLAN header, 8 bytes:
 *    0                   1                   2                   3
 *   |R|R|R|R|I|R|R|R|            Reserved                           |
 *   |                VXLAN Network Identifier (VNI) |   Reserved    |
 */
#include "send/send.h"

#include <stdio.h>
#include <string.h>

#define VXLAN_PORT 4789u
#define VXLAN_FLAG_I 0x08u      /* VNI valid */
#define VXLAN_VNI_MAX 0xFFFFFFu

static int vxlan_kv(struct send_dest *d, const char *k, const char *v,
		    char *err, size_t errlen)
{
	unsigned long n;
	if (strcmp(k, "vni")) {
		snprintf(err, errlen, "%s: unknown parameter '%s' (vni)", d->spec, k);
		return -1;
	}
	if (send_parse_uint(v, 0, VXLAN_VNI_MAX, &n)) {
		snprintf(err, errlen, "%s: VNI must be 0-%u", d->spec, VXLAN_VNI_MAX);
		return -1;
	}
	d->vni = (uint32_t)n;
	return 0;
}

static int vxlan_parse(struct send_dest *d, const char *rest, char *err, size_t errlen)
{
	const char *query;
	uint16_t port = VXLAN_PORT;
	if (send_parse_addr(d, rest, true, &port, &query, err, errlen))
		return -1;
	d->port = port;
	if (d->family == AF_INET)
		((struct sockaddr_in *)&d->addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&d->addr)->sin6_port = htons(port);
	return send_parse_query(d, query, vxlan_kv, err, errlen);
}

static size_t vxlan_header(struct send_dest *d, const struct send_frame *f,
			   uint8_t *hdr, uint32_t *split, uint8_t *extra, size_t *nextra)
{
	(void)f; (void)split; (void)extra; (void)nextra;
	hdr[0] = VXLAN_FLAG_I;
	hdr[1] = hdr[2] = hdr[3] = 0;
	hdr[4] = (uint8_t)(d->vni >> 16);
	hdr[5] = (uint8_t)(d->vni >> 8);
	hdr[6] = (uint8_t)d->vni;
	hdr[7] = 0;
	return 8;
}

const struct send_ops send_vxlan_ops = {
	.scheme = "vxlan",
	.kind = SEND_VXLAN,
	.ip = true,
	.parse = vxlan_parse,
	.header = vxlan_header,
};
