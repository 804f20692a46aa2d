/*
 * afpacket.c - AF_PACKET TPACKET_V3 receive rings (see afpacket.h).
 *
 * Spec: Linux Documentation/networking/packet_mmap.rst (TPACKET_V3),
 * linux/if_packet.h, packet(7). The socket is created with protocol 0 so
 * it receives nothing until bind(); the ring, the BPF filter and the
 * socket options are set first, so no unfiltered frame slips in.
 *
 * Ring walk: block i belongs to us while its block_status has
 * TP_STATUS_USER. We read its num_pkts frames (each found through
 * tp_next_offset), then store TP_STATUS_KERNEL to hand it back. The kernel
 * writes blocks strictly in order, so we only ever look at one block.
 * Ring headers are copied out with memcpy (no casts of shared memory to
 * structs) and every offset is checked against the block size.
 */
#include "capture/afpacket.h"

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>

#include "capture/ifinfo.h"

#include <linux/if_arp.h>

#define AFP_FRAME_SIZE 2048u          /* tp_frame_size: only a V1/V2 notion, must divide blocks */
#define AFP_MIN_BLOCK 4096u
#define AFP_MAX_BLOCK (64u << 20)
#define AFP_MAX_BLOCKS 4096u
#define AFP_BPF_SNAPLEN 262144        /* snap length the filter is compiled for */
#define AFP_POLL_MAX 64               /* rings one afp_poll() call can wait on */
#define ETH_ADDRS_LEN 12              /* destination + source MAC, before the tag */

struct afp_ring {
	int fd;                    /* the packet socket */
	int ifindex;               /* interface it is bound to */
	char ifname[IFNAMSIZ];     /* its name */
	uint8_t *map;              /* the mapped ring */
	size_t map_len;            /* block_size * block_count */
	uint32_t block_size;       /* bytes per block */
	uint32_t block_count;      /* blocks in the ring */
	uint32_t cur;              /* block we read (or wait for) next */
	bool holding;              /* block cur is ours (TP_STATUS_USER seen) */
	uint32_t pkts_left;        /* frames of block cur not yet read */
	uint32_t next_off;         /* offset of the next frame header in block cur */
	enum afp_dir dir;          /* direction selection */
	bool reinsert_vlan;        /* put stripped tags back */
	uint8_t *scratch;          /* frame with its tag re-inserted */
	size_t scratch_len;        /* block_size + 4 */
	struct afp_stats st;       /* counters, kernel ones accumulated */
};

void afp_opts_default(struct afp_opts *o)
{
	memset(o, 0, sizeof *o);
	o->block_size = 1u << 20;
	o->block_count = 16;
	o->timeout_ms = 10;
	o->dir = AFP_DIR_BOTH;
	o->promisc = true;
	o->ignore_outgoing = false;
	o->reinsert_vlan = true;
	o->bpf = NULL;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/*
 * A libpcap handle to compile filters for ifname. libpcap emits VLAN tests
 * that read the kernel's stripped-tag metadata (SKF_AD_VLAN_TAG_PRESENT)
 * only for an activated Linux handle; a "dead" handle would look for the
 * tag in the frame bytes, where the kernel no longer has it. So activate a
 * small throw-away handle on the interface, and fall back to a dead one.
 */
static pcap_t *compiler_for(const char *ifname)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(ifname, perr);
	if (p) {
		pcap_set_snaplen(p, AFP_BPF_SNAPLEN);
		pcap_set_promisc(p, 0);
		pcap_set_buffer_size(p, 64 * 1024);
		pcap_set_timeout(p, 1);
		if (pcap_activate(p) == 0 && pcap_datalink(p) == DLT_EN10MB)
			return p;
		pcap_close(p);
	}
	return pcap_open_dead(DLT_EN10MB, AFP_BPF_SNAPLEN);
}

