/*
 * expect.h - the expectations file of `mirrorsense verify --expect FILE`:
 * what a mirror must show, stated once and verified after every change.
 *
 * Format (docs/verify.md): one directive per line, '#' starts a comment,
 * a directive may list several values:
 *
 *   vlan 10 20 100            VLAN IDs that must be seen
 *   subnet 203.0.113.0/24     prefixes (any length, IPv4 or IPv6) with traffic
 *   protocol modbus s7comm    protocol names (as in the deployment table)
 *   erspan-session 100 101    ERSPAN session IDs that must arrive
 *   vni 5000                  VXLAN / Geneve VNIs that must arrive
 *   rspan-vlan 900            RSPAN VLANs that must arrive
 *   min-devices 12            at least this many devices (unicast addresses)
 *   min-packets 1000          at least this many packets overall
 *   both-directions 95        at least this % of TCP connections seen both ways
 *   max-loss 1                at most this % of TCP data ACKed but unseen
 *
 * Every value becomes one pass/fail check in the report.
 */
#ifndef MS_HEALTH_EXPECT_H
#define MS_HEALTH_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "decode/packet.h"

#define EXPECT_MAX_ITEMS 256

enum expect_kind {
	EXPECT_VLAN = 0,
	EXPECT_SUBNET,
	EXPECT_PROTOCOL,
	EXPECT_ERSPAN_SESSION,
	EXPECT_VNI,
	EXPECT_RSPAN_VLAN,
	EXPECT_MIN_DEVICES,
	EXPECT_MIN_PACKETS,
	EXPECT_BOTH_DIRECTIONS,
	EXPECT_MAX_LOSS,
};

struct expect_item {
	enum expect_kind kind;
	double num;              /* VLAN, session ID, VNI, count or percentage */
	struct ip_addr prefix;   /* EXPECT_SUBNET */
	uint8_t plen;            /* prefix length */
	int proto;               /* EXPECT_PROTOCOL: health_proto_lookup() index */
	char text[64];           /* the value as written */
	unsigned line;           /* line in the file */
};

struct expect {
	struct expect_item items[EXPECT_MAX_ITEMS];
	unsigned n;
	char path[256];          /* file it came from */
};

/* Read FILE. 0, or -1 with "FILE:LINE: reason" in err. */
int expect_load(const char *path, struct expect *e, char *err, size_t errlen);
/* Parse text held in memory (same format); name is used in messages. */
int expect_parse(const char *text, const char *name, struct expect *e, char *err, size_t errlen);

const char *expect_kind_name(enum expect_kind k); /* "vlan", "subnet", ... */

#endif
