/*
 * proto.c - the protocol registry: which parser wants which packet, and
 * the helpers every parser uses to report what it found.
 *
 * Layer 4 parsers are chosen by TCP/UDP port (either end) and must validate
 * the message themselves (a port is a hint, not a proof: zeek's
 * modbus-and-non-modbus-p502 capture has other traffic on 502). A protocol
 * recognised on a flow before (the caller's hint) is tried first, so a
 * protocol found by a port-independent signature (OPC UA Hello) keeps being
 * parsed on that flow. Layer 2 parsers are chosen by EtherType or by the
 * 802.2 LLC / SNAP header of 802.3 frames.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "proto/proto.h"

#define L4_TCP 1u
#define L4_UDP 2u

/* One registry row: a parser and a port it listens on. */
struct proto_l4_entry {
	enum proto_id id;    /* protocol the parser usually reports */
	unsigned l4;         /* L4_TCP | L4_UDP */
	uint16_t port;       /* either end of the connection */
	proto_parse_fn fn;
};

static const struct proto_l4_entry l4_table[] = {
	{ PROTO_MODBUS, L4_TCP, 502, proto_modbus_parse },
	{ PROTO_DNP3, L4_TCP | L4_UDP, 20000, proto_dnp3_parse },
	{ PROTO_S7COMM, L4_TCP, 102, proto_iso_parse },
	{ PROTO_ENIP, L4_TCP | L4_UDP, 44818, proto_enip_parse },
	{ PROTO_CIP_IO, L4_UDP, 2222, proto_cipio_parse },
	{ PROTO_BACNET, L4_UDP, 47808, proto_bacnet_parse },
	{ PROTO_IEC104, L4_TCP, 2404, proto_iec104_parse },
	{ PROTO_OPCUA, L4_TCP, 4840, proto_opcua_parse },
	{ PROTO_FINS, L4_TCP | L4_UDP, 9600, proto_fins_parse },
	{ PROTO_MELSEC, L4_TCP | L4_UDP, 5000, proto_melsec_parse },
	{ PROTO_MELSEC, L4_TCP | L4_UDP, 5001, proto_melsec_parse },
	{ PROTO_MELSEC, L4_TCP | L4_UDP, 5002, proto_melsec_parse },
	{ PROTO_MELSEC, L4_TCP | L4_UDP, 5006, proto_melsec_parse },
	{ PROTO_MELSEC, L4_TCP | L4_UDP, 5007, proto_melsec_parse },
	{ PROTO_MELSEC, L4_TCP | L4_UDP, 5560, proto_melsec_parse },
	{ PROTO_MELSEC, L4_TCP | L4_UDP, 5562, proto_melsec_parse },
	{ PROTO_HARTIP, L4_TCP | L4_UDP, 5094, proto_hartip_parse },
	{ PROTO_DHCP, L4_UDP, 67, proto_dhcp_parse },
	{ PROTO_DHCP, L4_UDP, 68, proto_dhcp_parse },
	{ PROTO_DNS, L4_UDP | L4_TCP, 53, proto_dns_parse },
	{ PROTO_MDNS, L4_UDP, 5353, proto_dns_parse },
	{ PROTO_LLMNR, L4_UDP, 5355, proto_dns_parse },
	{ PROTO_NBNS, L4_UDP, 137, proto_nbns_parse },
	{ PROTO_PROFINET, L4_UDP, 34964, proto_pnio_cm_parse },
};
#define L4_TABLE_N (sizeof(l4_table) / sizeof(l4_table[0]))

static const char *const proto_names[PROTO__COUNT] = {
	[PROTO_NONE] = "none", [PROTO_MODBUS] = "modbus", [PROTO_DNP3] = "dnp3",
	[PROTO_S7COMM] = "s7comm", [PROTO_S7COMMPLUS] = "s7comm-plus",
	[PROTO_COTP] = "cotp", [PROTO_MMS] = "mms", [PROTO_ENIP] = "enip",
	[PROTO_CIP_IO] = "cip-io", [PROTO_BACNET] = "bacnet",
	[PROTO_IEC104] = "iec104", [PROTO_GOOSE] = "goose", [PROTO_SV] = "sv",
	[PROTO_PROFINET] = "profinet", [PROTO_OPCUA] = "opcua",
	[PROTO_FINS] = "fins", [PROTO_MELSEC] = "melsec",
	[PROTO_HARTIP] = "hart-ip", [PROTO_ARP] = "arp", [PROTO_DHCP] = "dhcp",
	[PROTO_DNS] = "dns", [PROTO_MDNS] = "mdns", [PROTO_LLMNR] = "llmnr",
	[PROTO_NBNS] = "nbns", [PROTO_LLDP] = "lldp", [PROTO_CDP] = "cdp",
	[PROTO_STP] = "stp",
};

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_NONE] = "", [ROLE_CLIENT] = "client", [ROLE_SERVER] = "server",
	[ROLE_MASTER] = "master", [ROLE_OUTSTATION] = "outstation",
	[ROLE_CONTROLLING] = "controlling", [ROLE_CONTROLLED] = "controlled",
	[ROLE_PUBLISHER] = "publisher", [ROLE_IO_CONTROLLER] = "io-controller",
	[ROLE_IO_DEVICE] = "io-device", [ROLE_SUPERVISOR] = "supervisor",
	[ROLE_BRIDGE] = "bridge",
};

