/*
 * tunnel_sink.c - claim GRE and the tunnel UDP ports so the kernel does
 * not answer mirrored traffic with ICMP errors (see tunnel_sink.h).
 *
 * Why it works (Linux, net/ipv4/ip_input.c ip_local_deliver_finish() and
 * net/ipv6/ip6_input.c): for a protocol with no kernel handler, ICMP
 * "protocol unreachable" is sent only when no raw socket matched; a raw
 * socket matches before its filter runs, so a filter that drops everything
 * still counts. For UDP (udp_queue_rcv_skb()) "port unreachable" is sent
 * only when no socket is bound to the port; the socket filter then drops
 * each datagram before it is queued. Caveat: when the ip_gre module is
 * loaded, its own GRE handler answers unknown GRE with "port unreachable"
 * regardless of raw sockets.
 */
#include "capture/tunnel_sink.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>

#ifndef IPPROTO_GRE
#define IPPROTO_GRE 47
#endif

const char *tunnel_claim_state_name(enum tunnel_claim_state s)
{
	switch (s) {
	case TUNNEL_CLAIMED:
		return "claimed";
	case TUNNEL_IN_USE:
		return "in_use";
	default:
		return "failed";
	}
}

/* A classic BPF program of one instruction: return 0 (keep no bytes). */
static int drop_all(int fd)
{
	struct sock_filter code[1] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = code };
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0)
		return -1;
	int one = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof one);
	int small = 1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	return 0;
}

static struct tunnel_claim *next_claim(struct tunnel_sink *ts, const char *what,
				       uint8_t family, uint8_t ipproto, uint16_t port)
{
	if (ts->n >= TUNNEL_SINK_MAX_CLAIMS)
		return NULL;
	struct tunnel_claim *c = &ts->c[ts->n++];
	memset(c, 0, sizeof *c);
	c->what = what;
	c->family = family;
	c->ipproto = ipproto;
	c->port = port;
	c->fd = -1;
	c->state = TUNNEL_FAILED;
	return c;
}

static void fail(struct tunnel_claim *c, int fd, int e)
{
	if (fd >= 0)
		close(fd);
	c->fd = -1;
	c->state = e == EADDRINUSE ? TUNNEL_IN_USE : TUNNEL_FAILED;
	snprintf(c->err, sizeof c->err, "%s", strerror(e));
}

static void claim_gre(struct tunnel_sink *ts, uint8_t family)
{
	struct tunnel_claim *c = next_claim(ts, "gre", family, IPPROTO_GRE, 0);
	if (!c)
		return;
	int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE);
	if (fd < 0 || drop_all(fd) < 0) {
		fail(c, fd, errno);
		return;
	}
	c->fd = fd;
	c->state = TUNNEL_CLAIMED;
	ts->claimed++;
}

static void claim_udp(struct tunnel_sink *ts, const char *what, uint8_t family, uint16_t port)
{
	struct tunnel_claim *c = next_claim(ts, what, family, IPPROTO_UDP, port);
	if (!c)
		return;
	int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || drop_all(fd) < 0) {
		fail(c, fd, errno);
		return;
	}
	int rc;
	if (family == 4) {
		struct sockaddr_in a;
		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_port = htons(port);
		a.sin_addr.s_addr = htonl(INADDR_ANY);
		rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	} else {
		int one = 1;
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		struct sockaddr_in6 a;
		memset(&a, 0, sizeof a);
		a.sin6_family = AF_INET6;
		a.sin6_port = htons(port);
		a.sin6_addr = in6addr_any;
		rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	}
	if (rc < 0) {
		fail(c, fd, errno);
		return;
	}
	c->fd = fd;
	c->state = TUNNEL_CLAIMED;
	ts->claimed++;
}

