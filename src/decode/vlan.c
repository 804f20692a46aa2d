/*
 * vlan.c - IEEE 802.1Q customer tag (0x8100), 802.1ad service tag (0x88A8)
 * and the pre-standard QinQ tag (0x9100); stacks of them (QinQ).
 *
 *   | PCP (3) | DEI (1) | VLAN ID (12) | EtherType (2) |
 * (the TPID that announced the tag was read by the previous layer)
 *
 * RSPAN: when the outermost frame (no mirror encapsulation around it) has a
 * tag whose VLAN ID is in decode_config.rspan_vlans, the tag is the mirror
 * itself: it is not kept among the frame's VLANs, the transport becomes
 * RSPAN and mirror.rspan_vlan records it (only the first such tag).
 * The stack is bounded by PACKET_MAX_VLANS (decode.vlan.too_many).
 */
#include "decode/decode_int.h"

#define VLAN_TAG_LEN 4

static bool is_rspan(const struct decoder *d, const struct packet *p, uint16_t vid)
{
	if (p->mirror.depth != 0 || p->mirror.transport != TRANSPORT_PLAIN)
		return false;
	for (unsigned i = 0; i < d->cfg.nrspan_vlans; i++)
		if (d->cfg.rspan_vlans[i] == vid)
			return true;
	return false;
}

enum dl dec_vlan(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t tci, type;
	if (!cursor_has(c, VLAN_TAG_LEN))
		return dec_short(d, p, c, EV_DEC_VLAN_TRUNCATED, EV_DEC_VLAN_TOO_SHORT);
	if (d->vlan_depth >= PACKET_MAX_VLANS + 1) {
		dec_event(d, p, EV_DEC_VLAN_TOO_MANY);
		return DL_DONE;
	}
	cursor_be16(c, &tci);
	cursor_be16(c, &type);
	d->vlan_depth++;
	uint16_t vid = tci & 0x0FFF;
	if (is_rspan(d, p, vid)) {
		p->mirror.transport = TRANSPORT_RSPAN;
		p->mirror.rspan_vlan = vid;
		dec_layer(p, "rspan", LAYER_VLAN);
		return dec_ethertype(d, p, type);
	}
	if (p->nvlans >= PACKET_MAX_VLANS) {
		dec_event(d, p, EV_DEC_VLAN_TOO_MANY);
		return DL_DONE;
	}
	p->vlans[p->nvlans] = vid;
	p->vlan_pcp[p->nvlans] = (uint8_t)(tci >> 13);
	p->nvlans++;
	dec_layer(p, "vlan", LAYER_VLAN);
	return dec_ethertype(d, p, type);
}
