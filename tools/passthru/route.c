// SPDX-License-Identifier: GPL-2.0
/*
 * The default routes of the host, for host.c: every IPv4 and IPv6
 * default route of every routing table (policy routing), read with a
 * netlink dump as "ip route show table all" does (rtnl.c), or from
 * /proc/net/route (IPv4, table main only) and /proc/net/ipv6_route when
 * netlink cannot be had (and in a fake tree, PASSTHRU_SYSROOT).  Each output interface is
 * followed down its stack: a bridge to its ports, a bond to its slaves,
 * a VLAN or macvlan to its link (lower_* in sysfs); the devices at the
 * bottom are what host.c looks for under a function.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "passthru.h"

static void netdev(struct need *n, const char *name, const char *what,
		   const char *chain, int depth);

/* Its driver, as ethtool -i says (a macvlan has no DEVTYPE). */
static void net_driver(const char *name, char *kind, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (char *)&info };
	size_t w;
	int fd;

	if (fake_root())
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	copy_str(ifr.ifr_name, sizeof(ifr.ifr_name), name);
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		info.driver[sizeof(info.driver) - 1] = '\0';
		w = strspn(info.driver, "abcdefghijklmnopqrstuvwxyz0123456789_-");
		if (w && w < len && !info.driver[w])
			copy_str(kind, len, info.driver);
	}
	close(fd);
}

/*
 * What sysfs says an interface is: DEVTYPE (bridge, bond, vlan...), or
 * for a virtual one without it its driver; and USB.
 */
static void net_kind(const char *name, const char *dir, char *kind, size_t len)
{
	char uevent[1024], *p;
	size_t w;

	kind[0] = '\0';
	attr_at(uevent, sizeof(uevent), dir, "uevent");
	p = !strncmp(uevent, "DEVTYPE=", 8) ? uevent : strstr(uevent, "\nDEVTYPE=");
	if (p) {
		p += *p == '\n' ? 9 : 8;
		w = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_-");
		if (w < len)
			snprintf(kind, len, "%.*s", (int)w, p);
	}
	if (!kind[0] && strstr(dir, "/devices/virtual/"))
		net_driver(name, kind, len);
	if (strstr(dir, "/usb"))
		snprintf(kind + strlen(kind), len - strlen(kind), "%sUSB",
			 kind[0] ? ", " : "");
}

/* The interfaces below one: lower_* links, a bridge's ports, a bond's slaves. */
static void net_lowers(struct need *n, const char *dir, const char *what,
		       const char *chain, int depth)
{
	char path[PATH_MAX], slaves[4096], *tok, *save;
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && !n->found && (e = readdir(d)))
		if (!strncmp(e->d_name, "lower_", 6))
			netdev(n, e->d_name + 6, what, chain, depth + 1);
	if (d)
		closedir(d);
	if (join(path, sizeof(path), dir, "brif"))
		return;
	d = opendir(path);
	while (d && !n->found && (e = readdir(d)))
		if (e->d_name[0] != '.')
			netdev(n, e->d_name, what, chain, depth + 1);
	if (d)
		closedir(d);
	attr_at(slaves, sizeof(slaves), dir, "bonding/slaves");
	for (tok = strtok_r(slaves, "\n ", &save); tok && !n->found;
	     tok = strtok_r(NULL, "\n ", &save))
		netdev(n, tok, what, chain, depth + 1);
}

/* The interface @name, used as @what says, reached through @chain. */
static void netdev(struct need *n, const char *name, const char *what,
		   const char *chain, int depth)
{
	char path[PATH_MAX], dir[PATH_MAX], link[512], kind[64];

	if (!need_visit(n, depth) || !name_ok(name) || strlen(name) >= IF_NAMESIZE ||
	    kpath(path, sizeof(path), "/sys/class/net/%s", name) ||
	    !realpath(path, dir))
		return;
	net_kind(name, dir, kind, sizeof(kind));
	chain_add(link, sizeof(link), chain, name, kind);
	need_leaf(n, dir, "%s via %s", what, link);
	net_lowers(n, dir, what, link, depth);
}

static void default_route(struct need *n, const char *family,
			  unsigned int table, const char *ifname)
{
	char what[128], t[16];

	if (table == RT_TABLE_MAIN)
		copy_str(t, sizeof(t), "main");
	else if (table == RT_TABLE_DEFAULT)
		copy_str(t, sizeof(t), "default");
	else if (table == RT_TABLE_LOCAL)
		copy_str(t, sizeof(t), "local");
	else
		snprintf(t, sizeof(t), "%u", table);
	if (table)
		snprintf(what, sizeof(what),
			 "it carries the %s default route (table %s)", family, t);
	else
		snprintf(what, sizeof(what), "it carries an %s default route",
			 family);
	netdev(n, ifname, what, "", 0);
}

/* A default route of @family in @table through the interface @ifindex. */
void default_route_oif(struct need *n, int family, unsigned int table,
		       unsigned int ifindex)
{
	char name[IF_NAMESIZE];

	if (ifindex && if_indextoname(ifindex, name))
		default_route(n, family == AF_INET6 ? "IPv6" : "IPv4", table, name);
}

/*
 * /proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric
 * Mask ...", addresses in hex; the main table only.  Not there without
 * IPv4.
 */
static int proc_route4(struct need *n)
{
	char path[PATH_MAX], line[512], ifname[IF_NAMESIZE];
	unsigned int dst, gw, flags, mask;
	FILE *f;

	kpath(path, sizeof(path), "/proc/net/route");
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!n->found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%15s %x %x %x %*d %*d %*d %x", ifname, &dst, &gw,
			   &flags, &mask) == 5 && !dst && !mask &&
		    (flags & 0x0001) && !(flags & 0x0200))	/* up, not reject */
			default_route(n, "IPv4", RT_TABLE_MAIN, ifname);
	fclose(f);
	return 0;
}

/*
 * /proc/net/ipv6_route: "DEST DEST_LEN SRC SRC_LEN NEXTHOP METRIC
 * REFCNT USE FLAGS IFNAME", every table; not there without IPv6.
 */
static int proc_route6(struct need *n)
{
	char path[PATH_MAX], line[512], dst[33], ifname[IF_NAMESIZE];
	unsigned int dlen, flags;
	FILE *f;

	kpath(path, sizeof(path), "/proc/net/ipv6_route");
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!n->found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%32s %x %*s %*x %*s %*x %*x %*x %x %15s", dst,
			   &dlen, &flags, ifname) == 4 && !dlen &&
		    strspn(dst, "0") == 32 && (flags & 0x0001) &&
		    !(flags & 0x0200))
			default_route(n, "IPv6", 0, ifname);
	fclose(f);
	return 0;
}

/* The interfaces of every default route; 0, or -errno if none can be read. */
int routes_need(struct need *n)
{
	int ret;

	if (!fake_root() && !rtnl_default_routes(n, AF_INET) &&
	    !rtnl_default_routes(n, AF_INET6))
		return 0;
	ret = proc_route4(n);
	return ret ? ret : proc_route6(n);
}
