/*
 * dest.c - mirror destinations: parsing the --to strings, opening the
 * sockets, batching copies into sendmmsg(2), and finding the interface a
 * destination leaves by (rtnetlink RTM_GETROUTE, rtnetlink(7)), which the
 * loop check needs.
 *
 * Sockets: span/rspan use an AF_PACKET SOCK_RAW socket bound to the output
 * interface with PACKET_QDISC_BYPASS (packet(7)); erspan2/erspan3/gre use a
 * raw IP socket of protocol IPPROTO_GRE (raw(7): the kernel writes the IP
 * header, we write GRE and what follows); vxlan uses a raw IPPROTO_UDP
 * socket over IPv4 (we write the UDP header, so that the outer source port
 * can follow the inner flow) and a UDP socket over IPv6. Every
 * socket carries SO_MARK = SEND_SELF_MARK so that the capture filter can
 * refuse the mirror's own output.
 *
 * A raw socket remembers an ICMP error (protocol unreachable from a sensor
 * that has no GRE handler) and fails the next send with it once; such a
 * send is retried once, so an ICMP from the far side never costs a copy.
 */
#include "send/send.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* Every encapsulation, looked up by the scheme before ':' or '://'. */
static const struct send_ops *const send_kinds[] = {
	&send_span_ops, &send_rspan_ops, &send_erspan2_ops,
	&send_erspan3_ops, &send_vxlan_ops, &send_gre_ops,
};

int send_parse_uint(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int send_parse_addr(struct send_dest *d, const char *rest, bool allow_port,
		    uint16_t *port, const char **query, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 8];
	const char *q = strchr(rest, '?');
	size_t hl = q ? (size_t)(q - rest) : strlen(rest);
	*query = q ? q + 1 : "";
	if (hl == 0 || hl >= sizeof host) {
		snprintf(err, errlen, "%s: missing or too long address", d->spec);
		return -1;
	}
	memcpy(host, rest, hl);
	host[hl] = 0;

	char *addr = host, *portstr = NULL;
	if (host[0] == '[') {
		char *rb = strchr(host, ']');
		if (!rb) {
			snprintf(err, errlen, "%s: missing ']' after IPv6 address", d->spec);
			return -1;
		}
		*rb = 0;
		addr = host + 1;
		if (rb[1] == ':')
			portstr = rb + 2;
		else if (rb[1]) {
			snprintf(err, errlen, "%s: unexpected text after ']'", d->spec);
			return -1;
		}
	} else {
		char *colon = strchr(host, ':');
		if (colon) {
			*colon = 0;
			portstr = colon + 1;
		}
	}
	if (portstr) {
		unsigned long p;
		if (!allow_port) {
			snprintf(err, errlen, "%s: this destination takes no port", d->spec);
			return -1;
		}
		if (send_parse_uint(portstr, 1, 65535, &p)) {
			snprintf(err, errlen, "%s: bad UDP port '%s'", d->spec, portstr);
			return -1;
		}
		*port = (uint16_t)p;
	}

	memset(&d->addr, 0, sizeof d->addr);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&d->addr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&d->addr;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		d->family = AF_INET;
		d->addrlen = sizeof *s4;
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		d->family = AF_INET6;
		d->addrlen = sizeof *s6;
	} else {
		snprintf(err, errlen, "%s: '%s' is not an IPv4 or [IPv6] address",
			 d->spec, addr);
		return -1;
	}
	return 0;
}

int send_parse_query(struct send_dest *d, const char *query,
		     int (*fn)(struct send_dest *d, const char *key, const char *val,
			       char *err, size_t errlen),
		     char *err, size_t errlen)
{
	char buf[SEND_SPEC_MAX];
	size_t n = strlen(query);
	if (n >= sizeof buf) {
		snprintf(err, errlen, "%s: query too long", d->spec);
		return -1;
	}
	memcpy(buf, query, n + 1);
	char *save = NULL;
	for (char *kv = strtok_r(buf, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq) {
			snprintf(err, errlen, "%s: '%s' is not key=value", d->spec, kv);
			return -1;
		}
		*eq = 0;
		if (fn(d, kv, eq + 1, err, errlen))
			return -1;
	}
	return 0;
}

