/*
 * gre.c - GRE (RFC 2784 with the key and sequence extensions of RFC 2890;
 * RFC 1701 flag layout; version 1 = PPTP enhanced GRE, RFC 2637), directly
 * over IP (protocol 47) or in UDP port 4754 (RFC 8086).
 *
 *   |C|R|K|S|s|Recur|A|Flags| Ver |  Protocol Type (16)   |
 *   |  Checksum (16, if C or R)     |  Offset (16, if C or R) |
 *   |  Key (32, if K)                                        |
 *   |  Sequence Number (32, if S)                            |
 *
 * Protocol types taken further: 0x88BE ERSPAN (type II when S is set,
 * type I - no ERSPAN header, Ethernet follows - when S is clear; the
 * sequence bit decides, not the GRE version), 0x22EB ERSPAN III,
 * 0x6558 transparent Ethernet bridging, 0x0800/0x86DD IP, 0x8847 MPLS,
 * 0x883E WCCP redirect, 0x8909 Cisco MetaData, 0x8200 Aruba 802.11
 * (0x0000 keepalives and 0x2000 CDP end decoding quietly). Routing present (R) and versions other than 0 are
 * named events; version 1 (PPTP) is not a mirror and is not decoded.
 * The key and sequence number of the first (outermost) GRE header are kept
 * in the mirror context.
 */
#include "decode/decode_int.h"

#define GRE_BASE_LEN 4
#define GRE_C 0x8000u
#define GRE_R 0x4000u
#define GRE_K 0x2000u
#define GRE_S 0x1000u
#define GRE_SSR 0x0800u     /* strict source route (RFC 1701) */
#define GRE_RECUR 0x0700u   /* recursion control (RFC 1701) */
#define GRE_VER 0x0007u

enum dl dec_gre(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, GRE_BASE_LEN))
		return dec_short(d, p, c, EV_DEC_GRE_TRUNCATED, EV_DEC_GRE_TOO_SHORT);
	const uint8_t *h = cursor_ptr(c);
	uint16_t flags = rd_be16(h);
	uint16_t proto = rd_be16(h + 2);
	unsigned ver = flags & GRE_VER;
	dec_layer(p, "gre", LAYER_GRE);
	if (ver == 1) {
		dec_event(d, p, EV_DEC_GRE_PPTP);
		return DL_DONE;
	}
	if (ver != 0) {
		dec_event(d, p, EV_DEC_GRE_BAD_VERSION);
		return DL_DONE;
	}
	/* RFC 2784/2890: a receiver discards GRE with the RFC 1701 routing,
	 * strict-source-route or recursion fields set (reserved bits 1, 4-7). */
	if (flags & (GRE_R | GRE_SSR | GRE_RECUR)) {
		dec_event(d, p, EV_DEC_GRE_ROUTING);
		return DL_DONE;
	}
	size_t hlen = GRE_BASE_LEN + ((flags & GRE_C) ? 4 : 0) +
		      ((flags & GRE_K) ? 4 : 0) + ((flags & GRE_S) ? 4 : 0);
	if (!cursor_has(c, hlen))
		return dec_short(d, p, c, EV_DEC_GRE_TRUNCATED, EV_DEC_GRE_TOO_SHORT);
	cursor_skip(c, GRE_BASE_LEN);
	if (flags & GRE_C)
		cursor_skip(c, 4);
	struct mirror_ctx *m = &p->mirror;
	if (flags & GRE_K) {
		uint32_t key;
		cursor_be32(c, &key);
		if (!m->has_gre_key) {
			m->gre_key = key;
			m->has_gre_key = true;
		}
	}
	if (flags & GRE_S) {
		uint32_t seq;
		cursor_be32(c, &seq);
		if (!m->has_gre_seq) {
			m->gre_seq = seq;
			m->has_gre_seq = true;
		}
	}
	switch (proto) {
	case 0x88BE:
		if (flags & GRE_S)
			return DL_ERSPAN2;
		dec_layer(p, "erspan1", LAYER_ERSPAN);
		return dec_tunnel_enter(d, p, c, TRANSPORT_ERSPAN1, DL_ETH);
	case 0x22EB:
		return DL_ERSPAN3;
	case 0x6558:
		return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_ETH);
	case 0x0800:
		return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_IPV4);
	case 0x86DD:
		return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_IPV6);
	case 0x8847:
		return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_MPLS);
	case 0x883E:
		return DL_WCCP;
	case 0x8909:
		return DL_CMD;
	case 0x8200: /* Aruba access point tunnel: 802.11 frames */
		return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_WLAN);
	case 0x0000: /* keepalive (Cisco): nothing inside */
		dec_layer(p, "keepalive", 0);
		return DL_DONE;
	case 0x2000: /* CDP carried over the tunnel */
		dec_layer(p, "cdp", 0);
		return DL_DONE;
	default:
		dec_event(d, p, EV_DEC_GRE_UNKNOWN_PROTO);
		return DL_DONE;
	}
}

/*
 * WCCP v2 redirect header (draft-wilson-wrec-wccp-v2, 4 bytes) inside GRE
 * 0x883E, then the redirected IPv4 packet. WCCP v1 puts the IP packet right
 * after GRE: a first nibble of 4 tells them apart.
 */
enum dl dec_wccp(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, 1))
		return dec_short(d, p, c, EV_DEC_WCCP_TRUNCATED, EV_DEC_WCCP_TOO_SHORT);
	if ((cursor_ptr(c)[0] >> 4) != 4) {
		if (!cursor_has(c, 4))
			return dec_short(d, p, c, EV_DEC_WCCP_TRUNCATED, EV_DEC_WCCP_TOO_SHORT);
		cursor_skip(c, 4);
	}
	dec_layer(p, "wccp", 0);
	return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_IPV4);
}

/*
 * Cisco MetaData (CMD) inside GRE 0x8909, as Wireshark decodes it:
 *   | EtherType (16) | version (8) | length (8) | options (16) | SGT (16) |
 * then the packet of that EtherType (IPv4 / IPv6).
 */
#define CMD_LEN 8

enum dl dec_cmd(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t type;
	if (!cursor_has(c, CMD_LEN))
		return dec_short(d, p, c, EV_DEC_GRE_TRUNCATED, EV_DEC_GRE_TOO_SHORT);
	cursor_be16(c, &type);
	cursor_skip(c, CMD_LEN - 2);
	dec_layer(p, "cmd", 0);
	if (type == 0x0800)
		return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_IPV4);
	if (type == 0x86DD)
		return dec_tunnel_enter(d, p, c, TRANSPORT_GRE, DL_IPV6);
	dec_event(d, p, EV_DEC_GRE_UNKNOWN_PROTO);
	return DL_DONE;
}
