/*
 * dnp3.c - DNP3 (IEEE 1815-2012) over TCP/UDP 20000: link-layer source and
 * destination addresses, link and application function codes, and which
 * end is the master (DIR bit of the link control byte).
 *
 *   0    1    2    3    4       6       8       10
 *   +----+----+----+----+-------+-------+-------+-----------------
 *   |0x05|0x64|len |ctrl| dest  | src   | CRC   | user data blocks (16 + CRC)
 *   +----+----+----+----+-------+-------+-------+-----------------
 *   ctrl: DIR(0x80) PRM(0x40) FCB FCV  function(4 bits); addresses little endian
 *
 * The first data block starts with the transport byte, then the
 * application control byte and function code.
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define DNP3_MAX_FRAMES 8

bool proto_dnp3_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	unsigned frames = 0;
	while (cursor_left(&c) >= 10 && frames < DNP3_MAX_FRAMES) {
		const uint8_t *h = cursor_ptr(&c);
		if (h[0] != 0x05 || h[1] != 0x64 || h[2] < 5)
			return frames ? true : proto_bad(m, EV_PROTO_DNP3_MALFORMED);
		uint8_t len = h[2], ctrl = h[3];
		uint16_t dst = (uint16_t)(h[4] | (h[5] << 8));
		uint16_t src = (uint16_t)(h[6] | (h[7] << 8));
		bool from_master = ctrl & 0x80;
		if (!frames) {
			proto_set(m, PROTO_DNP3, from_master ? ROLE_MASTER : ROLE_OUTSTATION,
				  from_master ? ROLE_OUTSTATION : ROLE_MASTER);
			/* 0xFFF0-0xFFFF are broadcast / reserved, not a station. */
			if (src < 0xfff0)
				proto_field(m, SIDE_SRC, true, "dnp3_addr", "%u", src);
			if (dst < 0xfff0)
				proto_field(m, SIDE_DST, true, "dnp3_addr", "%u", dst);
		}
		proto_field(m, SIDE_SRC, false, "link_fc", "%u", ctrl & 0x0f);
		/* User data: len counts ctrl + addresses (5) + data octets. */
		size_t data = len - 5u;
		size_t blocks = (data + 15) / 16;
		size_t total = 10 + data + 2 * blocks;
		if (data >= 3 && cursor_has(&c, 13) && (ctrl & 0x40))
			proto_field(m, SIDE_SRC, false, "app_fc", "%u", h[12]);
		frames++;
		if (!cursor_skip(&c, total))
			break;
	}
	return frames ? true : proto_bad(m, EV_PROTO_DNP3_MALFORMED);
}
