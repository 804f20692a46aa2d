/*
 * ifinfo.h - facts about a network interface that capture needs: index,
 * up/down, MTU, link speed (ethtool), and whether it exists at all.
 */
#ifndef MS_CAPTURE_IFINFO_H
#define MS_CAPTURE_IFINFO_H

#include <stdbool.h>
#include <stdint.h>

struct ifinfo {
	int ifindex;          /* kernel interface index */
	bool up;              /* IFF_UP: administratively up */
	bool running;         /* IFF_RUNNING: carrier / operationally up */
	bool loopback;        /* IFF_LOOPBACK */
	int mtu;              /* bytes, -1 if unknown */
	uint64_t speed_mbps;  /* link speed from ethtool, 0 if unknown (veth, down) */
	bool full_duplex;     /* ethtool duplex, when speed is known */
	int arphrd;           /* hardware type, ARPHRD_* (linux/if_arp.h), -1 if unknown */
	bool gro;             /* generic receive offload on: the kernel merges frames */
	bool lro;             /* large receive offload on: the NIC merges frames */
};

/* Fill *info for ifname. 0 on success; -1 with errno ENODEV when there is
 * no such interface (other errno values for other failures). Missing
 * ethtool support only leaves speed_mbps at 0. */
int ifinfo_get(const char *ifname, struct ifinfo *info);

/* Link speed alone (ETHTOOL_GLINKSETTINGS, falling back to ETHTOOL_GSET):
 * Mb/s, 0 when unknown. */
uint64_t ifinfo_link_speed_mbps(const char *ifname);

/* MTU alone, -1 when unknown. */
int ifinfo_mtu(const char *ifname);

#endif