const char *proto_name(enum proto_id id)
{
	return (unsigned)id < PROTO__COUNT ? proto_names[id] : "?";
}

enum proto_id proto_by_name(const char *name)
{
	for (unsigned i = 1; i < PROTO__COUNT; i++)
		if (!strcmp(proto_names[i], name))
			return (enum proto_id)i;
	return PROTO_NONE;
}

bool proto_is_ot(enum proto_id id)
{
	return id >= PROTO_MODBUS && id <= PROTO_HARTIP;
}

const char *proto_role_name(enum proto_role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "?";
}

void proto_set(struct proto_msg *m, enum proto_id id, enum proto_role src,
	       enum proto_role dst)
{
	m->proto = id;
	m->src_role = (uint8_t)src;
	m->dst_role = (uint8_t)dst;
	m->ot = proto_is_ot(id);
}

static struct proto_field *field_new(struct proto_msg *m, enum proto_side side,
				     bool ident, const char *key)
{
	if (!ident && !m->details)
		return NULL; /* nobody reads details: do not format them */
	if (m->nf >= PROTO_MAX_FIELDS) {
		m->dropped++;
		return NULL;
	}
	struct proto_field *f = &m->f[m->nf++];
	f->key = key;
	f->side = (uint8_t)side;
	f->ident = ident;
	f->value[0] = 0;
	return f;
}

void proto_field(struct proto_msg *m, enum proto_side side, bool ident,
		 const char *key, const char *fmt, ...)
{
	struct proto_field *f = field_new(m, side, ident, key);
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->value, sizeof(f->value), fmt, ap);
	va_end(ap);
}

void proto_field_bytes(struct proto_msg *m, enum proto_side side, bool ident,
		       const char *key, const uint8_t *b, size_t n)
{
	size_t len = 0;
	while (len < n && b[len])
		len++;
	while (len > 0 && (b[len - 1] == ' ' || b[len - 1] == '\t'))
		len--;
	size_t start = 0;
	while (start < len && b[start] == ' ')
		start++;
	if (start == len || (!ident && !m->details))
		return; /* nothing printable worth keeping, or nobody reads it */
	struct proto_field *f = field_new(m, side, ident, key);
	if (!f)
		return;
	size_t o = 0;
	for (size_t i = start; i < len && o + 1 < sizeof(f->value); i++)
		f->value[o++] = (b[i] >= 0x20 && b[i] < 0x7f) ? (char)b[i] : '.';
	f->value[o] = 0;
}

