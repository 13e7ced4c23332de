// SPDX-License-Identifier: GPL-2.0-only
/*
 * Moving bytes: xenstore rings and the Unix socket.
 *
 * Rings (design notes §3.6): indices are free-running; prod - cons must
 * stay <= XENSTORE_RING_SIZE or the peer is broken. Linux notifies only
 * when it thinks we are idle, so every event drains all requests and
 * writes all pending output, looping until nothing moves, and we notify
 * after each index we publish. The other side writes the page whenever it
 * likes: indices are read once into locals, data is copied out before it
 * is parsed, and barriers order data against index updates.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* accept4 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/xen.h>

#include "conn.h"
#include "evtchn.h"
#include "privcmd.h"
#include "wire.h"

#define PAGE_SIZE	4096
/*
 * Requests served from one ring before the others get a turn: a guest that
 * refills its ring as fast as we drain it must not keep the daemon to
 * itself. Leftover work is picked up on the next loop iteration.
 */
#define RING_BUDGET	32

struct ring_io {
	struct xenstore_domain_interface *intf;
	uint32_t port;			/* local port bound to the ring */
	bool foreign;			/* mapped through privcmd */
	bool more;			/* requests left unread (budget, quota) */
	bool shutdown_seen;		/* @releaseDomain already fired for it */
	struct wire_in in;
};

struct sock_io {
	int fd;
	bool want_write;		/* output blocked: poll for POLLOUT */
	struct wire_in in;
};

/*
 * Bumped whenever a connection is freed: a request served while walking
 * d->conns (XS_RELEASE from dom0's ring) can free any other connection,
 * so walkers restart when it moves.
 */
static unsigned long conns_freed;

static struct io *io_of(struct xsd *d)
{
	return d->io;
}

/* ---- rings -------------------------------------------------------------- */

/*
 * Consume the requests in the ring, up to *budget of them. An unprivileged
 * peer whose replies pile up unread gets no more requests served until it
 * reads them, so it cannot make dom0 queue replies without bound.
 */
static bool ring_read(struct xsd *d, struct conn *c, struct ring_io *r,
		      unsigned int *budget)
{
	struct xenstore_domain_interface *intf = r->intf;
	XENSTORE_RING_IDX cons = intf->req_cons, prod = intf->req_prod;
	bool moved = false;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* prod before data */
	if (prod - cons > XENSTORE_RING_SIZE) {
		xsd_log("domain %u: bad request ring indices %u/%u",
			c->domid, cons, prod);
		c->broken = true;
		return false;
	}
	r->more = false;
	while (cons != prod && !c->broken) {
		char chunk[XENSTORE_RING_SIZE];
		size_t off = MASK_XENSTORE_IDX(cons), len = prod - cons, used;
		enum wire_status st;

		if (!*budget || (!c->privileged &&
				 c->out_bytes > d->quota.out_bytes)) {
			r->more = true;
			break;
		}
		if (len > XENSTORE_RING_SIZE - off)
			len = XENSTORE_RING_SIZE - off;
		/* Copy first: the guest may rewrite the ring under us. */
		memcpy(chunk, intf->req + off, len);
		st = wire_feed(&r->in, chunk, len, &used);
		cons += used;
		moved = true;
		if (st == WIRE_BAD) {
			xsd_log("domain %u: message longer than %u bytes",
				c->domid, XENSTORE_PAYLOAD_MAX);
			c->broken = true;
		} else if (st == WIRE_MSG) {
			xsd_handle(d, c, &r->in.hdr, r->in.body);
			wire_in_reset(&r->in);
			(*budget)--;
		}
	}
	if (moved) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* data read first */
		intf->req_cons = cons;
	}
	return moved;
}

/* Write as much queued output as fits. */
static bool ring_write(struct conn *c, struct ring_io *r)
{
	struct xenstore_domain_interface *intf = r->intf;
	bool moved = false;
	const unsigned char *p;
	size_t len;

	while ((p = wire_out_peek(c, &len))) {
		XENSTORE_RING_IDX cons = intf->rsp_cons, prod = intf->rsp_prod;
		size_t off, space;

		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (prod - cons > XENSTORE_RING_SIZE) {
			xsd_log("domain %u: bad response ring indices %u/%u",
				c->domid, cons, prod);
			c->broken = true;
			break;
		}
		space = XENSTORE_RING_SIZE - (prod - cons);
		off = MASK_XENSTORE_IDX(prod);
		if (space > XENSTORE_RING_SIZE - off)
			space = XENSTORE_RING_SIZE - off;
		if (!space)
			break;
		if (len > space)
			len = space;
		memcpy(intf->rsp + off, p, len);
		__atomic_thread_fence(__ATOMIC_RELEASE);	/* data first */
		intf->rsp_prod = prod + len;
		wire_out_consume(c, len);
		moved = true;
	}
	return moved;
}

