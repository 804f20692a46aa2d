/*
 * health.h - the mirror health accumulator behind `mirrorsense verify`.
 *
 * The accumulator is a pipeline observer: it sees every decoded packet
 * after session accounting, admission, dedup and flow update, and keeps
 * the counters and time windows the verify checks read:
 *
 *   per monitoring input  traffic, peak rates over 1 ms / 100 ms windows,
 *                         timestamp order and gaps, L2 mix, truncation
 *   per mirror session    (ERSPAN session, VXLAN/Geneve VNI, RSPAN VLAN,
 *                         GRE key) GRE sequence gaps (exact upstream loss),
 *                         ERSPAN T bit, outer fragments, ERSPAN III
 *                         direction bit and hardware timestamp spread
 *   per subnet / VLAN     deployment analysis (addresses, protocols,
 *                         broadcast, MACs), direction balance, TCP data
 *                         that was acknowledged but never seen
 *
 * The TCP "ACKed but unseen" estimate follows the method behind Zeek's
 * capture-loss figure: a byte the receiver acknowledged was on the wire;
 * if the sensor never saw it, the mirror lost it. The flow stage tracks
 * the sequence numbers (src/flow/flow_tcp.c) and reports the bytes as it
 * counts them (health_tcp_bytes()); this accumulator only sums them per
 * subnet, session, input, overall and plot bin.
 *
 * Every table is bounded; what did not fit is counted (`*_overflow`) and
 * reported. Nothing is allocated per packet: all tables are allocated by
 * health_new().
 */
#ifndef MS_HEALTH_HEALTH_H
#define MS_HEALTH_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "decode/packet.h"

#define HEALTH_MAX_INPUTS 16        /* = SOURCE_MAX_INPUTS */
#define HEALTH_MAX_SESSIONS 256     /* mirror sessions kept */
#define HEALTH_MAX_SUBNETS 1024     /* /24 (IPv4) and /64 (IPv6) kept */
#define HEALTH_SUBNET_MACS 8        /* distinct source MACs kept per subnet */
#define HEALTH_SUBNET_VLANS 4       /* VLANs listed per subnet */
#define HEALTH_V6_HOSTS 64          /* interface IDs kept per IPv6 /64 */
#define HEALTH_MAX_MACS 4096        /* distinct source MACs overall */
#define HEALTH_CONN_SLOTS 65536     /* TCP connection table (open addressing) */
#define HEALTH_BINS 240             /* time-series bins for the plots */
#define HEALTH_MISSING_PAIRS 64     /* (from, to) subnet pairs of missing directions */
#define HEALTH_PROTOS 64            /* protocol names known (bit mask width) */
#define HEALTH_VLANS 4096
#define HEALTH_ONEWAY_HOSTS 256     /* hosts listed with one-way connections */

/* Thresholds of the verdicts (percentages unless said otherwise). */
struct health_config {
	double loss_warn, loss_fail;        /* TCP ACKed-unseen and sequence loss: 1 / 10 */
	double dup_warn, dup_fail;          /* share of duplicates: 1 / 60 */
	double bidir_warn, bidir_fail;      /* TCP connections seen both ways below: 90 / 50 */
	double unicast_warn, unicast_fail;  /* unicast share of frames below: 20 / 5 */
	double trunc_warn, trunc_fail;      /* share of frames cut: 0 (any) / 10 */
	double ooo_warn, ooo_fail;          /* packets out of timestamp order: 0 (any) / 1 */
	double gap_s;                       /* a silence longer than this is a gap: 10 s */
	double hwts_spread_ms;              /* ERSPAN III timestamp spread that warns: 100 ms */
	uint64_t link_speed_mbps;           /* --link-speed; 0 = from the interface / unknown */
	unsigned min_conn_packets;          /* connections shorter than this are not judged: 2 */
};

void health_config_default(struct health_config *cfg);

/* Layer-2 mix of frames. */
struct health_l2 {
	uint64_t unicast;   /* unicast destination */
	uint64_t broadcast; /* ff:ff:ff:ff:ff:ff or IPv4 limited/directed broadcast */
	uint64_t multicast; /* group bit set (or IP multicast) */
	uint64_t arp;       /* ARP frames (also counted as broadcast/unicast) */
};

