/*
 * send.h - mirror destinations: where `mirrorsense mirror` sends the frames
 * it captured, and in which encapsulation.
 *
 * A destination is parsed from one --to string (dest.c), opened (a packet
 * socket for span/rspan, a raw IP GRE socket for erspan2/erspan3/gre, a UDP
 * socket for vxlan), then fed frames in batches: send_dest_add() queues a
 * frame (the encapsulation header is built at once into the batch), and
 * send_dest_flush() hands the whole batch to the kernel with one
 * sendmmsg(2). Each encapsulation is one file with one small table of
 * operations (span.c, rspan.c, erspan.c, vxlan.c, gre.c):
 *
 *   --to span:IF                       the frame itself out of IF
 *   --to rspan:IF:VLAN                 the frame with an added 802.1Q tag
 *   --to erspan2://ADDR?session=N&index=M          ERSPAN type II over GRE
 *   --to erspan3://ADDR?session=N&hwid=H&gra=100ns ERSPAN type III over GRE
 *   --to vxlan://ADDR[:PORT]?vni=N                 VXLAN (RFC 7348)
 *   --to gre://ADDR[?key=N]                        GRE transparent Ethernet
 *                                                  bridging (0x6558)
 *
 * ADDR is an IPv4 address or an IPv6 address in brackets ([2001:db8::1]).
 * Adding an encapsulation is one file with a struct send_ops and one line
 * in dest.c's table.
 */
#ifndef MS_SEND_SEND_H
#define MS_SEND_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define SEND_BATCH 32          /* frames handed to one sendmmsg() */
#define SEND_HDR_MAX 64        /* largest encapsulation header we build */
#define SEND_MAX_DESTS 16      /* --to destinations per run */
#define SEND_SPEC_MAX 256      /* longest --to string kept */
#define SEND_IOV_MAX 4         /* pieces of one message: header, frame parts */

/* SO_MARK put on every socket the mirror sends with; the capture filter
 * refuses frames carrying it, so the mirror never captures its own output. */
#define SEND_SELF_MARK 0x4d53524du /* "MSRM" */

/* Which side of the mirrored interface the frame was copied from. */
enum send_dir {
	SEND_DIR_RX = 0, /* received by the interface (ingress) */
	SEND_DIR_TX = 1, /* sent by the interface (egress) */
};

/* One captured frame to mirror. data stays valid until send_dest_flush(). */
struct send_frame {
	const uint8_t *data;   /* Ethernet header first, VLAN tags in place */
	uint32_t caplen;       /* bytes at data (after --snap truncation) */
	uint32_t wirelen;      /* bytes the frame had on the wire */
	uint64_t ts_ns;        /* capture time, ns since the epoch */
	enum send_dir dir;     /* rx or tx copy */
	uint16_t port_index;   /* which mirrored interface (0-based -i order) */
	uint64_t flow_hash;    /* balance_hash() of the frame, computed once by
	                          the caller when send_needs_hash() says so */
};

enum send_kind {
	SEND_SPAN = 0,
	SEND_RSPAN,
	SEND_ERSPAN2,
	SEND_ERSPAN3,
	SEND_VXLAN,
	SEND_GRE,
	SEND__KINDS
};

/* ERSPAN III timestamp granularity (the 2-bit Gra field). */
enum send_gra {
	SEND_GRA_100US = 0,    /* 00: 100 microseconds */
	SEND_GRA_100NS = 1,    /* 01: 100 nanoseconds */
	SEND_GRA_1588 = 2,     /* 10: IEEE 1588 (low 32 bits of ns) */
};

/* Counters of one destination. */
struct send_dest_stats {
	uint64_t packets;        /* copies the kernel accepted */
	uint64_t bytes;          /* their frame bytes (before encapsulation) */
	uint64_t errors;         /* copies the kernel refused (after one retry) */
	uint64_t retries;        /* sends retried after a reported ICMP error */
	uint64_t ratelimited;    /* copies dropped by this destination's rate limit */
	uint64_t truncated;      /* copies sent shorter than on the wire */
};

struct send_dest;

/* One encapsulation. */
struct send_ops {
	const char *scheme;      /* "span", "rspan", "erspan2", ... */
	enum send_kind kind;
	bool ip;                 /* sent over IP to d->addr (else out of d->ifname) */
	/* Parse the part after the scheme ("IF", "IF:VLAN", "ADDR?k=v&...")
	 * into d. 0, or -1 with a message. */
	int (*parse)(struct send_dest *d, const char *rest, char *err, size_t errlen);
	/* Build the encapsulation header for f into hdr (SEND_HDR_MAX bytes);
	 * return its length. *split > 0 asks for the frame to be cut after
	 * *split bytes and extra[0..*nextra) inserted there (the RSPAN tag). */
	size_t (*header)(struct send_dest *d, const struct send_frame *f,
			 uint8_t *hdr, uint32_t *split, uint8_t *extra, size_t *nextra);
};

