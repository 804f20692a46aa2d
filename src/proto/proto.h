/*
 * proto.h - OT, layer 2 and IT identity protocols: one parser per file,
 * registered in proto.c with the TCP/UDP ports or EtherTypes it wants.
 *
 * A parser reads one message (one TCP segment payload, one UDP payload or
 * one layer 2 frame body, without reassembly) through a bounds-checked
 * cursor and fills a struct proto_msg: which protocol it was, the role each
 * end plays (client/server, master/outstation, ...), and fields. A field is
 * either an identity fact about one end (vendor, product, station name: the
 * inventory keeps those) or a detail of this message (function code, type
 * ID: shown by the protodump tool only). Malformed input makes the parser
 * return false and count a named event ("proto.modbus.malformed"); it never
 * reads past the bytes it was given.
 *
 * To add a protocol: one file proto/NAME.c with a proto_parse_fn, a
 * PROTO_ id and name below, one EV line in core/events.def, one row in the
 * registry table in proto.c.
 */
#ifndef MS_PROTO_PROTO_H
#define MS_PROTO_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "decode/packet.h"

/* Every protocol mirrorsense identifies itself (nDPI covers the rest). */
enum proto_id {
	PROTO_NONE = 0,
	PROTO_MODBUS,      /* Modbus/TCP, TCP 502 */
	PROTO_DNP3,        /* DNP3, TCP/UDP 20000 */
	PROTO_S7COMM,      /* S7comm (0x32) over TPKT/COTP, TCP 102 */
	PROTO_S7COMMPLUS,  /* S7comm-plus (0x72) over TPKT/COTP, TCP 102 */
	PROTO_COTP,        /* ISO transport on 102 whose payload is not known yet */
	PROTO_MMS,         /* ISO 9506 MMS (IEC 61850 client/server) on 102 */
	PROTO_ENIP,        /* EtherNet/IP encapsulation + CIP, TCP/UDP 44818 */
	PROTO_CIP_IO,      /* CIP implicit I/O, UDP 2222 */
	PROTO_BACNET,      /* BACnet/IP (BVLC), UDP 47808 */
	PROTO_IEC104,      /* IEC 60870-5-104, TCP 2404 */
	PROTO_GOOSE,       /* IEC 61850 GOOSE, EtherType 0x88B8 */
	PROTO_SV,          /* IEC 61850 Sampled Values, EtherType 0x88BA */
	PROTO_PROFINET,    /* PROFINET RT / DCP, EtherType 0x8892 */
	PROTO_OPCUA,       /* OPC UA binary, TCP 4840 (and HEL anywhere) */
	PROTO_FINS,        /* Omron FINS, UDP/TCP 9600 */
	PROTO_MELSEC,      /* Mitsubishi MC protocol (3E/4E binary frames) */
	PROTO_HARTIP,      /* HART-IP, UDP/TCP 5094 */
	PROTO_ARP,         /* ARP, EtherType 0x0806 */
	PROTO_DHCP,        /* DHCP / BOOTP, UDP 67/68 */
	PROTO_DNS,         /* DNS, UDP/TCP 53 */
	PROTO_MDNS,        /* multicast DNS, UDP 5353 */
	PROTO_LLMNR,       /* LLMNR, UDP 5355 */
	PROTO_NBNS,        /* NetBIOS name service, UDP 137 */
	PROTO_LLDP,        /* LLDP, EtherType 0x88CC */
	PROTO_CDP,         /* Cisco Discovery Protocol, SNAP 00000C/2000 */
	PROTO_STP,         /* spanning tree BPDUs, LLC 0x42 */
	PROTO__COUNT
};

/* What one end of the exchange is, as far as this protocol tells. */
enum proto_role {
	ROLE_NONE = 0,
	ROLE_CLIENT,        /* sends requests (Modbus client, S7 client, ...) */
	ROLE_SERVER,        /* answers them (PLC, Modbus server, ...) */
	ROLE_MASTER,        /* DNP3 master */
	ROLE_OUTSTATION,    /* DNP3 outstation */
	ROLE_CONTROLLING,   /* IEC 104 controlling station */
	ROLE_CONTROLLED,    /* IEC 104 controlled station */
	ROLE_PUBLISHER,     /* GOOSE / SV publisher */
	ROLE_IO_CONTROLLER, /* PROFINET IO controller (PLC) */
	ROLE_IO_DEVICE,     /* PROFINET IO device */
	ROLE_SUPERVISOR,    /* PROFINET supervisor (engineering) */
	ROLE_BRIDGE,        /* LLDP/CDP/STP sender that is a switch */
	ROLE__COUNT
};

/* Whose fact a field is. */
enum proto_side {
	SIDE_SRC = 0,     /* the sender of this message (source MAC / IP) */
	SIDE_DST,         /* the receiver */
	SIDE_SUBJECT,     /* the MAC in proto_msg.subject (ARP sender, DHCP client) */
	SIDE_ADDR,        /* whichever device uses the address in proto_field.addr (DNS answers) */
};

