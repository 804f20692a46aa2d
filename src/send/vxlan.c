/*
 * vxlan.c - `--to vxlan://ADDR[:PORT]?vni=N`: the frame inside VXLAN
 * (RFC 7348) over UDP, default port 4789, the way cloud traffic mirrors
 * (AWS, Azure) deliver it.
 *
 * Over IPv4 we write the UDP header ourselves on a raw socket: the source
 * port is 49152 + (symmetric hash of the inner 5-tuple mod 16384), as RFC
 * 7348 section 5 recommends for entropy, so that receivers spreading load
 * by outer headers (RSS, PACKET_FANOUT_HASH) keep each flow, both of its
 * directions, on one queue. The UDP checksum is 0 (allowed over IPv4,
 * RFC 768 / RFC 7348). Over IPv6, where a checksum is required, the kernel's
 * UDP socket writes the header (one source port).
 *
 * UDP header (IPv4 only), 8 bytes: source port | dest port | length | 0
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
#define VXLAN_SPORT_BASE 49152u  /* dynamic ports: 49152-65535 */
#define VXLAN_SPORT_SPAN 16384u

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
	(void)split; (void)extra; (void)nextra;
	size_t n = 0;
	if (d->udp_raw) {
		uint32_t sport = VXLAN_SPORT_BASE +
			(uint32_t)(f->flow_hash % VXLAN_SPORT_SPAN);
		uint32_t ulen = 16u + f->caplen;
		if (ulen > 0xFFFFu)
			ulen = 0; /* too long for one IP packet: the kernel refuses
				     it and the copy is counted as a send error */
		hdr[0] = (uint8_t)(sport >> 8);
		hdr[1] = (uint8_t)sport;
		hdr[2] = (uint8_t)(d->port >> 8);
		hdr[3] = (uint8_t)d->port;
		hdr[4] = (uint8_t)(ulen >> 8);
		hdr[5] = (uint8_t)ulen;
		hdr[6] = hdr[7] = 0; /* no checksum (IPv4) */
		n = 8;
	}
	hdr[n] = VXLAN_FLAG_I;
	hdr[n + 1] = hdr[n + 2] = hdr[n + 3] = 0;
	hdr[n + 4] = (uint8_t)(d->vni >> 16);
	hdr[n + 5] = (uint8_t)(d->vni >> 8);
	hdr[n + 6] = (uint8_t)d->vni;
	hdr[n + 7] = 0;
	return n + 8;
}

const struct send_ops send_vxlan_ops = {
	.scheme = "vxlan",
	.kind = SEND_VXLAN,
	.ip = true,
	.parse = vxlan_parse,
	.header = vxlan_header,
};
