/*
 * vxlan.c - VXLAN (RFC 7348) on the configured UDP ports (default 4789)
 * and VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe) on UDP 4790.
 *
 * VXLAN:     | flags (8, I = 0x08) | reserved (24) | VNI (24) | reserved (8) |
 * VXLAN-GPE: | flags (8: ver 0x30, I 0x08, P 0x04, B, O) | reserved (16) |
 *            | next protocol (8) | VNI (24) | reserved (8) |
 * next protocol: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH (Ethernet without P).
 * VXLAN with I clear carries no valid VNI: counted and not decoded, as
 * RFC 7348 tells receivers. Non-zero reserved fields are accepted.
 */
#include "decode/decode_int.h"

#define VXLAN_HDR_LEN 8
#define VXLAN_I 0x08u
#define VXLAN_GPE_P 0x04u

enum dl dec_vxlan(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, VXLAN_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_VXLAN_TRUNCATED, EV_DEC_VXLAN_TOO_SHORT);
	const uint8_t *h = cursor_ptr(c);
	dec_layer(p, "vxlan", LAYER_VXLAN);
	if (!(h[0] & VXLAN_I)) {
		dec_event(d, p, EV_DEC_VXLAN_NO_VNI);
		return DL_DONE;
	}
	uint32_t vni = ((uint32_t)h[4] << 16) | ((uint32_t)h[5] << 8) | h[6];
	cursor_skip(c, VXLAN_HDR_LEN);
	enum dl next = dec_tunnel_enter(d, p, c, TRANSPORT_VXLAN, DL_ETH);
	if (next != DL_DONE) {
		p->mirror.session = vni;
		p->mirror.has_session = true;
	}
	return next;
}

enum dl dec_vxlan_gpe(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, VXLAN_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_VXLAN_TRUNCATED, EV_DEC_VXLAN_TOO_SHORT);
	const uint8_t *h = cursor_ptr(c);
	dec_layer(p, "vxlan_gpe", LAYER_VXLAN);
	if (!(h[0] & VXLAN_I)) {
		dec_event(d, p, EV_DEC_VXLAN_NO_VNI);
		return DL_DONE;
	}
	enum dl next = DL_ETH;
	if (h[0] & VXLAN_GPE_P) {
		switch (h[3]) {
		case 1: next = DL_IPV4; break;
		case 2: next = DL_IPV6; break;
		case 3: next = DL_ETH; break;
		case 4: next = DL_NSH; break;
		default:
			dec_event(d, p, EV_DEC_VXLAN_GPE_UNKNOWN_NEXT);
			return DL_DONE;
		}
	}
	uint32_t vni = ((uint32_t)h[4] << 16) | ((uint32_t)h[5] << 8) | h[6];
	cursor_skip(c, VXLAN_HDR_LEN);
	next = dec_tunnel_enter(d, p, c, TRANSPORT_VXLAN, next);
	if (next != DL_DONE) {
		p->mirror.session = vni;
		p->mirror.has_session = true;
	}
	return next;
}
