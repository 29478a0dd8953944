// SPDX-License-Identifier: GPL-2.0
/*
 * The default routes of every routing table, by rtnetlink, for route.c:
 * a dump of RTM_GETROUTE per family, as "ip route show table all" reads
 * it.  A route's way out is its output interface, the next hops of an
 * ECMP route (RTA_MULTIPATH), or a nexthop object (RTA_NH_ID): the kernel
 * adds the interface to such a route unless net.ipv4.nexthop_compat_mode
 * is 0, so the object, or each member of its group, is looked up then.
 * Every length in a message is checked before what it covers is read.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>

#include "passthru.h"

/* A group of next hops has at most this many members we look at. */
#define MAX_GROUP 64

typedef void (*nl_fn)(struct need *n, const struct nlmsghdr *h, void *arg);

/* Read the dump that answers request @seq, each message to @fn. */
static int nl_read(int fd, unsigned int seq, struct need *n, int type,
		   nl_fn fn, void *arg)
{
	union {
		struct nlmsghdr h;
		char buf[32768];
	} u;
	const struct nlmsghdr *h;
	struct sockaddr_nl sa;
	struct iovec iov = { u.buf, sizeof(u.buf) };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t got;
	int len;

	for (;;) {
		got = recvmsg(fd, &msg, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got ? -errno : -ENODATA;
		if (msg.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (sa.nl_pid)
			continue;
		len = (int)got;
		for (h = &u.h; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE || n->found)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR)
				return -EPROTO;
			if (h->nlmsg_type == type)
				fn(n, h, arg);
		}
	}
}

/*
 * Dump @type (RTM_GETROUTE, RTM_GETNEXTHOP) of @family, a request with a
 * header of @hdr_len zero bytes but its family; each answer of @answer
 * type to @fn.  0, or -errno.
 */
static int nl_dump(struct need *n, int type, int answer, int family,
		   size_t hdr_len, nl_fn fn, void *arg)
{
	struct {
		struct nlmsghdr h;
		unsigned char family[NLMSG_ALIGN(sizeof(struct rtmsg))];
	} req = {
		.h = { .nlmsg_len = NLMSG_LENGTH(hdr_len), .nlmsg_type = type,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.family = { (unsigned char)family },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 5 };
	int fd, ret;

	if (hdr_len > sizeof(req.family))
		return -EINVAL;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) != (ssize_t)req.h.nlmsg_len)
		ret = -errno;
	else
		ret = nl_read(fd, req.h.nlmsg_seq, n, answer, fn, arg);
	close(fd);
	return ret;
}

static unsigned int rta_u32(const struct rtattr *a)
{
	unsigned int v = 0;

	if (RTA_PAYLOAD(a) >= sizeof(v))
		memcpy(&v, RTA_DATA(a), sizeof(v));
	return v;
}

/* Which nexthop object a route goes through, and for which route. */
struct nh_query {
	int family, depth;
	unsigned int table, id;
};

static void nh_lookup(struct need *n, const struct nh_query *q);

/* One nexthop object of the dump: the one asked for gives its ways out. */
static void nh_msg(struct need *n, const struct nlmsghdr *h, void *arg)
{
	const struct nh_query *q = arg;
	const struct nhmsg *nh = NLMSG_DATA(h);
	const struct rtattr *a, *group = NULL;
	unsigned int id = 0, oif = 0, i;
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*nh));

	for (a = (const struct rtattr *)((const char *)nh + NLMSG_ALIGN(sizeof(*nh)));
	     len >= 0 && RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NHA_ID)
			id = rta_u32(a);
		else if (a->rta_type == NHA_OIF)
			oif = rta_u32(a);
		else if (a->rta_type == NHA_GROUP)
			group = a;
	}
	if (id != q->id)
		return;
	default_route_oif(n, q->family, q->table, oif);
	for (i = 0; group && i < RTA_PAYLOAD(group) / sizeof(struct nexthop_grp) &&
	     i < MAX_GROUP; i++) {
		struct nexthop_grp g;
		struct nh_query member = *q;

		memcpy(&g, (const char *)RTA_DATA(group) + i * sizeof(g), sizeof(g));
		member.id = g.id;
		member.depth++;
		nh_lookup(n, &member);
	}
}

/* The ways out of nexthop object @q->id (a group's members: one level). */
static void nh_lookup(struct need *n, const struct nh_query *q)
{
	if (q->depth <= 1 && !n->found)
		nl_dump(n, RTM_GETNEXTHOP, RTM_NEWNEXTHOP, AF_UNSPEC,
			sizeof(struct nhmsg), nh_msg, (void *)q);
}

/* The next hops of an ECMP route (RTA_MULTIPATH). */
static void route_multipath(struct need *n, int family, unsigned int table,
			    const struct rtattr *a)
{
	const struct rtnexthop *nh = RTA_DATA(a);
	int len = RTA_PAYLOAD(a);

	while (len >= (int)sizeof(*nh) && RTNH_OK(nh, len)) {
		default_route_oif(n, family, table, nh->rtnh_ifindex);
		len -= RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
}

/* One route of the dump: a unicast route to ::/0 or 0.0.0.0/0. */
static void route_msg(struct need *n, const struct nlmsghdr *h, void *arg)
{
	const struct rtmsg *r = NLMSG_DATA(h);
	const struct rtattr *a, *multipath = NULL;
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*r));
	struct nh_query q = { .id = 0 };
	unsigned int oif = 0;

	(void)arg;
	if (len < 0 || r->rtm_dst_len || r->rtm_type != RTN_UNICAST ||
	    (r->rtm_family != AF_INET && r->rtm_family != AF_INET6))
		return;
	q.family = r->rtm_family;
	q.table = r->rtm_table;
	for (a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_TABLE)
			q.table = rta_u32(a);
		else if (a->rta_type == RTA_OIF)
			oif = rta_u32(a);
		else if (a->rta_type == RTA_MULTIPATH)
			multipath = a;
		else if (a->rta_type == RTA_NH_ID)
			q.id = rta_u32(a);
	}
	default_route_oif(n, q.family, q.table, oif);
	if (multipath)
		route_multipath(n, q.family, q.table, multipath);
	if (q.id && !oif && !multipath)
		nh_lookup(n, &q);
}

/* Every default route of @family in every table; 0 or -errno. */
int rtnl_default_routes(struct need *n, int family)
{
	return nl_dump(n, RTM_GETROUTE, RTM_NEWROUTE, family,
		       sizeof(struct rtmsg), route_msg, NULL);
}