void proto_field_ip4(struct proto_msg *m, enum proto_side side, const char *key,
		     const uint8_t *a)
{
	proto_field(m, side, true, key, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

void proto_field_mac(struct proto_msg *m, enum proto_side side, const char *key,
		     const uint8_t *a)
{
	proto_field(m, side, true, key, "%02x:%02x:%02x:%02x:%02x:%02x", a[0],
		    a[1], a[2], a[3], a[4], a[5]);
}

void proto_field_addr(struct proto_msg *m, const struct ip_addr *ip, const char *key,
		      const char *value)
{
	struct proto_field *f = field_new(m, SIDE_ADDR, true, key);
	if (!f)
		return;
	f->addr = *ip;
	snprintf(f->value, sizeof(f->value), "%s", value);
}

bool proto_bad(struct proto_msg *m, enum event_id ev)
{
	/* Bytes the capture cut are "truncated", not the sender's fault. */
	const struct packet *p = m->pkt;
	if (p && (p->layers & (LAYER_TCP | LAYER_UDP)) &&
	    p->payload_caplen < p->payload_len)
		ev = EV_PROTO_TRUNCATED;
	if (m->events)
		event_count(m->events, ev);
	return false;
}

static void msg_reset(struct proto_msg *m, const struct packet *p,
		      struct event_counts *ev)
{
	m->pkt = p;
	m->events = ev;
	m->proto = PROTO_NONE;
	m->src_role = m->dst_role = ROLE_NONE;
	m->ot = false;
	m->has_subject = false;
	m->nf = 0;
	m->dropped = 0;
}

/* A failed parser may have added fields before it gave up: drop them. */
static bool try_parser(struct proto_msg *m, proto_parse_fn fn, const uint8_t *d,
		       size_t n)
{
	if (fn(m, d, n) && m->proto != PROTO_NONE)
		return true;
	msg_reset(m, m->pkt, m->events);
	return false;
}

static proto_parse_fn parser_of(enum proto_id id, unsigned l4)
{
	switch (id) {
	case PROTO_S7COMMPLUS: case PROTO_MMS: case PROTO_COTP:
		id = PROTO_S7COMM;
		break;
	case PROTO_MDNS: case PROTO_LLMNR:
		id = PROTO_DNS;
		break;
	case PROTO_OPCUA:
		return (l4 & L4_TCP) ? proto_opcua_parse : NULL;
	default:
		break;
	}
	for (size_t i = 0; i < L4_TABLE_N; i++)
		if (l4_table[i].id == id && (l4_table[i].l4 & l4))
			return l4_table[i].fn;
	return NULL;
}

static bool dispatch_l4(struct proto_msg *m, const struct packet *p,
			enum proto_id hint)
{
	unsigned l4 = (p->layers & LAYER_TCP) ? L4_TCP : L4_UDP;
	const uint8_t *d = p->payload;
	size_t n = p->payload_caplen;
	if (!d || n == 0)
		return false;
	proto_parse_fn tried = NULL;
	if (hint != PROTO_NONE) {
		tried = parser_of(hint, l4);
		if (tried && try_parser(m, tried, d, n))
			return true;
	}
	for (size_t i = 0; i < L4_TABLE_N; i++) {
		const struct proto_l4_entry *e = &l4_table[i];
		if (!(e->l4 & l4) || !proto_port(p, e->port) || e->fn == tried)
			continue;
		if (try_parser(m, e->fn, d, n))
			return true;
		tried = e->fn;
	}
	/* Port-independent signatures: OPC UA "HELF" opens every UA session. */
	if (l4 == L4_TCP && n >= 8 && !memcmp(d, "HELF", 4) &&
	    tried != proto_opcua_parse)
		return try_parser(m, proto_opcua_parse, d, n);
	return false;
}

/* Walk the Ethernet header and VLAN tags to the EtherType / LLC body. */
static bool dispatch_l2(struct proto_msg *m, const struct packet *p)
{
	if (!p->frame_is_eth || !p->frame)
		return false;
	struct cursor c = cursor_make(p->frame, p->frame_caplen);
	uint16_t type;
	if (!cursor_skip(&c, 12) || !cursor_be16(&c, &type))
		return false;
	for (int i = 0; i < PACKET_MAX_VLANS &&
			(type == 0x8100 || type == 0x88a8 || type == 0x9100); i++)
		if (!cursor_skip(&c, 2) || !cursor_be16(&c, &type))
			return false;
	const uint8_t *d = cursor_ptr(&c);
	size_t n = cursor_left(&c);
	if (type <= 1500) {
		/* 802.3 length: the body is 802.2 LLC (and maybe SNAP). */
		if (type < n)
			n = type;
		if (n < 3)
			return false;
		if (d[0] == 0x42 && d[1] == 0x42 && d[2] == 0x03)
			return try_parser(m, proto_stp_parse, d + 3, n - 3);
		if (d[0] == 0xaa && d[1] == 0xaa && d[2] == 0x03 && n >= 8 &&
		    d[3] == 0 && d[4] == 0 && d[5] == 0x0c && d[6] == 0x20 &&
		    d[7] == 0x00)
			return try_parser(m, proto_cdp_parse, d + 8, n - 8);
		return false;
	}
	switch (type) {
	case 0x0806:
		return try_parser(m, proto_arp_parse, d, n);
	case 0x88cc:
		return try_parser(m, proto_lldp_parse, d, n);
	case 0x88b8:
	case 0x88ba:
		return try_parser(m, proto_goose_parse, d, n);
	case 0x8892:
		return try_parser(m, proto_profinet_parse, d, n);
	default:
		return false;
	}
}

bool proto_dispatch(struct proto_msg *m, const struct packet *p,
		    struct event_counts *ev, enum proto_id hint)
{
	msg_reset(m, p, ev);
	if (p->layers & (LAYER_TCP | LAYER_UDP)) {
		if (p->ip_fragment && !p->ip_first_fragment)
			return false;
		return dispatch_l4(m, p, hint);
	}
	if (p->layers & (LAYER_IPV4 | LAYER_IPV6))
		return false;
	return dispatch_l2(m, p);
}
