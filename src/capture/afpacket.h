/*
 * afpacket.h - AF_PACKET TPACKET_V3 memory-mapped receive rings.
 *
 * One ring is one packet socket bound to one interface, with a ring of
 * blocks shared with the kernel (Documentation/networking/packet_mmap.rst,
 * "TPACKET_V3"). The kernel fills a block with frames and hands it over
 * when it is full or when the block timeout expires; we walk the frames of
 * the block and give the block back once every frame was read.
 *
 * Life cycle (libpcap style): afp_opts_default() -> adjust -> afp_open() ->
 * afp_next() / afp_poll() ... -> afp_close(). Errors are -1 / NULL plus a
 * message in the caller's buffer.
 *
 * Used by live capture (live.c) and by the mirror command (src/send/).
 *
 * VLAN tags: most drivers (and veth) strip the 802.1Q tag on receive and
 * report it in the tpacket header. afp_next() puts the tag back into the
 * frame (copied into a per-ring scratch buffer), so callers see VLANs as
 * they were on the wire. Kernel BPF filters (-f) are compiled by libpcap
 * for the live interface, so "vlan 100" tests the stripped tag as it should.
 */
#ifndef MS_CAPTURE_AFPACKET_H
#define MS_CAPTURE_AFPACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which copies of the interface's traffic to keep. */
enum afp_dir {
	AFP_DIR_BOTH = 0, /* received and sent by the interface */
	AFP_DIR_RX,       /* received only (sll_pkttype != PACKET_OUTGOING) */
	AFP_DIR_TX,       /* sent only (sll_pkttype == PACKET_OUTGOING) */
};

struct afp_opts {
	uint32_t block_size;   /* bytes per ring block: power of two >= page (default 1 MiB) */
	uint32_t block_count;  /* blocks in the ring (default 16, ring = 16 MiB) */
	uint32_t timeout_ms;   /* block retire timeout: max latency of a quiet ring (default 10) */
	enum afp_dir dir;      /* direction selection (default both) */
	bool promisc;          /* put the interface in promiscuous mode (default on) */
	bool ignore_outgoing;  /* PACKET_IGNORE_OUTGOING: kernel skips our host's own tx */
	bool reinsert_vlan;    /* put a stripped VLAN tag back into the frame (default on) */
	const char *bpf;       /* libpcap filter expression, NULL or "" = everything */
};

/* One frame handed out by afp_next(); valid until the next afp_next(),
 * afp_release() or afp_poll() on the same ring. */
struct afp_frame {
	const uint8_t *data;   /* first byte of the Ethernet header */
	uint32_t caplen;       /* bytes at data (tag included when re-inserted) */
	uint32_t wirelen;      /* bytes on the wire (tag included when re-inserted) */
	uint64_t ts_ns;        /* kernel receive time, ns since the epoch */
	uint8_t pkttype;       /* PACKET_HOST, PACKET_OUTGOING, ... (linux/if_packet.h) */
	bool vlan_stripped;    /* the kernel had stripped a VLAN tag */
	uint16_t vlan_tci;     /* that tag's TCI (PCP, DEI, VID) */
	uint16_t vlan_tpid;    /* that tag's TPID (0x8100 when the kernel did not say) */
};

/* Counters kept by a ring (kernel counters accumulate: reading resets them
 * in the kernel, afp_stats() adds them up). */
struct afp_stats {
	uint64_t kernel_packets; /* tp_packets: frames the socket saw, drops included */
	uint64_t kernel_drops;   /* tp_drops: lost because the ring was full */
	uint64_t kernel_freezes; /* tp_freeze_q_cnt: times the queue froze */
	uint64_t frames;         /* frames handed out by afp_next() */
	uint64_t skipped_dir;    /* frames skipped by the direction selection */
	uint64_t vlan_reinserted;/* frames whose stripped tag was put back */
	uint64_t snap_cut;       /* frames the ring cut (caplen < wirelen) */
	uint64_t socket_errors;  /* errors reported on the socket (ENETDOWN: interface set down) */
	int last_error;          /* the last of them (errno value), 0 if none */
};

struct afp_ring; /* opaque: socket, mapped ring, cursor in the ring, scratch */

void afp_opts_default(struct afp_opts *o);

/* Open a ring on ifname (an Ethernet or loopback interface). NULL with a
 * message on error, and errno telling the kind: ENODEV no such interface,
 * EPERM needs root or CAP_NET_RAW, ENETDOWN interface down, EINVAL bad
 * filter or options, EPROTONOSUPPORT not an Ethernet interface, others
 * from the failing system call. */
struct afp_ring *afp_open(const char *ifname, const struct afp_opts *o,
			  char *err, size_t errlen);
void afp_close(struct afp_ring *r);

/* Next frame already in the ring, without waiting: 1 = *f filled,
 * 0 = nothing ready now. Gives back to the kernel every block read up. */
int afp_next(struct afp_ring *r, struct afp_frame *f);

/* Give the block holding the last frame back now if it was read up (a
 * caller that stops reading for a while calls this). */
void afp_release(struct afp_ring *r);

/* Wait up to timeout_ms (-1 = forever) until one of the rings has a frame.
 * Returns the number of rings ready, 0 on timeout or signal, -1 on error.
 * Rings that already hold unread frames count as ready at once. */
int afp_poll(struct afp_ring *const *rings, unsigned n, int timeout_ms);

/* Accumulate the kernel counters (PACKET_STATISTICS) and copy all counters. */
void afp_stats(struct afp_ring *r, struct afp_stats *st);

/* PACKET_FANOUT: join fanout group id with mode PACKET_FANOUT_* (and
 * flags). Several rings in one group share an interface's load. 0 or -1. */
int afp_set_fanout(struct afp_ring *r, uint16_t group, uint16_t mode_flags,
		   char *err, size_t errlen);

int afp_fd(const struct afp_ring *r);           /* the socket, for callers' poll */
int afp_ifindex(const struct afp_ring *r);
const char *afp_ifname(const struct afp_ring *r);
uint32_t afp_snaplen(const struct afp_ring *r); /* largest frame a block can hold */

#endif
