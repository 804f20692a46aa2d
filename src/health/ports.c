/*
 * ports.c - well-known names for the protocols the deployment analysis
 * lists per subnet, by TCP/UDP port (IANA service registry, vendor
 * documents for the OT ones) or by ethertype for layer-2 protocols.
 *
 * The names are hints from port numbers, not protocol identification: a
 * server on TCP 502 is listed as "modbus" whatever it speaks. To add a
 * protocol, append one line to the table (at most HEALTH_PROTOS lines; the
 * index is the bit in health_subnet.protos and must stay stable).
 */
#include <string.h>
#include <strings.h>

#include "health/health.h"

enum { P_TCP = 1, P_UDP = 2, P_ETH = 4, P_BOTH = P_TCP | P_UDP };

struct proto_hint {
	const char *name;  /* short name in reports and expectations files */
	unsigned where;    /* P_TCP / P_UDP / P_ETH */
	uint16_t lo, hi;   /* port range, or ethertype (lo = hi) */
};

static const struct proto_hint hints[] = {
	/* OT / ICS */
	{ "modbus", P_TCP, 502, 502 },
	{ "s7comm", P_TCP, 102, 102 },          /* ISO-TSAP: S7comm, IEC 61850 MMS */
	{ "dnp3", P_BOTH, 20000, 20000 },
	{ "enip", P_BOTH, 44818, 44818 },       /* EtherNet/IP explicit */
	{ "cip-io", P_UDP, 2222, 2222 },        /* EtherNet/IP implicit I/O */
	{ "bacnet", P_UDP, 47808, 47808 },
	{ "opcua", P_TCP, 4840, 4840 },
	{ "iec104", P_TCP, 2404, 2404 },
	{ "profinet-cm", P_UDP, 34962, 34964 },
	{ "fins", P_BOTH, 9600, 9600 },         /* Omron */
	{ "hart-ip", P_BOTH, 5094, 5094 },
	{ "mqtt", P_TCP, 1883, 1883 },
	{ "mqtts", P_TCP, 8883, 8883 },
	{ "melsec", P_BOTH, 5006, 5007 },
	{ "codesys", P_TCP, 2455, 2455 },
	{ "c37.118", P_BOTH, 4712, 4713 },
	{ "dlms", P_BOTH, 4059, 4059 },
	{ "ptp", P_UDP, 319, 320 },
	{ "profinet-rt", P_ETH, 0x8892, 0x8892 },
	{ "goose", P_ETH, 0x88b8, 0x88b8 },
	{ "sv", P_ETH, 0x88ba, 0x88ba },
	{ "ptp-l2", P_ETH, 0x88f7, 0x88f7 },
	{ "ethercat", P_ETH, 0x88a4, 0x88a4 },
	/* IT */
	{ "http", P_TCP, 80, 80 },
	{ "https", P_TCP, 443, 443 },
	{ "http-alt", P_TCP, 8080, 8080 },
	{ "dns", P_BOTH, 53, 53 },
	{ "ssh", P_TCP, 22, 22 },
	{ "telnet", P_TCP, 23, 23 },
	{ "ftp", P_TCP, 20, 21 },
	{ "tftp", P_UDP, 69, 69 },
	{ "ntp", P_UDP, 123, 123 },
	{ "snmp", P_UDP, 161, 162 },
	{ "syslog", P_UDP, 514, 514 },
	{ "dhcp", P_UDP, 67, 68 },
	{ "netbios", P_BOTH, 137, 139 },
	{ "smb", P_TCP, 445, 445 },
	{ "rdp", P_TCP, 3389, 3389 },
	{ "vnc", P_TCP, 5900, 5900 },
	{ "ldap", P_BOTH, 389, 389 },
	{ "kerberos", P_BOTH, 88, 88 },
	{ "ssdp", P_UDP, 1900, 1900 },
	{ "mdns", P_UDP, 5353, 5353 },
	{ "llmnr", P_UDP, 5355, 5355 },
	{ "smtp", P_TCP, 25, 25 },
	{ "radius", P_UDP, 1812, 1813 },
	/* layer 2 and ICMP (matched in health_proto_of) */
	{ "arp", P_ETH, 0x0806, 0x0806 },
	{ "lldp", P_ETH, 0x88cc, 0x88cc },
	{ "icmp", 0, 0, 0 },
	{ "stp", 0, 0, 0 },                     /* 802.2 LLC, DSAP 0x42 */
	{ "cdp", 0, 0, 0 },                     /* 802.2 SNAP, Cisco */
	{ "other-tcp", 0, 0, 0 },
	{ "other-udp", 0, 0, 0 },
	{ "ipv6-nd", 0, 0, 0 },                 /* ICMPv6 neighbour discovery */
};

#define NHINTS (sizeof(hints) / sizeof(hints[0]))
_Static_assert(NHINTS <= HEALTH_PROTOS, "protocol table wider than the bit mask");

const char *health_proto_name(unsigned id)
{
	return id < NHINTS ? hints[id].name : "?";
}

int health_proto_lookup(const char *name)
{
	for (unsigned i = 0; i < NHINTS; i++)
		if (!strcasecmp(hints[i].name, name))
			return (int)i;
	return -1;
}

static int by_name(const char *name)
{
	return health_proto_lookup(name);
}

static int by_port(unsigned where, uint16_t port)
{
	for (unsigned i = 0; i < NHINTS; i++)
		if ((hints[i].where & where) && port >= hints[i].lo && port <= hints[i].hi)
			return (int)i;
	return -1;
}

int health_proto_of(const struct packet *p)
{
	if (p->layers & (LAYER_TCP | LAYER_UDP)) {
		unsigned where = (p->layers & LAYER_TCP) ? P_TCP : P_UDP;
		/* The lower port is usually the service; try it first. */
		uint16_t a = p->sport < p->dport ? p->sport : p->dport;
		uint16_t b = p->sport < p->dport ? p->dport : p->sport;
		int id = by_port(where, a);
		if (id < 0)
			id = by_port(where, b);
		if (id >= 0)
			return id;
		return by_name(where == P_TCP ? "other-tcp" : "other-udp");
	}
	if (p->layers & LAYER_ICMP6)
		return by_name((p->icmp_type >= 133 && p->icmp_type <= 137) ? "ipv6-nd" : "icmp");
	if (p->layers & LAYER_ICMP)
		return by_name("icmp");
	if (p->layers & LAYER_ARP)
		return by_name("arp");
	if (p->layers & (LAYER_IPV4 | LAYER_IPV6))
		return -1;
	if (p->ethertype >= 0x0600) {
		for (unsigned i = 0; i < NHINTS; i++)
			if ((hints[i].where & P_ETH) && p->ethertype == hints[i].lo)
				return (int)i;
		return -1;
	}
	/* 802.3 length field: an LLC frame. STP goes to 01:80:c2:00:00:00,
	 * CDP to 01:00:0c:cc:cc:cc. */
	static const uint8_t stp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
	static const uint8_t cdp[6] = { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc };
	if (p->frame_is_eth && !memcmp(p->eth_dst, stp, 6))
		return by_name("stp");
	if (p->frame_is_eth && !memcmp(p->eth_dst, cdp, 6))
		return by_name("cdp");
	return -1;
}