int send_dest_parse(struct send_dest *d, const char *spec, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	d->fd = -1;
	size_t n = strlen(spec);
	if (n == 0 || n >= sizeof d->spec) {
		snprintf(err, errlen, "--to: empty or too long destination");
		return -1;
	}
	memcpy(d->spec, spec, n + 1);
	for (size_t i = 0; i < sizeof send_kinds / sizeof send_kinds[0]; i++) {
		const struct send_ops *o = send_kinds[i];
		size_t sl = strlen(o->scheme);
		if (strncmp(spec, o->scheme, sl))
			continue;
		const char *rest = spec + sl;
		if (o->ip) {
			if (strncmp(rest, "://", 3))
				continue;
			rest += 3;
		} else {
			if (*rest != ':')
				continue;
			rest += 1;
		}
		d->ops = o;
		return o->parse(d, rest, err, errlen);
	}
	snprintf(err, errlen, "--to %s: unknown destination (span:IF, rspan:IF:VLAN, "
		 "erspan2://ADDR?session=N, erspan3://ADDR?session=N, "
		 "vxlan://ADDR[:PORT]?vni=N, gre://ADDR)", spec);
	return -1;
}

static int set_mark(int fd, char *err, size_t errlen, const char *spec)
{
	unsigned mark = SEND_SELF_MARK;
	if (setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark)) {
		snprintf(err, errlen, "%s: SO_MARK: %s", spec, strerror(errno));
		return -1;
	}
	return 0;
}

int send_dest_open(struct send_dest *d, char *err, size_t errlen)
{
	int fd = -1;
	if (!d->ops->ip) {
		d->ifindex = (int)if_nametoindex(d->ifname);
		if (!d->ifindex) {
			snprintf(err, errlen, "%s: no such interface '%s'", d->spec, d->ifname);
			errno = ENODEV;
			return -1;
		}
		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
		if (fd < 0)
			goto sockfail;
		int one = 1;
		/* Straight to the driver: no qdisc queueing behind our back,
		 * and a full device queue shows up as a send error we count. */
		(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
		struct sockaddr_ll sll;
		memset(&sll, 0, sizeof sll);
		sll.sll_family = AF_PACKET;
		sll.sll_ifindex = d->ifindex;
		sll.sll_protocol = 0; /* send only: receive nothing */
		if (bind(fd, (struct sockaddr *)&sll, sizeof sll)) {
			snprintf(err, errlen, "%s: bind: %s", d->spec, strerror(errno));
			close(fd);
			return -1;
		}
	} else if (d->ops->kind == SEND_VXLAN && d->family == AF_INET) {
		/* A raw UDP socket: the UDP header is ours, so each flow gets
		 * its own outer source port (RFC 7348 section 5). It must not
		 * receive the host's UDP traffic: a filter refuses everything. */
		fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
		if (fd < 0)
			goto sockfail;
		struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
		struct sock_fprog fp = { 1, &none };
		if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp)) {
			snprintf(err, errlen, "%s: SO_ATTACH_FILTER: %s", d->spec, strerror(errno));
			close(fd);
			return -1;
		}
		d->udp_raw = true;
	} else if (d->ops->kind == SEND_VXLAN) {
		/* IPv6 needs the UDP checksum: the kernel's UDP socket does it. */
		fd = socket(d->family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
		if (fd < 0)
			goto sockfail;
	} else {
		fd = socket(d->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
		if (fd < 0)
			goto sockfail;
	}
	if (d->ops->ip) {
		/* Mirror copies of full-size frames exceed the path MTU once
		 * encapsulated: let the kernel fragment them rather than fail. */
		int pmtu = d->family == AF_INET ? IP_PMTUDISC_DONT : IPV6_PMTUDISC_DONT;
		if (d->family == AF_INET)
			(void)setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
		else
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof pmtu);
		int sndbuf = 4 << 20;
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	}
	if (set_mark(fd, err, errlen, d->spec)) {
		close(fd);
		return -1;
	}
	d->fd = fd;
	for (unsigned i = 0; i < SEND_BATCH; i++) {
		struct msghdr *m = &d->msg[i].msg_hdr;
		memset(m, 0, sizeof *m);
		m->msg_iov = d->slot[i].iov;
		if (d->ops->ip) {
			m->msg_name = &d->addr;
			m->msg_namelen = d->addrlen;
		}
	}
	return 0;
sockfail:
	snprintf(err, errlen, "%s: socket: %s%s", d->spec, strerror(errno),
		 errno == EPERM ? " (needs root or CAP_NET_RAW)" : "");
	return -1;
}

bool send_frame_vlan(const struct send_frame *f, uint16_t *tci)
{
	if (f->caplen < 18)
		return false;
	uint16_t tpid = (uint16_t)((f->data[12] << 8) | f->data[13]);
	if (tpid != 0x8100 && tpid != 0x88a8 && tpid != 0x9100)
		return false;
	*tci = (uint16_t)((f->data[14] << 8) | f->data[15]);
	return true;
}