/* One batch slot: header bytes and the message pieces. */
struct send_slot {
	uint8_t hdr[SEND_HDR_MAX];   /* encapsulation header */
	uint8_t extra[8];            /* bytes inserted into the frame (RSPAN tag) */
	struct iovec iov[SEND_IOV_MAX]; /* header, frame head, extra, frame tail */
	uint32_t frame_len;          /* frame bytes in this copy (for stats) */
	bool truncated;              /* copy shorter than on the wire */
};

struct send_dest {
	const struct send_ops *ops;  /* encapsulation */
	char spec[SEND_SPEC_MAX];    /* the --to string, for messages and stats */

	/* span / rspan */
	char ifname[IF_NAMESIZE];    /* output interface */
	int ifindex;                 /* its index */
	uint16_t rspan_vlan;         /* RSPAN VLAN ID (1-4094) */

	/* IP destinations */
	struct sockaddr_storage addr; /* tunnel destination (port set for vxlan) */
	socklen_t addrlen;
	int family;                  /* AF_INET / AF_INET6 */
	uint16_t port;               /* vxlan UDP port (default 4789) */

	/* encapsulation parameters */
	uint16_t session;            /* ERSPAN session ID, 1-1023 */
	uint32_t index;              /* ERSPAN II index (20 bits) */
	uint8_t hwid;                /* ERSPAN III hardware ID (6 bits) */
	enum send_gra gra;           /* ERSPAN III timestamp granularity */
	uint32_t vni;                /* VXLAN network identifier (24 bits) */
	uint32_t key;                /* GRE key (gre:// ?key=) */
	bool has_key;
	bool gre_seq;                /* gre:// puts sequence numbers (?seq=1, default on) */
	bool udp_raw;                /* vxlan over IPv4: we write the UDP header
	                                (per-flow source port) on a raw socket */

	/* state */
	int fd;                      /* socket, -1 when closed */
	uint32_t seq;                /* next GRE sequence number */
	unsigned nqueued;            /* slots filled in the batch */
	struct send_slot slot[SEND_BATCH];
	struct mmsghdr msg[SEND_BATCH];
	struct send_dest_stats st;
};

/* Parse one --to string into d (not opened yet). 0 or -1 with a message. */
int send_dest_parse(struct send_dest *d, const char *spec, char *err, size_t errlen);

/* Open d's socket (root / CAP_NET_RAW needed). 0 or -1 with a message. */
int send_dest_open(struct send_dest *d, char *err, size_t errlen);

/* Queue one copy of f; flushes first when the batch is full. */
void send_dest_add(struct send_dest *d, const struct send_frame *f);

/* Does d's encapsulation use send_frame.flow_hash (VXLAN source port)? */
static inline bool send_needs_hash(const struct send_dest *d)
{
	return d->udp_raw;
}

/* Hand every queued copy to the kernel. */
void send_dest_flush(struct send_dest *d);

void send_dest_close(struct send_dest *d);

/* The interface a destination leaves by: ifindex, 0 if unknown (no route),
 * -1 with a message on error. */
int send_dest_out_ifindex(const struct send_dest *d, char *err, size_t errlen);

/* Printable destination address ("203.0.113.9", "2001:db8::9"). */
void send_dest_addr_str(const struct send_dest *d, char *buf, size_t len);

/* Per-encapsulation tables (span.c, rspan.c, erspan.c, vxlan.c, gre.c). */
extern const struct send_ops send_span_ops;
extern const struct send_ops send_rspan_ops;
extern const struct send_ops send_erspan2_ops;
extern const struct send_ops send_erspan3_ops;
extern const struct send_ops send_vxlan_ops;
extern const struct send_ops send_gre_ops;

/* Helpers shared by the parsers (dest.c). */

/* Split "ADDR[:PORT]?query" into d->addr (and *port when given); the
 * query string (without '?') goes to *query ("" if none). */
int send_parse_addr(struct send_dest *d, const char *rest, bool allow_port,
		    uint16_t *port, const char **query, char *err, size_t errlen);

/* Walk a "k=v&k=v" query: calls fn for each pair; fn returns 0 or -1. */
int send_parse_query(struct send_dest *d, const char *query,
		     int (*fn)(struct send_dest *d, const char *key, const char *val,
			       char *err, size_t errlen),
		     char *err, size_t errlen);

/* Unsigned decimal in [min, max]; 0 or -1. */
int send_parse_uint(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out);

/* VLAN TCI and whether the frame carries an 802.1Q / 802.1ad tag. */
bool send_frame_vlan(const struct send_frame *f, uint16_t *tci);

#endif