#define PROTO_MAX_FIELDS 16   /* fields kept per message (more: counted, dropped) */
#define PROTO_VALUE_MAX 80    /* bytes per value, NUL included (longer: cut) */

struct proto_field {
	const char *key;              /* static name: "vendor", "station_name", ... */
	char value[PROTO_VALUE_MAX];  /* printable text (non-printables as '.') */
	uint8_t side;                 /* enum proto_side */
	bool ident;                   /* identity fact (kept by the inventory) */
	struct ip_addr addr;          /* SIDE_ADDR: the address the fact is about */
};

/* One parsed message. */
struct proto_msg {
	/* ---- input ---- */
	const struct packet *pkt;     /* the packet (ports, addresses, frame) */
	struct event_counts *events;  /* where parsers count malformed input */
	bool details;                 /* keep detail fields too (protodump), not only identity */
	/* ---- output ---- */
	enum proto_id proto;          /* what the message was (PROTO_NONE: not recognised) */
	uint8_t src_role, dst_role;   /* enum proto_role of sender and receiver */
	bool ot;                      /* an OT protocol (for per-subnet summaries) */
	uint8_t subject[6];           /* MAC for SIDE_SUBJECT fields */
	bool has_subject;
	struct proto_field f[PROTO_MAX_FIELDS];
	unsigned nf;                  /* fields used */
	unsigned dropped;             /* fields that did not fit */
};

/* A parser: d/n is the L4 payload (TCP/UDP) or the frame body after the
 * EtherType / LLC header (layer 2). True when the message was recognised
 * (m->proto set); false, with an event counted when it was malformed. */
typedef bool (*proto_parse_fn)(struct proto_msg *m, const uint8_t *d, size_t n);

/* Dispatch: run the parsers that want this packet. Fills *m (reset first);
 * true when one recognised the message. hint: a protocol seen before on
 * this flow (PROTO_NONE if none) so that traffic on unusual ports keeps
 * being parsed once recognised. */
bool proto_dispatch(struct proto_msg *m, const struct packet *p,
		    struct event_counts *ev, enum proto_id hint);

const char *proto_name(enum proto_id id);       /* "modbus", "s7comm", ... */
enum proto_id proto_by_name(const char *name);  /* PROTO_NONE if unknown */
bool proto_is_ot(enum proto_id id);
const char *proto_role_name(enum proto_role r); /* "client", "master", ... */

/* Helpers for the parsers. */
void proto_set(struct proto_msg *m, enum proto_id id, enum proto_role src,
	       enum proto_role dst);
/* Add a field; value printf-style. */
void proto_field(struct proto_msg *m, enum proto_side side, bool ident,
		 const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Add a field from wire bytes (printable text, cut at NUL, trailing blanks dropped). */
void proto_field_bytes(struct proto_msg *m, enum proto_side side, bool ident,
		       const char *key, const uint8_t *b, size_t n);
void proto_field_ip4(struct proto_msg *m, enum proto_side side, const char *key,
		     const uint8_t *a);
void proto_field_mac(struct proto_msg *m, enum proto_side side, const char *key,
		     const uint8_t *a);
/* An identity fact about the device using address ip (SIDE_ADDR). */
void proto_field_addr(struct proto_msg *m, const struct ip_addr *ip, const char *key,
		      const char *value);
/* Count a malformed message and return false. */
bool proto_bad(struct proto_msg *m, enum event_id ev);

/* True if the packet's TCP/UDP source or destination port is port. */
static inline bool proto_port(const struct packet *p, uint16_t port)
{
	return p->sport == port || p->dport == port;
}

/* The parsers, one per file. L4 ones get the payload, L2 ones the body. */
bool proto_modbus_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_dnp3_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_iso_parse(struct proto_msg *m, const uint8_t *d, size_t n);   /* 102: S7, S7+, MMS */
bool proto_enip_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_cipio_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_bacnet_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_iec104_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_opcua_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_fins_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_melsec_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_hartip_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_dhcp_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_dns_parse(struct proto_msg *m, const uint8_t *d, size_t n);   /* DNS, mDNS, LLMNR */
bool proto_nbns_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_arp_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_lldp_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_cdp_parse(struct proto_msg *m, const uint8_t *d, size_t n);   /* after SNAP */
bool proto_stp_parse(struct proto_msg *m, const uint8_t *d, size_t n);   /* after LLC */
bool proto_goose_parse(struct proto_msg *m, const uint8_t *d, size_t n); /* GOOSE and SV */
bool proto_profinet_parse(struct proto_msg *m, const uint8_t *d, size_t n);
bool proto_pnio_cm_parse(struct proto_msg *m, const uint8_t *d, size_t n); /* UDP 34964 */

#endif