/* TCP direction figures of a scope. */
struct health_dirs {
	uint64_t conns;      /* connections judged (>= min_conn_packets) */
	uint64_t both;       /* ... seen in both directions */
	uint64_t only_c2s;   /* only client -> server seen (replies missing) */
	uint64_t only_s2c;   /* only server -> client seen (requests missing) */
};

/* Peak rate tracking over one window length. */
struct health_peak {
	uint64_t window_ns;  /* window length */
	uint64_t cur_id;     /* index of the current window (ts / window_ns) */
	uint64_t cur_bytes;  /* wire bytes in the current window */
	uint64_t peak_bytes; /* most bytes seen in one window */
	uint64_t peak_at_ns; /* start of that window */
	uint64_t over;       /* windows above the link speed */
	uint64_t over_bytes_limit; /* bytes one window may carry at link speed (0 = unknown) */
};

/* One monitoring input (file or interface). */
struct health_input {
	char name[64];            /* file or interface name */
	bool used;                /* packets arrived or the source listed it */
	bool live;                /* a live interface */
	uint64_t packets;         /* captured packets */
	uint64_t bytes;           /* their wire bytes */
	uint64_t frames;          /* original frames decoded (not rejected) */
	uint64_t rejected;        /* refused by the tunnel rules */
	uint64_t duplicates;      /* removed by dedup */
	uint64_t snap_cut;        /* captured shorter than on the wire */
	uint64_t first_ns, last_ns; /* first / last capture timestamp */
	uint64_t prev_ns;         /* previous packet's timestamp */
	uint64_t ooo;             /* steps back in time (packet older than the one before) */
	uint64_t max_back_ns;     /* largest step back in time */
	uint64_t gaps;            /* silences longer than gap_s */
	uint64_t max_gap_ns;      /* longest silence */
	uint64_t max_gap_at_ns;   /* when it started */
	struct health_peak p1ms;  /* 1 ms windows */
	struct health_peak p100ms;/* 100 ms windows */
	struct health_l2 l2;      /* frame mix (unique frames) */
	struct health_dirs dirs;  /* TCP directions of connections first seen here */
	uint64_t tcp_acked;       /* TCP bytes acknowledged in connections first seen here */
	uint64_t tcp_unseen;      /* ... of which never seen */
	uint64_t kernel_drops;    /* sensor's own capture drops (live) */
	uint64_t link_speed_mbps; /* speed used for oversubscription, 0 unknown */
	uint64_t transports[TRANSPORT__COUNT]; /* packets by mirror method */
	uint64_t bins_pkts[HEALTH_BINS];  /* packets per plot bin */
	uint64_t bins_bytes[HEALTH_BINS]; /* wire bytes per plot bin */
};

/* One mirror session as the sensor sees it. */
struct health_session {
	uint16_t input;           /* input it arrived on */
	int32_t pl_index;         /* the pipeline's session index, -1 unknown */
	enum transport transport; /* mirror method */
	struct ip_addr origin;    /* tunnel source (switch); none for RSPAN */
	uint32_t id;              /* ERSPAN session, VNI, RSPAN VLAN, GRE key */
	bool has_id;              /* the method carries an ID */
	uint64_t packets;         /* packets received */
	uint64_t bytes;           /* their outer wire bytes */
	uint64_t duplicates;      /* copies removed by dedup */
	uint64_t rejected;        /* refused by the tunnel rules */
	uint64_t first_ns, last_ns;
	/* GRE sequence (exact upstream loss) */
	bool has_seq;             /* a sequence number was seen */
	uint32_t last_seq;        /* highest sequence number so far */
	uint64_t seq_packets;     /* packets that carried one */
	uint64_t seq_lost;        /* numbers skipped and never filled */
	uint64_t seq_late;        /* arrived after a higher number */
	uint64_t seq_repeat;      /* same number twice */
	uint64_t seq_restarts;    /* the source restarted its counter */
	/* truncation */
	uint64_t t_bit;           /* ERSPAN T bit: the switch cut the frame */
	uint64_t snap_cut;        /* the sensor's capture cut the packet */
	uint64_t outer_frag;      /* rebuilt from outer IP fragments */
	uint64_t mtu_cut;         /* inner frame cut without a capture cut (path MTU) */
	uint32_t max_outer;       /* largest outer packet (wire bytes) */
	/* direction */
	uint64_t dir_ingress;     /* ERSPAN III D=0 */
	uint64_t dir_egress;      /* ERSPAN III D=1 */
	/* ERSPAN III hardware timestamps */
	uint64_t hwts;            /* packets with a usable timestamp */
	int64_t hwts_min_off;     /* min of capture - hardware time (ns) */
	int64_t hwts_max_off;     /* max of the same */
	uint64_t hwts_prev;       /* previous hardware time, unwrapped (ns) */
	uint64_t hwts_wrap_add;   /* ns added for the 32-bit field's wrap-arounds */
	uint64_t hwts_wraps;      /* wrap-arounds seen */
	struct health_l2 l2;      /* frame mix */
	struct health_dirs dirs;  /* TCP directions of connections first seen here */
	uint64_t tcp_acked;       /* bytes acknowledged in connections of this session */
	uint64_t tcp_unseen;      /* ... of which never seen */
	uint64_t bins_bytes[HEALTH_BINS]; /* wire bytes per plot bin */
};