/* Serve @c's ring within its budget; true if work was left over. */
bool io_ring_service(struct xsd *d, struct conn *c)
{
	struct ring_io *r = c->io;
	unsigned int budget = RING_BUDGET;
	bool moved;

	do {
		moved = false;
		if (!c->broken && ring_read(d, c, r, &budget)) {
			evtchn_notify(io_of(d)->evtchn_fd, r->port);
			moved = true;
		}
		if (!c->broken && ring_write(c, r)) {
			evtchn_notify(io_of(d)->evtchn_fd, r->port);
			moved = true;
		}
	} while (moved);
	if (c->broken)
		r->intf->error = XENSTORE_ERROR_PROTO;
	/* Waiting for the peer to read replies is not work we can do. */
	return r->more && !c->broken && budget == 0;
}

struct conn *io_ring_new(struct xsd *d, uint32_t domid, bool privileged,
			 void *page, uint32_t port, bool foreign)
{
	struct ring_io *r = calloc(1, sizeof(*r));
	struct conn *c;

	if (!r)
		return NULL;
	c = conn_new(d, CONN_RING, domid, privileged);
	if (!c) {
		free(r);
		return NULL;
	}
	r->intf = page;
	r->port = port;
	r->foreign = foreign;
	c->io = r;
	return c;
}

int io_dom0_ring(struct xsd *d)
{
	struct io *io = io_of(d);
	char buf[32];
	ssize_t n;
	void *page;
	int fd, port;
	struct conn *c;

	fd = open(XSD_PORT_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		xsd_log("cannot open %s: %s (is xenfs mounted on /proc/xen?)",
			XSD_PORT_PATH, strerror(errno));
		return -errno;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		xsd_log("cannot read %s", XSD_PORT_PATH);
		return -EIO;
	}
	buf[n] = '\0';
	port = atoi(buf);

	fd = open(XSD_KVA_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		xsd_log("cannot open %s: %s", XSD_KVA_PATH, strerror(errno));
		return -errno;
	}
	page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (page == MAP_FAILED) {
		xsd_log("cannot map %s: %s", XSD_KVA_PATH, strerror(errno));
		return -errno;
	}
	/* Linux allocated a loopback port for itself: bind its other end. */
	n = evtchn_bind_interdomain(io->evtchn_fd, 0, port);
	if (n < 0) {
		xsd_log("cannot bind dom0's store port %d: %s", port,
			strerror(-n));
		munmap(page, PAGE_SIZE);
		return n;
	}
	c = io_ring_new(d, 0, true, page, n, false);
	if (!c)
		return -ENOMEM;
	/* Wakes xenbus_probe in dom0's kernel; then serve what is queued. */
	evtchn_notify(io->evtchn_fd, n);
	io_ring_service(d, c);
	return 0;
}

static int io_introduce(struct xsd *d, uint32_t domid, uint64_t mfn,
			uint32_t port)
{
	struct io *io = io_of(d);
	struct conn *c;
	void *page;
	int local;

	if (io->privcmd_fd < 0) {
		io->privcmd_fd = privcmd_open();
		if (io->privcmd_fd < 0) {
			xsd_log("cannot open privcmd: %s", strerror(errno));
			return -errno;
		}
	}
	page = foreign_map_page(io->privcmd_fd, domid, mfn);
	if (!page) {
		int err = errno;

		xsd_log("domain %u: cannot map store page %llu: %s", domid,
			(unsigned long long)mfn, strerror(err));
		return -err;
	}
	local = evtchn_bind_interdomain(io->evtchn_fd, domid, port);
	if (local < 0) {
		xsd_log("domain %u: cannot bind port %u: %s", domid, port,
			strerror(-local));
		foreign_unmap_page(page);
		return local;
	}
	c = io_ring_new(d, domid, false, page, local, true);
	if (!c) {
		evtchn_unbind(io->evtchn_fd, local);
		foreign_unmap_page(page);
		return -ENOMEM;
	}
	xsd_log("domain %u introduced (mfn %llu, port %u -> %d)", domid,
		(unsigned long long)mfn, port, local);
	/* The domain may have queued requests before we mapped it. */
	io_ring_service(d, c);
	evtchn_notify(io->evtchn_fd, local);
	return 0;
}

static void ring_free(struct xsd *d, struct conn *c)
{
	struct ring_io *r = c->io;

	evtchn_unbind(io_of(d)->evtchn_fd, r->port);
	if (r->foreign)
		foreign_unmap_page(r->intf);
	else
		munmap(r->intf, PAGE_SIZE);
	free(r);
	conn_free(d, c);
	conns_freed++;
}

static void io_release(struct xsd *d, struct conn *c)
{
	xsd_log("domain %u released", c->domid);
	ring_free(d, c);
}

