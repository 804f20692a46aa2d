/*
 * selfexcl.h - the mirror never mirrors itself. The capture filter put on
 * every mirrored interface refuses, in the kernel, before anything is
 * copied to the ring:
 *   1. frames carrying SEND_SELF_MARK (every socket the mirror sends with
 *      sets SO_MARK, so its own copies are recognised on any interface they
 *      cross in this network namespace), and
 *   2. frames towards any IP destination of the mirror (GRE to an erspan /
 *      gre destination, UDP to a vxlan destination's port), whoever sent
 *      them (a second mirror on the same host, a copy reflected back), and
 *      ICMP / ICMPv6 "destination unreachable" errors from a destination
 *      (they quote a copy: mirrored, each would cause another copy),
 * and then applies the user's -f filter. Rule 1 is three classic BPF
 * instructions (ancillary load SKF_AD_MARK, filter(2)/bpf docs) placed in
 * front of the program libpcap compiles for rules 2 and -f.
 */
#ifndef MS_SEND_SELFEXCL_H
#define MS_SEND_SELFEXCL_H

#include <stddef.h>

#include "send/send.h"

/* Compile and attach the combined filter to a packet socket. user_bpf may
 * be NULL. 0, or -1 with a message (a bad -f expression, setsockopt). */
int selfexcl_attach(int fd, const struct send_dest *dests, unsigned ndests,
		    const char *user_bpf, char *err, size_t errlen);

/* The libpcap expression used for rule 2 and -f (for messages and tests). */
int selfexcl_expression(const struct send_dest *dests, unsigned ndests,
			const char *user_bpf, char *buf, size_t len);

#endif