/* One subnet (IPv4 /24 or IPv6 /64) of the deployment analysis. */
struct health_subnet {
	struct ip_addr prefix;    /* network address */
	uint8_t plen;             /* 24 or 64 */
	uint32_t order;           /* first-seen order (stable output) */
	uint64_t packets;         /* unique packets with an end in it */
	uint64_t bytes;           /* their frame bytes */
	uint64_t pkts_from;       /* sent by its hosts */
	uint64_t pkts_to;         /* sent to its hosts */
	uint64_t protos;          /* bit per health_proto_name() index */
	bool broadcast;           /* a broadcast from it was seen */
	uint8_t v4_hosts[32];     /* IPv4: bitmap of unicast host addresses */
	uint64_t v6_hosts[HEALTH_V6_HOSTS]; /* IPv6: interface IDs */
	unsigned nv6_hosts;
	bool v6_hosts_overflow;
	uint8_t macs[HEALTH_SUBNET_MACS][6]; /* source MACs of its hosts */
	unsigned nmacs;
	bool macs_overflow;
	uint16_t vlans[HEALTH_SUBNET_VLANS]; /* VLANs its frames carried (0 = untagged) */
	unsigned nvlans;
	bool vlans_overflow;
	struct health_dirs dirs;  /* TCP connections with a host in it */
	uint64_t missing_to;      /* one-way connections: traffic towards it missing */
	uint64_t missing_from;    /* one-way connections: traffic from it missing */
	uint64_t tcp_acked;       /* bytes its hosts sent that were acknowledged */
	uint64_t tcp_unseen;      /* ... never seen by the sensor */
};

/* A direction that was missing: traffic from one subnet to another. */
struct health_missing {
	int32_t from, to;         /* subnet indexes (-1: outside the table) */
	uint64_t conns;           /* one-way connections with this direction missing */
};

/* A host in one-way TCP connections: which of its directions was missing. */
struct health_oneway_host {
	struct ip_addr addr;     /* the host */
	uint64_t to_missing;     /* connections where only its own packets were seen */
	uint64_t from_missing;   /* connections where only packets to it were seen */
};

/* One VLAN. */
struct health_vlan {
	uint64_t packets;         /* unique frames carrying it (outermost tag) */
	uint64_t bytes;
	struct health_dirs dirs;  /* TCP connections on it */
};

struct health_conn; /* internal: TCP connection record */

/* The accumulator. Renderers read these fields; only health.c writes them. */
struct health {
	struct health_config cfg;
	struct health_input in[HEALTH_MAX_INPUTS];
	unsigned ninputs;            /* highest used input index + 1 */

	struct health_session *sess; /* HEALTH_MAX_SESSIONS */
	unsigned nsess;
	uint64_t sess_overflow;      /* packets of sessions that did not fit */

	struct health_subnet *subnets; /* HEALTH_MAX_SUBNETS */
	unsigned nsubnets;
	uint64_t subnet_overflow;    /* addresses of subnets that did not fit */

	struct health_vlan *vlans;   /* HEALTH_VLANS, index = VLAN ID */
	uint64_t untagged;           /* unique frames without a tag */

	uint8_t (*macs)[6];          /* HEALTH_MAX_MACS, open addressing */
	bool *mac_used;
	unsigned nmacs;
	uint64_t mac_overflow;

	struct health_conn *conns;   /* HEALTH_CONN_SLOTS */
	unsigned nconns;
	uint64_t conn_overflow;      /* TCP packets of connections not tracked */
	uint64_t conn_reused;        /* idle connections retired to make room */