const struct domain_ops io_domain_ops = {
	.introduce = io_introduce,
	.release = io_release,
};

/* ---- domain death ------------------------------------------------------- */

/*
 * The hypervisor's view of domain @domid: 1 and *info if it exists, 0 if
 * it is gone, -errno if the question could not be asked. WARD_CTL_list
 * reports domains from ctl.domid upward, so one entry answers it.
 */
static int dominfo_get(struct io *io, uint32_t domid,
		       struct ward_dominfo *info)
{
	struct ward_ctl ctl;
	int rc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.cmd = WARD_CTL_list;
	ctl.domid = domid;
	ctl.u.list.buf = (uintptr_t)info;
	ctl.u.list.max = 1;
	rc = ward_ctl(io->privcmd_fd, &ctl);
	if (rc)
		return rc;
	return ctl.u.list.nr == 1 && info->domid == domid;
}

/*
 * VIRQ_DOM_EXC fired: some domain changed state. Ask about every
 * introduced domain; fire @releaseDomain once per state change, release
 * dying and vanished ones (unmapping their page lets the hypervisor free
 * them).
 */
static void check_domains(struct xsd *d)
{
	struct io *io = io_of(d);
	struct conn *c, *next;
	bool fire = false;

	if (io->privcmd_fd < 0)
		io->privcmd_fd = privcmd_open();
	if (io->privcmd_fd < 0)
		return;
	for (c = d->conns; c; c = next) {
		struct ward_dominfo info;
		struct ring_io *r;
		int rc;

		next = c->next;
		if (c->kind != CONN_RING || c->privileged)
			continue;
		r = c->io;
		rc = dominfo_get(io, c->domid, &info);
		if (rc < 0) {
			xsd_log("WARD_CTL_list failed: %s", strerror(-rc));
			return;
		}
		if (!rc || (info.flags & WARD_DOMINF_dying)) {
			xsd_log("domain %u is gone", c->domid);
			ring_free(d, c);
			fire = true;
		} else if ((info.flags & WARD_DOMINF_shutdown) &&
			   !r->shutdown_seen) {
			r->shutdown_seen = true;
			fire = true;
		}
	}
	if (fire)
		xsd_domain_gone(d);
}

/* ---- sockets ------------------------------------------------------------ */

static int mkdir_p(const char *dir)
{
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

/*
 * Debian's tools look in /var/run/xenstored/socket. Make that name reach
 * our socket unless /var/run already is /run.
 */
static void var_run_alias(void)
{
	struct stat st;

	if (lstat("/var/run", &st) < 0) {
		mkdir_p("/var");
		if (symlink("/run", "/var/run") < 0)
			xsd_log("warning: cannot link /var/run: %s",
				strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode))
		return;
	if (lstat("/var/run/xenstored", &st) == 0)
		return;
	if (symlink(XSD_SOCKET_DIR, "/var/run/xenstored") < 0)
		xsd_log("warning: cannot link /var/run/xenstored: %s",
			strerror(errno));
}

int io_listen(struct xsd *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct io *io = io_of(d);
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (strcmp(path, XSD_SOCKET_PATH) == 0) {
		mkdir_p("/run");
		mkdir_p(XSD_SOCKET_DIR);
		var_run_alias();
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		int err = errno;

		xsd_log("cannot listen on %s: %s", path, strerror(err));
		close(fd);
		return -err;
	}
	io->listen_fd = fd;
	io->socket_path = path;
	return 0;
}

static void sock_accept(struct xsd *d)
{
	int fd = accept4(io_of(d)->listen_fd, NULL, NULL,
			 SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct sock_io *s;
	struct conn *c;

	if (fd < 0)
		return;
	s = calloc(1, sizeof(*s));
	/* Only root can open the 0600 socket: its clients are dom0's tools. */
	c = s ? conn_new(d, CONN_SOCKET, 0, true) : NULL;
	if (!c) {
		free(s);
		close(fd);
		return;
	}
	s->fd = fd;
	c->io = s;
}

static void sock_free(struct xsd *d, struct conn *c)
{
	struct sock_io *s = c->io;

	close(s->fd);
	free(s);
	conn_free(d, c);
	conns_freed++;
}

static void sock_read(struct xsd *d, struct conn *c)
{
	struct sock_io *s = c->io;
	char buf[4096];
	ssize_t n = read(s->fd, buf, sizeof(buf));
	size_t off = 0;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->broken = true;
		return;
	}
	while (off < (size_t)n && !c->broken) {
		size_t used;
		enum wire_status st = wire_feed(&s->in, buf + off, n - off,
						&used);

		off += used;
		if (st == WIRE_BAD) {
			c->broken = true;
		} else if (st == WIRE_MSG) {
			xsd_handle(d, c, &s->in.hdr, s->in.body);
			wire_in_reset(&s->in);
		}
	}
}

static void sock_write(struct conn *c)
{
	struct sock_io *s = c->io;
	const void *p;
	size_t len;

	s->want_write = false;
	while ((p = wire_out_peek(c, &len))) {
		ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			s->want_write = true;
			return;
		}
		if (n <= 0) {
			c->broken = true;
			return;
		}
		wire_out_consume(c, n);
	}
}

