/*
 * ifinfo.c - interface index, flags, MTU and link speed through the
 * classic ioctls (SIOCGIF*, netdevice(7)) and ethtool (linux/ethtool.h:
 * ETHTOOL_GLINKSETTINGS with its two-step mask-size handshake, falling
 * back to the older ETHTOOL_GSET; ETHTOOL_GGRO / GFLAGS for the receive
 * offloads that merge frames).
 */
#include "capture/ifinfo.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

/* Bound on the link-mode mask words the kernel may ask for (it uses 3 today). */
#define IFINFO_MAX_MASK_WORDS 32

static int ifreq_for(const char *ifname, struct ifreq *ifr)
{
	size_t n = strlen(ifname);
	if (n == 0 || n >= IFNAMSIZ) {
		errno = ENODEV;
		return -1;
	}
	memset(ifr, 0, sizeof *ifr);
	memcpy(ifr->ifr_name, ifname, n + 1);
	return 0;
}

static uint64_t speed_glinksettings(int fd, struct ifreq *ifr, bool *duplex)
{
	/* ethtool_link_settings followed by 3 masks of nwords u32 each. */
	struct {
		struct ethtool_link_settings s;
		uint32_t masks[3 * IFINFO_MAX_MASK_WORDS];
	} req;

	memset(&req, 0, sizeof req);
	req.s.cmd = ETHTOOL_GLINKSETTINGS;
	ifr->ifr_data = (void *)&req;
	if (ioctl(fd, SIOCETHTOOL, ifr) < 0)
		return 0;
	/* Handshake: the kernel answers with -(words it wants). */
	int8_t nwords = req.s.link_mode_masks_nwords;
	if (nwords >= 0 || -nwords > IFINFO_MAX_MASK_WORDS)
		return 0;
	memset(&req, 0, sizeof req);
	req.s.cmd = ETHTOOL_GLINKSETTINGS;
	req.s.link_mode_masks_nwords = (int8_t)-nwords;
	ifr->ifr_data = (void *)&req;
	if (ioctl(fd, SIOCETHTOOL, ifr) < 0 || req.s.link_mode_masks_nwords <= 0)
		return 0;
	if (req.s.speed == 0 || req.s.speed == (uint32_t)SPEED_UNKNOWN)
		return 0;
	*duplex = req.s.duplex == DUPLEX_FULL;
	return req.s.speed;
}

static uint64_t speed_gset(int fd, struct ifreq *ifr, bool *duplex)
{
	struct ethtool_cmd cmd;

	memset(&cmd, 0, sizeof cmd);
	cmd.cmd = ETHTOOL_GSET;
	ifr->ifr_data = (void *)&cmd;
	if (ioctl(fd, SIOCETHTOOL, ifr) < 0)
		return 0;
	uint32_t speed = ethtool_cmd_speed(&cmd);
	if (speed == 0 || speed == (uint32_t)SPEED_UNKNOWN)
		return 0;
	*duplex = cmd.duplex == DUPLEX_FULL;
	return speed;
}

static uint64_t link_speed(int fd, const char *ifname, bool *duplex)
{
	struct ifreq ifr;

	*duplex = false;
	if (ifreq_for(ifname, &ifr) < 0)
		return 0;
	uint64_t s = speed_glinksettings(fd, &ifr, duplex);
	if (s)
		return s;
	if (ifreq_for(ifname, &ifr) < 0)
		return 0;
	return speed_gset(fd, &ifr, duplex);
}

/* GRO / LRO state: both make the capture see several wire frames as one. */
static void offloads(int fd, const char *ifname, struct ifinfo *info)
{
	struct ifreq ifr;
	struct ethtool_value ev;

	memset(&ev, 0, sizeof ev);
	ev.cmd = ETHTOOL_GGRO;
	if (ifreq_for(ifname, &ifr) == 0) {
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
			info->gro = ev.data != 0;
	}
	memset(&ev, 0, sizeof ev);
	ev.cmd = ETHTOOL_GFLAGS;
	if (ifreq_for(ifname, &ifr) == 0) {
		ifr.ifr_data = (void *)&ev;
		if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
			info->lro = (ev.data & ETH_FLAG_LRO) != 0;
	}
}

int ifinfo_get(const char *ifname, struct ifinfo *info)
{
	struct ifreq ifr;

	memset(info, 0, sizeof *info);
	info->mtu = -1;
	info->arphrd = -1;
	if (ifreq_for(ifname, &ifr) < 0)
		return -1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	info->ifindex = ifr.ifr_ifindex;
	if (ifreq_for(ifname, &ifr) == 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		info->up = (ifr.ifr_flags & IFF_UP) != 0;
		info->running = (ifr.ifr_flags & IFF_RUNNING) != 0;
		info->loopback = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
	}
	if (ifreq_for(ifname, &ifr) == 0 && ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		info->mtu = ifr.ifr_mtu;
	if (ifreq_for(ifname, &ifr) == 0 && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		info->arphrd = ifr.ifr_hwaddr.sa_family;
	info->speed_mbps = link_speed(fd, ifname, &info->full_duplex);
	offloads(fd, ifname, info);
	close(fd);
	return 0;
}

uint64_t ifinfo_link_speed_mbps(const char *ifname)
{
	struct ifinfo info;
	return ifinfo_get(ifname, &info) == 0 ? info.speed_mbps : 0;
}

int ifinfo_mtu(const char *ifname)
{
	struct ifinfo info;
	return ifinfo_get(ifname, &info) == 0 ? info.mtu : -1;
}