/* Compile expr with libpcap for Ethernet and attach it to fd. */
static int attach_bpf(int fd, const char *ifname, const char *expr, char *err, size_t errlen)
{
	pcap_t *p = compiler_for(ifname);
	if (!p) {
		snprintf(err, errlen, "cannot compile filter: out of memory");
		return -1;
	}
	struct bpf_program prog;
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad filter '%s': %s", expr, pcap_geterr(p));
		pcap_close(p);
		errno = EINVAL;
		return -1;
	}
	struct sock_filter *code = calloc(prog.bf_len ? prog.bf_len : 1, sizeof *code);
	if (!code) {
		pcap_freecode(&prog);
		pcap_close(p);
		snprintf(err, errlen, "cannot compile filter: out of memory");
		return -1;
	}
	/* struct bpf_insn and struct sock_filter carry the same four fields. */
	for (unsigned i = 0; i < prog.bf_len; i++) {
		code[i].code = prog.bf_insns[i].code;
		code[i].jt = prog.bf_insns[i].jt;
		code[i].jf = prog.bf_insns[i].jf;
		code[i].k = prog.bf_insns[i].k;
	}
	struct sock_fprog fprog = { .len = (unsigned short)prog.bf_len, .filter = code };
	int rc = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog);
	int e = errno;
	free(code);
	pcap_freecode(&prog);
	pcap_close(p);
	if (rc < 0) {
		snprintf(err, errlen, "cannot attach filter '%s': %s", expr, strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

struct afp_ring *afp_open(const char *ifname, const struct afp_opts *o,
			  char *err, size_t errlen)
{
	struct ifinfo info;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "bad interface name '%s'", ifname ? ifname : "");
		errno = ENODEV;
		return NULL;
	}
	if (ifinfo_get(ifname, &info) < 0) {
		int e = errno;
		if (e == ENODEV)
			snprintf(err, errlen, "no such interface '%s'", ifname);
		else
			snprintf(err, errlen, "interface '%s': %s", ifname, strerror(e));
		errno = e;
		return NULL;
	}
	if (info.arphrd != ARPHRD_ETHER && info.arphrd != ARPHRD_LOOPBACK) {
		snprintf(err, errlen, "interface '%s' is not an Ethernet interface (hardware type %d)",
			 ifname, info.arphrd);
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	if (!o->block_size || !is_pow2(o->block_size) || o->block_size < AFP_MIN_BLOCK ||
	    o->block_size > AFP_MAX_BLOCK || o->block_count < 2 ||
	    o->block_count > AFP_MAX_BLOCKS || (uint64_t)o->block_size * o->block_count > (4ull << 30)) {
		snprintf(err, errlen, "bad ring geometry (%u blocks of %u bytes)",
			 o->block_count, o->block_size);
		errno = EINVAL;
		return NULL;
	}
	if (o->dir == AFP_DIR_TX && o->ignore_outgoing) {
		snprintf(err, errlen, "direction tx and ignore-outgoing exclude each other");
		errno = EINVAL;
		return NULL;
	}

	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int e = errno;
		if (e == EPERM || e == EACCES) {
			snprintf(err, errlen, "cannot capture on '%s': needs root or CAP_NET_RAW", ifname);
			e = EPERM;
		} else {
			snprintf(err, errlen, "cannot open packet socket: %s", strerror(e));
		}
		errno = e;
		return NULL;
	}
	if (!info.up) {
		snprintf(err, errlen, "interface '%s' is down (ip link set %s up)", ifname, ifname);
		close(fd);
		errno = ENETDOWN;
		return NULL;
	}

	struct afp_ring *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	r->fd = fd;
	r->ifindex = info.ifindex;
	snprintf(r->ifname, sizeof r->ifname, "%s", ifname);
	r->block_size = o->block_size;
	r->block_count = o->block_count;
	r->dir = o->dir;
	r->reinsert_vlan = o->reinsert_vlan;
	r->map = MAP_FAILED;

	int v = TPACKET_V3;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0) {
		snprintf(err, errlen, "TPACKET_V3 not supported: %s", strerror(errno));
		goto fail;
	}
	struct tpacket_req3 req;
	memset(&req, 0, sizeof req);
	req.tp_block_size = o->block_size;
	req.tp_block_nr = o->block_count;
	req.tp_frame_size = AFP_FRAME_SIZE;
	req.tp_frame_nr = (o->block_size / AFP_FRAME_SIZE) * o->block_count;
	req.tp_retire_blk_tov = o->timeout_ms ? o->timeout_ms : 1;
	req.tp_feature_req_word = 0;
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) < 0) {
		snprintf(err, errlen, "cannot set up the receive ring (%u x %u bytes): %s",
			 o->block_count, o->block_size, strerror(errno));
		goto fail;
	}
	r->map_len = (size_t)o->block_size * o->block_count;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (r->map == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the receive ring: %s", strerror(errno));
		goto fail;
	}
	r->scratch_len = (size_t)o->block_size + 4;
	r->scratch = malloc(r->scratch_len);
	if (!r->scratch) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (o->bpf && *o->bpf && attach_bpf(fd, ifname, o->bpf, err, errlen) < 0)
		goto fail;
	if (o->ignore_outgoing || o->dir == AFP_DIR_RX) {
		v = 1;
		if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v, sizeof v) < 0 &&
		    o->ignore_outgoing) {
			snprintf(err, errlen, "PACKET_IGNORE_OUTGOING: %s", strerror(errno));
			goto fail;
		}
	}
	if (o->promisc) {
		struct packet_mreq mr;
		memset(&mr, 0, sizeof mr);
		mr.mr_ifindex = info.ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
			snprintf(err, errlen, "cannot set '%s' promiscuous: %s", ifname, strerror(errno));
			goto fail;
		}
	}
	struct sockaddr_ll sll;
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = info.ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		if (errno == ENETDOWN)
			snprintf(err, errlen, "interface '%s' is down", ifname);
		else
			snprintf(err, errlen, "cannot bind to '%s': %s", ifname, strerror(errno));
		goto fail;
	}
	return r;
