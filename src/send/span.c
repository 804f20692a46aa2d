/*
 * span.c - `--to span:IF`: a software SPAN / TAP port. The captured frame
 * goes out of IF unchanged (VLAN tags as they were on the wire), the way a
 * switch's SPAN destination port delivers it.
 */
#include "send/send.h"

#include <stdio.h>
#include <string.h>

static int span_parse(struct send_dest *d, const char *rest, char *err, size_t errlen)
{
	size_t n = strlen(rest);
	if (n == 0 || n >= sizeof d->ifname || strchr(rest, ':')) {
		snprintf(err, errlen, "%s: expected span:IF", d->spec);
		return -1;
	}
	memcpy(d->ifname, rest, n + 1);
	return 0;
}

static size_t span_header(struct send_dest *d, const struct send_frame *f,
			  uint8_t *hdr, uint32_t *split, uint8_t *extra, size_t *nextra)
{
	(void)d; (void)f; (void)hdr; (void)split; (void)extra; (void)nextra;
	return 0;
}

const struct send_ops send_span_ops = {
	.scheme = "span",
	.kind = SEND_SPAN,
	.ip = false,
	.parse = span_parse,
	.header = span_header,
};
