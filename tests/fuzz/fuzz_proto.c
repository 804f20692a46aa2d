/*
 * fuzz_proto.c - libFuzzer target over every OT / layer 2 / IT parser of
 * src/proto and the inventory that consumes their messages (src/assets).
 *
 * Input layout:
 *   byte 0   selector: below 0xC0, an L4 message: bit 0 TCP (1) or UDP
 *            (0), bit 1 the registered port is the destination (1) or the
 *            source (0), bits 2-7 index into ports[] (modulo its size);
 *            0xC0 and up: a layer 2 frame, l2_types[byte & 7]
 *   byte 1   flow hint: enum proto_id (modulo PROTO__COUNT), as the
 *            inventory passes the protocol seen earlier on the flow; both
 *            top bits set (L4 only): the flow ends after this message
 *   bytes 2.. the payload (L4) or the frame body after the EtherType / the
 *            802.3 length (L2)
 *
 * The payload is copied into a heap buffer of exactly its size, so that a
 * one-byte over-read is an AddressSanitizer report. Each message is parsed
 * by proto_dispatch (fields checked: NUL-terminated, enum values in range)
 * and then fed to one long-lived in-memory inventory (assets_packet), which
 * also runs nDPI on L4 packets. Built by tests/fuzz/build.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assets/assets.h"
#include "proto/proto.h"

static const uint16_t ports[] = {
	502, 20000, 102, 44818, 2222, 47808, 2404, 4840, 9600, 5000, 5001, 5002,
	5006, 5007, 5560, 5562, 5094, 67, 68, 53, 5353, 5355, 137, 34964, 12001,
};
#define NPORTS (sizeof ports / sizeof ports[0])

/* EtherTypes (and 802.3 lengths, filled in) the L2 parsers want. */
static const uint16_t l2_types[8] = { 0x0806, 0x88cc, 0x88b8, 0x88ba, 0x8892,
				      0x0000 /* LLC STP */, 0x0001 /* SNAP CDP */, 0x8100 };

static struct assets *inventory;

static void check_msg(const struct proto_msg *m)
{
	if ((unsigned)m->proto >= PROTO__COUNT || m->src_role >= ROLE__COUNT ||
	    m->dst_role >= ROLE__COUNT || m->nf > PROTO_MAX_FIELDS)
		abort();
	for (unsigned i = 0; i < m->nf; i++) {
		if (!m->f[i].key || m->f[i].side > SIDE_ADDR ||
		    !memchr(m->f[i].value, 0, PROTO_VALUE_MAX))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (!inventory) {
		char err[256];
		inventory = assets_open(NULL, err, sizeof err);
		if (!inventory)
			abort();
	}
	uint8_t sel = data[0];
	enum proto_id hint = (enum proto_id)(data[1] % PROTO__COUNT);
	const uint8_t *body = data + 2;
	size_t n = size - 2;
	static uint64_t ts = 1700000000000000000ull;
	ts += 1000000;

	struct packet p;
	memset(&p, 0, sizeof p);
	p.ts_ns = ts;
	p.frame_is_eth = true;
	static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 2 };
	memcpy(p.eth_src, src_mac, 6);
	memcpy(p.eth_dst, dst_mac, 6);
	uint8_t *buf;
	if (sel < 0xc0) {
		/* The frame: Ethernet + IPv4 header bytes, then the payload. */
		size_t hdr = 14 + 20;
		buf = malloc(hdr + n);
		if (!buf)
			return 0;
		memset(buf, 0, hdr);
		buf[12] = 0x08;
		buf[14] = 0x45;
		memcpy(buf + hdr, body, n);
		p.frame = buf;
		p.frame_caplen = p.frame_wirelen = (uint32_t)(hdr + n);
		p.ethertype = 0x0800;
		p.layers = LAYER_ETH | LAYER_IPV4 | ((sel & 1) ? LAYER_TCP : LAYER_UDP);
		p.l3_off = 14;
		p.l3_len = (uint32_t)(20 + n);
		p.src.family = p.dst.family = 4;
		p.src.a[0] = 198; p.src.a[1] = 51; p.src.a[2] = 100; p.src.a[3] = 1;
		p.dst.a[0] = 203; p.dst.a[1] = 0; p.dst.a[2] = 113; p.dst.a[3] = 2;
		p.ip_proto = (sel & 1) ? 6 : 17;
		p.ttl = 64;
		uint16_t port = ports[(sel >> 2) % NPORTS];
		p.dport = (sel & 2) ? port : 40000;
		p.sport = (sel & 2) ? 40000 : port;
		p.payload = n ? buf + hdr : NULL;
		p.payload_caplen = p.payload_len = (uint32_t)n;
		p.flow_hash = 0x9e3779b97f4a7c15ull ^ ((uint64_t)port << 16) ^ (sel & 1);
	} else {
		uint16_t t = l2_types[sel & 7];
		size_t pre = 0;
		uint8_t llc[8];
		if (t == 0x0000) {
			memcpy(llc, "\x42\x42\x03", 3);
			pre = 3;
		} else if (t == 0x0001) {
			memcpy(llc, "\xaa\xaa\x03\x00\x00\x0c\x20\x00", 8);
			pre = 8;
		}
		size_t len = 14 + pre + n;
		buf = malloc(len);
		if (!buf)
			return 0;
		memcpy(buf, dst_mac, 6);
		memcpy(buf + 6, src_mac, 6);
		uint16_t et = pre ? (uint16_t)((pre + n) > 1500 ? 1500 : pre + n) : t;
		buf[12] = (uint8_t)(et >> 8);
		buf[13] = (uint8_t)et;
		memcpy(buf + 14, llc, pre);
		memcpy(buf + 14 + pre, body, n);
		p.frame = buf;
		p.frame_caplen = p.frame_wirelen = (uint32_t)len;
		p.ethertype = et;
		p.layers = LAYER_ETH;
	}
	p.data = p.frame;
	p.caplen = p.frame_caplen;
	p.wirelen = p.frame_wirelen;

	static struct event_counts ev;
	static struct proto_msg m;
	m.details = sel & 1; /* both paths: with and without detail fields */
	if (proto_dispatch(&m, &p, &ev, hint))
		check_msg(&m);
	assets_packet(inventory, &p, NULL, (sel & 2) ? 0 : 1);
	/* Every fourth L4 input also ends its flow (nDPI's end-of-flow guess). */
	if (sel < 0xc0 && (data[1] & 0x80) && (data[1] & 0x40)) {
		struct flow fl;
		memset(&fl, 0, sizeof fl);
		fl.hash32 = (uint32_t)p.flow_hash;
		struct pipeline_observer ob = assets_observer(inventory);
		ob.on_flow_end(ob.ctx, &fl);
	}
	free(buf);
	return 0;
}