void send_dest_add(struct send_dest *d, const struct send_frame *f)
{
	if (d->nqueued == SEND_BATCH)
		send_dest_flush(d);
	struct send_slot *s = &d->slot[d->nqueued];
	uint32_t split = 0;
	size_t nextra = 0;
	size_t hl = d->ops->header(d, f, s->hdr, &split, s->extra, &nextra);
	unsigned n = 0;
	if (hl)
		s->iov[n++] = (struct iovec){ s->hdr, hl };
	if (nextra && split <= f->caplen) {
		s->iov[n++] = (struct iovec){ (void *)f->data, split };
		s->iov[n++] = (struct iovec){ s->extra, nextra };
		if (f->caplen > split)
			s->iov[n++] = (struct iovec){ (void *)(f->data + split), f->caplen - split };
	} else {
		s->iov[n++] = (struct iovec){ (void *)f->data, f->caplen };
	}
	d->msg[d->nqueued].msg_hdr.msg_iovlen = n;
	s->frame_len = f->caplen;
	s->truncated = f->caplen < f->wirelen;
	d->nqueued++;
}

/* Errors a socket reports for an earlier packet (an ICMP from the far end)
 * rather than for this one: worth one more try. */
static bool deferred_error(int e)
{
	return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH ||
	       e == EPROTO || e == EHOSTDOWN || e == ENOPROTOOPT;
}

void send_dest_flush(struct send_dest *d)
{
	unsigned done = 0;
	bool retried = false;
	while (done < d->nqueued) {
		int r = sendmmsg(d->fd, d->msg + done, d->nqueued - done, MSG_DONTWAIT);
		if (r > 0) {
			for (unsigned i = done; i < done + (unsigned)r; i++) {
				d->st.packets++;
				d->st.bytes += d->slot[i].frame_len;
				d->st.truncated += d->slot[i].truncated;
			}
			done += (unsigned)r;
			retried = false;
			continue;
		}
		int e = r < 0 ? errno : EIO;
		if (e == EINTR)
			continue;
		if (!retried && deferred_error(e)) {
			d->st.retries++;
			retried = true;
			continue;
		}
		/* This copy is lost (ENOBUFS, EAGAIN with a full queue, ...):
		 * count it and go on with the rest; never wait. */
		d->st.errors++;
		done++;
		retried = false;
	}
	d->nqueued = 0;
}

void send_dest_close(struct send_dest *d)
{
	if (d->fd >= 0) {
		if (d->nqueued)
			send_dest_flush(d);
		close(d->fd);
	}
	d->fd = -1;
}

void send_dest_addr_str(const struct send_dest *d, char *buf, size_t len)
{
	const void *a = d->family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)&d->addr)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)&d->addr)->sin_addr;
	if (!d->family || !inet_ntop(d->family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* ---- route lookup: RTM_GETROUTE for the destination, read RTA_OIF ---- */

int send_dest_out_ifindex(const struct send_dest *d, char *err, size_t errlen)
{
	if (!d->ops->ip)
		return d->ifindex ? d->ifindex : (int)if_nametoindex(d->ifname);

	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		uint8_t attrs[64];
	} req;
	memset(&req, 0, sizeof req);
	size_t alen = d->family == AF_INET ? 4 : 16;
	const void *a = d->family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)&d->addr)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)&d->addr)->sin_addr;
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = (uint8_t)d->family;
	req.rt.rtm_dst_len = (uint8_t)(alen * 8);
	struct rtattr *rta = (struct rtattr *)req.attrs;
	rta->rta_type = RTA_DST;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), a, alen);
	req.nh.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof req.rt) + RTA_SPACE(alen));

	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		snprintf(err, errlen, "%s: netlink: %s", d->spec, strerror(errno));
		return -1;
	}
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof kernel) < 0) {
		snprintf(err, errlen, "%s: netlink send: %s", d->spec, strerror(errno));
		close(fd);
		return -1;
	}
	uint8_t buf[8192];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	close(fd);
	if (n < (ssize_t)sizeof(struct nlmsghdr)) {
		snprintf(err, errlen, "%s: netlink: short answer", d->spec);
		return -1;
	}
	int oif = 0;
	size_t left = (size_t)n;
	for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, left);
	     nh = NLMSG_NEXT(nh, left)) {
		if (nh->nlmsg_type == NLMSG_ERROR)
			return 0; /* no route: the send will fail and be counted */
		if (nh->nlmsg_type != RTM_NEWROUTE)
			continue;
		struct rtmsg *rt = NLMSG_DATA(nh);
		int rl = (int)RTM_PAYLOAD(nh);
		for (struct rtattr *at = RTM_RTA(rt); RTA_OK(at, rl); at = RTA_NEXT(at, rl))
			if (at->rta_type == RTA_OIF && RTA_PAYLOAD(at) >= sizeof(int))
				memcpy(&oif, RTA_DATA(at), sizeof oif);
	}
	return oif;
}
