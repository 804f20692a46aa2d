/*
 * goose.c - IEC 61850-8-1 GOOSE (EtherType 0x88B8) and IEC 61850-9-2
 * Sampled Values (0x88BA): APPID, and from the BER-encoded PDU the GOOSE
 * control block reference, data set and GOOSE ID, or the SV ID. The
 * sender is the publishing IED.
 *
 *   | APPID (2) | length (2, from APPID on) | reserved 1 (2) | reserved 2 (2) | APDU |
 *   GOOSE APDU: 0x61 { 0x80 gocbRef, 0x81 timeAllowedToLive, 0x82 datSet,
 *                      0x83 goID, 0x84 t, 0x85 stNum, 0x86 sqNum, ... }
 *   SV APDU:    0x60 { 0x80 noASDU, 0xA2 seqASDU { 0x30 ASDU { 0x80 svID,
 *                      0x81 datSet, 0x82 smpCnt, ... } } }
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define BER_MAX_ITEMS 32

/* One BER tag and definite length; false if it does not fit. */
static bool ber_tl(struct cursor *c, uint8_t *tag, size_t *len)
{
	uint8_t l;
	if (!cursor_u8(c, tag) || !cursor_u8(c, &l))
		return false;
	if (l < 0x80) {
		*len = l;
	} else {
		unsigned nb = l & 0x7f;
		if (nb == 0 || nb > 3)
			return false;
		size_t v = 0;
		for (unsigned i = 0; i < nb; i++) {
			uint8_t b;
			if (!cursor_u8(c, &b))
				return false;
			v = (v << 8) | b;
		}
		*len = v;
	}
	return cursor_has(c, *len);
}

static bool goose_pdu(struct proto_msg *m, struct cursor c)
{
	for (int k = 0; k < BER_MAX_ITEMS && cursor_left(&c) > 0; k++) {
		uint8_t tag;
		size_t len;
		if (!ber_tl(&c, &tag, &len))
			return proto_bad(m, EV_PROTO_GOOSE_MALFORMED);
		const uint8_t *v = cursor_ptr(&c);
		cursor_skip(&c, len);
		if (tag == 0x80)
			proto_field_bytes(m, SIDE_SRC, true, "gocb_ref", v, len);
		else if (tag == 0x82)
			proto_field_bytes(m, SIDE_SRC, true, "dataset", v, len);
		else if (tag == 0x83)
			proto_field_bytes(m, SIDE_SRC, true, "go_id", v, len);
		else if (tag == 0xab)
			break;
	}
	return true;
}

static bool sv_pdu(struct proto_msg *m, struct cursor c)
{
	for (int k = 0; k < BER_MAX_ITEMS && cursor_left(&c) > 0; k++) {
		uint8_t tag;
		size_t len;
		if (!ber_tl(&c, &tag, &len))
			return proto_bad(m, EV_PROTO_GOOSE_MALFORMED);
		struct cursor in = cursor_make(cursor_ptr(&c), len);
		cursor_skip(&c, len);
		if (tag != 0xa2)
			continue;
		/* First ASDU of the sequence is enough to name the stream. */
		if (!ber_tl(&in, &tag, &len) || tag != 0x30)
			return proto_bad(m, EV_PROTO_GOOSE_MALFORMED);
		struct cursor asdu = cursor_make(cursor_ptr(&in), len);
		for (int j = 0; j < BER_MAX_ITEMS && cursor_left(&asdu) > 0; j++) {
			if (!ber_tl(&asdu, &tag, &len))
				return proto_bad(m, EV_PROTO_GOOSE_MALFORMED);
			const uint8_t *v = cursor_ptr(&asdu);
			cursor_skip(&asdu, len);
			if (tag == 0x80)
				proto_field_bytes(m, SIDE_SRC, true, "sv_id", v, len);
			else if (tag == 0x81)
				proto_field_bytes(m, SIDE_SRC, true, "dataset", v, len);
		}
		break;
	}
	return true;
}

bool proto_goose_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint16_t appid, len, r1, r2;
	if (!cursor_be16(&c, &appid) || !cursor_be16(&c, &len) ||
	    !cursor_be16(&c, &r1) || !cursor_be16(&c, &r2) || len < 8)
		return proto_bad(m, EV_PROTO_GOOSE_MALFORMED);
	uint8_t tag;
	size_t plen;
	if (!ber_tl(&c, &tag, &plen) || (tag != 0x61 && tag != 0x60))
		return proto_bad(m, EV_PROTO_GOOSE_MALFORMED);
	proto_set(m, tag == 0x61 ? PROTO_GOOSE : PROTO_SV, ROLE_PUBLISHER, ROLE_NONE);
	proto_field(m, SIDE_SRC, true, "app_id", "0x%04x", appid);
	struct cursor pdu = cursor_make(cursor_ptr(&c), plen);
	return tag == 0x61 ? goose_pdu(m, pdu) : sv_pdu(m, pdu);
}