/* Claim each port once, even when listed twice or under two tunnel types. */
static void claim_ports(struct tunnel_sink *ts, const char *what, const uint16_t *ports,
			unsigned n)
{
	if (n > DECODE_MAX_PORTS)
		n = DECODE_MAX_PORTS;
	for (unsigned i = 0; i < n; i++) {
		bool seen = ports[i] == 0;
		for (unsigned j = 0; j < ts->n && !seen; j++)
			seen = ts->c[j].ipproto == IPPROTO_UDP && ts->c[j].port == ports[i];
		if (seen)
			continue;
		claim_udp(ts, what, 4, ports[i]);
		claim_udp(ts, what, 6, ports[i]);
	}
}

unsigned tunnel_sink_open(struct tunnel_sink *ts, const struct decode_config *cfg)
{
	memset(ts, 0, sizeof *ts);
	claim_gre(ts, 4);
	claim_gre(ts, 6);
	if (cfg) {
		claim_ports(ts, "vxlan", cfg->vxlan_ports, cfg->nvxlan_ports);
		claim_ports(ts, "geneve", cfg->geneve_ports, cfg->ngeneve_ports);
		claim_ports(ts, "tzsp", cfg->tzsp_ports, cfg->ntzsp_ports);
	}
	return ts->claimed;
}

void tunnel_sink_close(struct tunnel_sink *ts)
{
	for (unsigned i = 0; i < ts->n; i++) {
		if (ts->c[i].fd >= 0)
			close(ts->c[i].fd);
		ts->c[i].fd = -1;
	}
	ts->claimed = 0;
}

/* "gre/ipv4" or "vxlan/4789/ipv6". */
static int claim_name(const struct tunnel_claim *c, char *buf, size_t len)
{
	if (c->ipproto == IPPROTO_UDP)
		return snprintf(buf, len, "%s/%u/ipv%u", c->what, c->port, c->family);
	return snprintf(buf, len, "%s/ipv%u", c->what, c->family);
}

/* Append to buf (snprintf rules: the count grows even when it no longer fits). */
static void append(char *buf, size_t len, size_t *used, const char *fmt, const char *a,
		   const char *b)
{
	char *at = *used < len ? buf + *used : NULL;
	size_t room = *used < len ? len - *used : 0;
	int k = snprintf(at, room, fmt, a, b);
	if (k > 0)
		*used += (size_t)k;
}

static const char *const state_titles[] = {
	[TUNNEL_CLAIMED] = "tunnel sink claimed:",
	[TUNNEL_IN_USE] = "tunnel sink: in use by another program:",
	[TUNNEL_FAILED] = "tunnel sink could not claim:",
};

int tunnel_sink_format_state(const struct tunnel_sink *ts, enum tunnel_claim_state st,
			     char *buf, size_t len)
{
	size_t used = 0;
	char name[48];

	if (len)
		buf[0] = '\0';
	if ((unsigned)st > TUNNEL_FAILED)
		return 0;
	for (unsigned i = 0; i < ts->n; i++) {
		const struct tunnel_claim *c = &ts->c[i];
		if (c->state != st)
			continue;
		if (!used)
			append(buf, len, &used, "%s%s", state_titles[st], "");
		claim_name(c, name, sizeof name);
		if (st == TUNNEL_FAILED)
			append(buf, len, &used, " %s (%s)", name, c->err);
		else
			append(buf, len, &used, " %s%s", name, "");
	}
	return (int)used;
}

int tunnel_sink_format(const struct tunnel_sink *ts, char *buf, size_t len)
{
	size_t used = 0;
	char part[1024];

	if (len)
		buf[0] = '\0';
	for (int st = TUNNEL_CLAIMED; st <= TUNNEL_FAILED; st++) {
		if (!tunnel_sink_format_state(ts, (enum tunnel_claim_state)st, part, sizeof part))
			continue;
		append(buf, len, &used, "%s%s", used ? "; " : "", part);
	}
	if (used == 0)
		return snprintf(buf, len, "tunnel sink: nothing claimed");
	return (int)used;
}