fail:;
	int e = errno;
	afp_close(r);
	errno = e;
	return NULL;
}

void afp_close(struct afp_ring *r)
{
	if (!r)
		return;
	if (r->map != MAP_FAILED && r->map)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r->scratch);
	free(r);
}

static uint8_t *block_at(const struct afp_ring *r, uint32_t i)
{
	return r->map + (size_t)i * r->block_size;
}

/* Hand block cur back to the kernel and move on to the next one. */
static void give_back(struct afp_ring *r)
{
	uint8_t *b = block_at(r, r->cur);
	struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(void *)b;
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	r->holding = false;
	r->pkts_left = 0;
	r->cur = (r->cur + 1) % r->block_count;
}

/* Take block cur if the kernel has handed it over. */
static bool take_block(struct afp_ring *r)
{
	uint8_t *b = block_at(r, r->cur);
	struct tpacket_block_desc *bd = (struct tpacket_block_desc *)(void *)b;
	uint32_t status = __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
	if (!(status & TP_STATUS_USER))
		return false;
	struct tpacket_hdr_v1 h;
	memcpy(&h, &bd->hdr.bh1, sizeof h);
	r->holding = true;
	r->pkts_left = h.num_pkts;
	r->next_off = h.offset_to_first_pkt;
	return true;
}

int afp_next(struct afp_ring *r, struct afp_frame *f)
{
	/* Bounded: at most every block once, each with at most its frames. */
	for (uint32_t turns = 0; turns <= r->block_count;) {
		if (!r->holding) {
			if (!take_block(r))
				return 0;
		}
		if (r->pkts_left == 0) {
			give_back(r);
			turns++;
			continue;
		}
		uint8_t *b = block_at(r, r->cur);
		struct tpacket3_hdr h;
		size_t sll_off = TPACKET_ALIGN(sizeof(struct tpacket3_hdr));
		if ((size_t)r->next_off + sll_off + sizeof(struct sockaddr_ll) > r->block_size) {
			r->pkts_left = 0; /* inconsistent block: drop the rest of it */
			continue;
		}
		memcpy(&h, b + r->next_off, sizeof h);
		struct sockaddr_ll sll;
		memcpy(&sll, b + r->next_off + sll_off, sizeof sll);
		uint32_t this_off = r->next_off;
		r->pkts_left--;
		if (h.tp_next_offset)
			r->next_off += h.tp_next_offset;
		else
			r->pkts_left = 0;
		if ((uint64_t)this_off + h.tp_mac + h.tp_snaplen > r->block_size) {
			r->pkts_left = 0;
			continue;
		}
		bool out = sll.sll_pkttype == PACKET_OUTGOING;
		if ((r->dir == AFP_DIR_RX && out) || (r->dir == AFP_DIR_TX && !out)) {
			r->st.skipped_dir++;
			continue;
		}
		const uint8_t *data = b + this_off + h.tp_mac;
		memset(f, 0, sizeof *f);
		f->data = data;
		f->caplen = h.tp_snaplen;
		f->wirelen = h.tp_len;
		f->ts_ns = (uint64_t)h.tp_sec * 1000000000ull + h.tp_nsec;
		f->pkttype = sll.sll_pkttype;
		if (h.tp_status & TP_STATUS_VLAN_VALID) {
			f->vlan_stripped = true;
			f->vlan_tci = h.hv1.tp_vlan_tci;
			f->vlan_tpid = (h.tp_status & TP_STATUS_VLAN_TPID_VALID) && h.hv1.tp_vlan_tpid
					       ? h.hv1.tp_vlan_tpid : ETH_P_8021Q;
			if (r->reinsert_vlan && f->caplen >= ETH_ADDRS_LEN &&
			    (size_t)f->caplen + 4 <= r->scratch_len) {
				uint8_t *s = r->scratch;
				memcpy(s, data, ETH_ADDRS_LEN);
				s[12] = (uint8_t)(f->vlan_tpid >> 8);
				s[13] = (uint8_t)f->vlan_tpid;
				s[14] = (uint8_t)(f->vlan_tci >> 8);
				s[15] = (uint8_t)f->vlan_tci;
				memcpy(s + 16, data + ETH_ADDRS_LEN, f->caplen - ETH_ADDRS_LEN);
				f->data = s;
				f->caplen += 4;
				f->wirelen += 4;
				r->st.vlan_reinserted++;
			}
		}
		if (f->caplen < f->wirelen)
			r->st.snap_cut++;
		r->st.frames++;
		return 1;
	}
	return 0;
}

