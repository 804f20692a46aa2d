/*
 * stp.c - spanning tree BPDUs (IEEE 802.1D-2004 clause 9, 802.1Q MSTP)
 * after LLC 42 42 03: the root bridge and the sending bridge's ID. Only a
 * bridge sends BPDUs, so the sender is a switch.
 *
 *   | protocol ID (2) = 0 | version | type (0x00 config, 0x80 TCN, 0x02 RST/MST) |
 *   | flags | root ID (8: priority 2 + MAC 6) | root path cost (4) |
 *   | bridge ID (8) | port ID (2) | ...
 */
#include "core/cursor.h"
#include "proto/proto.h"

bool proto_stp_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint16_t pid;
	uint8_t ver, type;
	if (!cursor_be16(&c, &pid) || pid != 0 || !cursor_u8(&c, &ver) ||
	    !cursor_u8(&c, &type))
		return proto_bad(m, EV_PROTO_STP_MALFORMED);
	proto_set(m, PROTO_STP, ROLE_BRIDGE, ROLE_NONE);
	if (type == 0x80)
		return true; /* topology change notice: no IDs */
	uint8_t flags, root[8], bridge[8];
	uint32_t cost;
	uint16_t port;
	if (!cursor_u8(&c, &flags) || !cursor_copy(&c, root, 8) ||
	    !cursor_be32(&c, &cost) || !cursor_copy(&c, bridge, 8) ||
	    !cursor_be16(&c, &port))
		return proto_bad(m, EV_PROTO_STP_MALFORMED);
	proto_field(m, SIDE_SRC, true, "stp_root",
		    "%u/%02x:%02x:%02x:%02x:%02x:%02x", rd_be16(root), root[2], root[3],
		    root[4], root[5], root[6], root[7]);
	proto_field(m, SIDE_SRC, true, "stp_bridge",
		    "%u/%02x:%02x:%02x:%02x:%02x:%02x", rd_be16(bridge), bridge[2],
		    bridge[3], bridge[4], bridge[5], bridge[6], bridge[7]);
	proto_field(m, SIDE_SRC, false, "stp_port", "0x%04x", port);
	return true;
}
