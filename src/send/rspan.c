/*
 * rspan.c - `--to rspan:IF:VLAN`: remote SPAN. The captured frame goes out
 * of IF with one more 802.1Q tag (IEEE 802.1Q-2018, 9.6) carrying the RSPAN
 * VLAN, inserted after the MAC addresses as a switch's RSPAN reflector port
 * does. The tag's priority is the frame's own (its outer tag's PCP), 0 for
 * untagged frames; a frame that already has tags keeps them inside.
 *
 *   dst MAC (6) | src MAC (6) | 0x8100 | PCP:3 DEI:1 VID:12 | original type...
 */
#include "send/send.h"

#include <stdio.h>
#include <string.h>

static int rspan_parse(struct send_dest *d, const char *rest, char *err, size_t errlen)
{
	const char *colon = strrchr(rest, ':');
	unsigned long vlan;
	if (!colon || colon == rest || (size_t)(colon - rest) >= sizeof d->ifname) {
		snprintf(err, errlen, "%s: expected rspan:IF:VLAN", d->spec);
		return -1;
	}
	if (send_parse_uint(colon + 1, 1, 4094, &vlan)) {
		snprintf(err, errlen, "%s: RSPAN VLAN must be 1-4094", d->spec);
		return -1;
	}
	memcpy(d->ifname, rest, (size_t)(colon - rest));
	d->ifname[colon - rest] = 0;
	d->rspan_vlan = (uint16_t)vlan;
	return 0;
}

static size_t rspan_header(struct send_dest *d, const struct send_frame *f,
			   uint8_t *hdr, uint32_t *split, uint8_t *extra, size_t *nextra)
{
	(void)hdr;
	uint16_t tci = 0;
	uint16_t pcp = send_frame_vlan(f, &tci) ? (uint16_t)(tci >> 13) : 0;
	uint16_t out = (uint16_t)((pcp << 13) | d->rspan_vlan);
	if (f->caplen < 12) {
		*nextra = 0; /* a runt: sent as it is */
		return 0;
	}
	extra[0] = 0x81;
	extra[1] = 0x00;
	extra[2] = (uint8_t)(out >> 8);
	extra[3] = (uint8_t)out;
	*split = 12;
	*nextra = 4;
	return 0;
}

const struct send_ops send_rspan_ops = {
	.scheme = "rspan",
	.kind = SEND_RSPAN,
	.ip = false,
	.parse = rspan_parse,
	.header = rspan_header,
};