void afp_release(struct afp_ring *r)
{
	if (r->holding && r->pkts_left == 0)
		give_back(r);
}

/* Ready without waiting: a held block with frames left, or the next block
 * already ours. Gives back a read-up block first (else poll() would keep
 * reporting it). */
static bool ring_ready(struct afp_ring *r)
{
	afp_release(r);
	if (r->holding)
		return true;
	const uint8_t *b = block_at(r, r->cur);
	const struct tpacket_block_desc *bd = (const struct tpacket_block_desc *)(const void *)b;
	return (__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

int afp_poll(struct afp_ring *const *rings, unsigned n, int timeout_ms)
{
	struct pollfd pfd[AFP_POLL_MAX];
	int ready = 0;

	if (n > AFP_POLL_MAX)
		n = AFP_POLL_MAX;
	for (unsigned i = 0; i < n; i++)
		if (ring_ready(rings[i]))
			ready++;
	if (ready)
		return ready;
	for (unsigned i = 0; i < n; i++) {
		pfd[i].fd = rings[i]->fd;
		pfd[i].events = POLLIN | POLLERR;
		pfd[i].revents = 0;
	}
	int rc = poll(pfd, n, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	if (rc == 0)
		return 0;
	ready = 0;
	for (unsigned i = 0; i < n; i++) {
		/* A pending socket error (ENETDOWN when the interface is set down)
		 * keeps poll() returning at once until it is read: read it, count
		 * it, and go on; the ring works again once the interface is up. */
		if (pfd[i].revents & POLLERR) {
			int e = 0;
			socklen_t el = sizeof e;
			if (getsockopt(rings[i]->fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e) {
				rings[i]->st.socket_errors++;
				rings[i]->st.last_error = e;
			}
		}
		if (ring_ready(rings[i]))
			ready++;
	}
	return ready;
}

void afp_stats(struct afp_ring *r, struct afp_stats *st)
{
	struct tpacket_stats_v3 ks;
	socklen_t len = sizeof ks;

	memset(&ks, 0, sizeof ks);
	if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == 0) {
		r->st.kernel_packets += ks.tp_packets;
		r->st.kernel_drops += ks.tp_drops;
		r->st.kernel_freezes += ks.tp_freeze_q_cnt;
	}
	if (st)
		*st = r->st;
}

int afp_set_fanout(struct afp_ring *r, uint16_t group, uint16_t mode_flags,
		   char *err, size_t errlen)
{
	uint32_t arg = (uint32_t)group | ((uint32_t)mode_flags << 16);
	if (setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0) {
		snprintf(err, errlen, "PACKET_FANOUT on '%s': %s", r->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

int afp_fd(const struct afp_ring *r)
{
	return r->fd;
}

int afp_ifindex(const struct afp_ring *r)
{
	return r->ifindex;
}

const char *afp_ifname(const struct afp_ring *r)
{
	return r->ifname;
}

uint32_t afp_snaplen(const struct afp_ring *r)
{
	return r->block_size - (uint32_t)TPACKET_ALIGN(sizeof(struct tpacket_block_desc)) -
	       (uint32_t)TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) -
	       (uint32_t)TPACKET_ALIGN(sizeof(struct sockaddr_ll));
}