	struct health_oneway_host *oneway; /* HEALTH_ONEWAY_HOSTS */
	unsigned noneway;
	uint64_t oneway_overflow;    /* hosts that did not fit */

	struct event_counts events;  /* health.* events (table overflows) */

	struct health_missing missing[HEALTH_MISSING_PAIRS];
	unsigned nmissing;
	uint64_t missing_overflow;

	/* overall */
	uint64_t packets, bytes;     /* captured packets / wire bytes */
	uint64_t frames;             /* decoded, not rejected */
	uint64_t unique;             /* frames after dedup */
	uint64_t duplicates, rejected;
	uint64_t first_ns, last_ns;
	struct health_l2 l2;
	struct health_dirs dirs;
	uint64_t dir_pkts[2];        /* TCP packets client->server, server->client */
	uint64_t tcp_acked, tcp_unseen;
	uint64_t protos;             /* every protocol seen */
	uint64_t non_ip;             /* unique frames without IP */
	uint64_t kernel_drops;       /* sum over inputs */
	uint64_t snap_cut;

	/* time series (bins of bin_ns from base_ns; widened by doubling) */
	uint64_t base_ns;
	uint64_t bin_ns;
	unsigned nbins;              /* bins in use */
	uint64_t bins_dir[2][HEALTH_BINS];   /* TCP packets per direction */
	uint64_t bins_seq_lost[HEALTH_BINS]; /* sequence numbers lost */
	uint64_t bins_acked[HEALTH_BINS];    /* TCP bytes acknowledged */
	uint64_t bins_unseen[HEALTH_BINS];   /* TCP bytes acknowledged, unseen */
	uint64_t bins_dups[HEALTH_BINS];     /* duplicates removed */

	bool finished;               /* health_finish() ran */
};

struct health *health_new(const struct health_config *cfg);
void health_free(struct health *h);

/* Name an input (file or interface) before packets arrive. */
void health_set_input(struct health *h, unsigned idx, const char *name, bool live,
		      uint64_t link_speed_mbps, uint64_t kernel_drops);

struct mirror_session;
struct flow;

/* One packet, as the pipeline observer hands it (p->duplicate and
 * p->rejected already set). ms: the pipeline's session of the packet (its
 * sequence counters are read, not recomputed), NULL to count here. */
void health_packet(struct health *h, const struct packet *p, const struct mirror_session *ms);

/* End of input: judge every TCP connection still in the table. */
void health_finish(struct health *h);

/* Pipeline observer glue (pipeline_observer callbacks, ctx = struct health). */
void health_on_packet(void *ctx, const struct packet *p, const struct mirror_session *s,
		      const struct flow *f, int dir);
void health_on_finish(void *ctx);
/* TCP bytes of flow direction dir newly ACKed / judged unseen, as the flow
 * stage reports them (pipeline_observer.on_tcp_bytes), at capture time ts:
 * added to the sender's subnet, the flow's session and input, the overall
 * figures and the plot bin of ts. */
void health_tcp_bytes(struct health *h, const struct flow *f, int dir, uint64_t acked,
		      uint64_t unseen, uint64_t ts);
void health_on_tcp_bytes(void *ctx, const struct flow *f, int dir, uint64_t acked,
			 uint64_t unseen, uint64_t ts_ns);

/* Readable address ("203.0.113.5", "2001:db8::1"). */
void health_addr_name(const struct ip_addr *a, char *buf, size_t len);

/* Readable name of a session ("erspan2 session 100 from 203.0.113.1"). */
void health_session_name(const struct health_session *s, char *buf, size_t len);
/* Readable subnet ("203.0.113.0/24", "2001:db8:1::/64"). */
void health_subnet_name(const struct health_subnet *s, char *buf, size_t len);
/* Unicast host addresses counted in a subnet. */
unsigned health_subnet_hosts(const struct health_subnet *s);
/* Distinct unicast addresses over all subnets. */
uint64_t health_devices(const struct health *h);
/* Subnet indexes sorted by packets (descending), then first-seen order. */
void health_subnet_order(const struct health *h, unsigned *idx);

/* Well-known protocol names (ports.c). */
const char *health_proto_name(unsigned id);
int health_proto_lookup(const char *name);  /* -1 if unknown */
/* The protocol a packet shows by its ports / ethertype, -1 if none. */
int health_proto_of(const struct packet *p);

#endif
