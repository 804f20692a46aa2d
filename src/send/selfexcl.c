/*
 * selfexcl.c - the capture filter that keeps the mirror from mirroring
 * itself (see selfexcl.h for what it refuses and why).
 */
#include "send/selfexcl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#define SELFEXCL_SNAPLEN 262144u   /* accepted frames keep every byte */
#define SELFEXCL_EXPR_MAX 8192u

static int append(char *buf, size_t len, size_t *off, const char *fmt, const char *a,
		  unsigned u)
{
	int n = snprintf(buf + *off, len - *off, fmt, a, u);
	if (n < 0 || (size_t)n >= len - *off)
		return -1;
	*off += (size_t)n;
	return 0;
}

int selfexcl_expression(const struct send_dest *dests, unsigned ndests,
			const char *user_bpf, char *buf, size_t len)
{
	size_t off = 0;
	unsigned terms = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < ndests; i++) {
		const struct send_dest *d = &dests[i];
		if (!d->ops->ip)
			continue;
		char a[64];
		send_dest_addr_str(d, a, sizeof a);
		if (append(buf, len, &off, terms ? " and " : "", "", 0))
			return -1;
		if (d->ops->kind == SEND_VXLAN) {
			if (append(buf, len, &off, "not (dst host %s and udp dst port %u)", a, d->port))
				return -1;
		} else if (append(buf, len, &off,
				  "not (dst host %s and (ip proto 47 or ip6 proto 47))", a, 0)) {
			return -1;
		}
		/* ... nor the destination's ICMP errors about them (a sensor
		 * without a GRE listener answers "protocol unreachable"): mirrored,
		 * each would make one more copy, and so on. */
		if (append(buf, len, &off, d->family == AF_INET
			   ? " and not (src host %s and icmp[icmptype] == icmp-unreach)"
			   : " and not (src host %s and ip6 proto 58 and ip6[40] == 1)", a, 0))
			return -1;
		terms++;
	}
	if (user_bpf && *user_bpf) {
		if (terms && append(buf, len, &off, " and ", "", 0))
			return -1;
		if (append(buf, len, &off, terms ? "(%s)" : "%s", user_bpf, 0))
			return -1;
	}
	return 0;
}

int selfexcl_attach(int fd, const struct send_dest *dests, unsigned ndests,
		    const char *user_bpf, char *err, size_t errlen)
{
	char expr[SELFEXCL_EXPR_MAX];
	if (selfexcl_expression(dests, ndests, user_bpf, expr, sizeof expr)) {
		snprintf(err, errlen, "capture filter too long");
		return -1;
	}
	struct bpf_program prog = { 0, NULL };
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, (int)SELFEXCL_SNAPLEN);
	if (!dead) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (pcap_compile(dead, &prog, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(err, errlen, "bad filter '%s': %s", user_bpf ? user_bpf : "",
			 pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	pcap_close(dead);

	/* Rule 1 in front: if (skb->mark == SEND_SELF_MARK) drop. Jumps in
	 * classic BPF are relative, so the compiled program is unchanged. */
	const struct sock_filter head[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)(SKF_AD_OFF + SKF_AD_MARK)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SEND_SELF_MARK, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	size_t nhead = sizeof head / sizeof head[0];
	size_t n = nhead + prog.bf_len;
	struct sock_filter *ins = calloc(n, sizeof *ins);
	if (!ins) {
		pcap_freecode(&prog);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(ins, head, sizeof head);
	for (size_t i = 0; i < prog.bf_len; i++) {
		ins[nhead + i].code = prog.bf_insns[i].code;
		ins[nhead + i].jt = prog.bf_insns[i].jt;
		ins[nhead + i].jf = prog.bf_insns[i].jf;
		ins[nhead + i].k = prog.bf_insns[i].k;
	}
	pcap_freecode(&prog);
	struct sock_fprog fp = { (unsigned short)n, ins };
	int rc = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof fp);
	int e = errno;
	free(ins);
	if (rc) {
		snprintf(err, errlen, "SO_ATTACH_FILTER: %s", strerror(e));
		return -1;
	}
	return 0;
}
