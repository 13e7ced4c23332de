/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The I/O half of connections: shared rings (dom0's own, one per
 * introduced domU), the Unix socket for dom0 tools, the event channel
 * device and domain-death detection. main.c runs the poll loop on top.
 */
#pragma once

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "xsd.h"

#define XSD_SOCKET_DIR		"/run/xenstored"
#define XSD_SOCKET_PATH		XSD_SOCKET_DIR "/socket"
#define XSD_KVA_PATH		"/proc/xen/xsd_kva"
#define XSD_PORT_PATH		"/proc/xen/xsd_port"

/* Owned by main.c, one per daemon; reached as xsd->io. */
struct io {
	int evtchn_fd;
	int privcmd_fd;			/* -1 until the first introduce */
	int listen_fd;
	int virq_port;			/* VIRQ_DOM_EXC, or -1 */
	const char *socket_path;
};

extern const struct domain_ops io_domain_ops;

/*
 * Open /dev/xen/evtchn, bind VIRQ_DOM_EXC. 0 or -errno (logged). With
 * @no_xen, neither: only the socket will be served (host tests).
 */
int io_init(struct xsd *d, struct io *io, bool no_xen);
/* Serve dom0's kernel over /proc/xen/xsd_kva. 0 or -errno (logged). */
int io_dom0_ring(struct xsd *d);
/* Listen on @path (and make /var/run/xenstored reach it). 0 or -errno. */
int io_listen(struct xsd *d, const char *path);

/*
 * A ring connection on @page (a struct xenstore_domain_interface) whose
 * local event channel port is @port; @foreign: unmap with privcmd.
 */
struct conn *io_ring_new(struct xsd *d, uint32_t domid, bool privileged,
			 void *page, uint32_t port, bool foreign);
/* Serve one ring (see io_flush()); true if work was left for later. */
bool io_ring_service(struct xsd *d, struct conn *c);

/* Fill @pfd (room for @max) for poll(); returns the count. */
int io_pollfds(struct xsd *d, struct pollfd *pfd, int max);
/* Act on poll()'s results in @pfd[0..n). */
void io_handle(struct xsd *d, struct pollfd *pfd, int n);
/*
 * Serve rings and push queued output of every connection as far as it
 * goes. True if a ring still has requests (budget used up): poll without
 * blocking then.
 */
bool io_flush(struct xsd *d);
/* Close everything (socket file removed). */
void io_shutdown(struct xsd *d);

/* Log through main.c: stderr, with a "xenstored: " prefix. */
void xsd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