/* ---- the loop's helpers ------------------------------------------------- */

int io_init(struct xsd *d, struct io *io, bool no_xen)
{
	int port;

	memset(io, 0, sizeof(*io));
	io->privcmd_fd = -1;
	io->listen_fd = -1;
	io->virq_port = -1;
	io->evtchn_fd = -1;
	d->io = io;
	if (no_xen)
		return 0;
	io->evtchn_fd = evtchn_open();
	if (io->evtchn_fd < 0) {
		xsd_log("cannot open /dev/xen/evtchn: %s", strerror(errno));
		return -errno;
	}
	port = evtchn_bind_virq(io->evtchn_fd, VIRQ_DOM_EXC);
	if (port < 0)
		xsd_log("warning: cannot bind VIRQ_DOM_EXC: %s (dead domains "
			"will not be noticed)", strerror(-port));
	else
		io->virq_port = port;
	return 0;
}

int io_pollfds(struct xsd *d, struct pollfd *pfd, int max)
{
	struct io *io = io_of(d);
	struct conn *c;
	int n = 0;

	if (io->evtchn_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = io->evtchn_fd,
					    .events = POLLIN };
	if (io->listen_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = io->listen_fd,
					    .events = POLLIN };
	for (c = d->conns; c && n < max; c = c->next) {
		struct sock_io *s = c->io;

		if (c->kind != CONN_SOCKET)
			continue;
		pfd[n++] = (struct pollfd){
			.fd = s->fd,
			.events = POLLIN | (s->want_write ? POLLOUT : 0),
		};
	}
	return n;
}

static struct conn *conn_by_port(struct xsd *d, uint32_t port)
{
	struct conn *c;

	for (c = d->conns; c; c = c->next)
		if (c->kind == CONN_RING && ((struct ring_io *)c->io)->port ==
		    port)
			return c;
	return NULL;
}

static struct conn *conn_by_fd(struct xsd *d, int fd)
{
	struct conn *c;

	for (c = d->conns; c; c = c->next)
		if (c->kind == CONN_SOCKET && ((struct sock_io *)c->io)->fd ==
		    fd)
			return c;
	return NULL;
}

static void evtchn_event(struct xsd *d)
{
	struct io *io = io_of(d);
	int port = evtchn_wait(io->evtchn_fd);
	struct conn *c;

	if (port < 0)
		return;
	/* Re-enable first: a notification after this is not lost. */
	evtchn_unmask(io->evtchn_fd, port);
	if (port == io->virq_port) {
		check_domains(d);
		return;
	}
	c = conn_by_port(d, port);
	if (c)
		io_ring_service(d, c);
}

void io_handle(struct xsd *d, struct pollfd *pfd, int n)
{
	struct io *io = io_of(d);
	int i;

	for (i = 0; i < n; i++) {
		struct conn *c;

		if (!pfd[i].revents)
			continue;
		if (io->evtchn_fd >= 0 && pfd[i].fd == io->evtchn_fd) {
			evtchn_event(d);
		} else if (pfd[i].fd == io->listen_fd) {
			sock_accept(d);
		} else if ((c = conn_by_fd(d, pfd[i].fd))) {
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				sock_read(d, c);
			if (!c->broken && (pfd[i].revents & POLLOUT))
				sock_write(c);
		}
	}
}

bool io_flush(struct xsd *d)
{
	struct conn *c, *next;
	unsigned long seen;
	bool more = false;

restart:
	seen = conns_freed;
	for (c = d->conns; c; c = next) {
		next = c->next;
		if (c->kind == CONN_RING) {
			if (!c->broken && io_ring_service(d, c))
				more = true;
		} else if (c->kind == CONN_SOCKET) {
			if (!c->broken)
				sock_write(c);
			if (c->broken)
				sock_free(d, c);
		}
		if (conns_freed != seen)
			goto restart;
	}
	return more;
}

void io_shutdown(struct xsd *d)
{
	struct io *io = io_of(d);

	while (d->conns) {
		struct conn *c = d->conns;

		if (c->kind == CONN_SOCKET)
			sock_free(d, c);
		else if (c->kind == CONN_RING)
			ring_free(d, c);
		else
			conn_free(d, c);
	}
	if (io->listen_fd >= 0) {
		close(io->listen_fd);
		unlink(io->socket_path);
	}
	if (io->privcmd_fd >= 0)
		close(io->privcmd_fd);
	if (io->evtchn_fd >= 0)
		close(io->evtchn_fd);
}
