/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's state and the pure half of a connection: identity, watches,
 * transactions and the queue of messages waiting to go out. How bytes move
 * (shared ring or socket) is conn.c's business; request.c turns one
 * complete request into replies and watch events on these queues, so the
 * whole protocol runs on the host in unit tests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store.h"

/* Per-domain limits, so that a domU cannot exhaust dom0 (design §3.9). */
struct quota {
	unsigned int nodes;		/* nodes a domU may own */
	unsigned int watches;		/* watches per connection */
	unsigned int transactions;	/* open transactions per connection */
	size_t out_bytes;		/* queued output before events drop */
};

#define QUOTA_DEFAULT_NODES		1000
#define QUOTA_DEFAULT_WATCHES		128
#define QUOTA_DEFAULT_TRANSACTIONS	10
#define QUOTA_DEFAULT_OUT_BYTES		(256 * 1024)

struct outmsg {
	struct outmsg *next;
	size_t len;			/* header + payload */
	size_t sent;			/* bytes already handed to the I/O */
	unsigned char data[];		/* struct xsd_sockmsg then payload */
};

struct watch;
struct transaction;
struct xsd;

/* Connection kinds; only the I/O layer looks inside conn->io. */
enum conn_kind {
	CONN_SOCKET,
	CONN_RING,			/* dom0's own ring or an introduced domU */
	CONN_TEST,			/* unit tests */
};

struct conn {
	struct conn *next;		/* in xsd->conns */
	enum conn_kind kind;
	uint32_t domid;
	bool privileged;
	/* Set when the peer broke the protocol: the I/O layer drops it. */
	bool broken;

	struct watch *watches;
	unsigned int nr_watches;
	struct transaction *txs;
	unsigned int nr_txs;
	uint32_t next_tx_id;

	struct outmsg *out_head, **out_tail;
	size_t out_bytes;
	unsigned long events_dropped;

	void *io;			/* owned by conn.c */
};

/*
 * Domain management is I/O (map the page, bind the port): request.c calls
 * these hooks, conn.c (or a test) implements them.
 */
struct domain_ops {
	/* Create the ring connection of @domid. 0 or -errno. */
	int (*introduce)(struct xsd *d, uint32_t domid, uint64_t mfn,
			 uint32_t port);
	/* Tear it down (conn_free() included). */
	void (*release)(struct xsd *d, struct conn *c);
};

struct xsd {
	struct store store;
	struct conn *conns;
	struct quota quota;
	const struct domain_ops *dom;
	void *io;			/* owned by conn.c/main.c */
	/* Trace every request and reply here when non-NULL. */
	void (*trace)(struct xsd *d, struct conn *c, const char *dir,
		      const struct xsd_sockmsg *hdr, const void *body);
};

/* request.c */
int xsd_init(struct xsd *d, const struct domain_ops *dom);
void xsd_destroy(struct xsd *d);
struct conn *conn_new(struct xsd *d, enum conn_kind kind, uint32_t domid,
		      bool privileged);
/* Drop watches, transactions, queued output; unlink and free. */
void conn_free(struct xsd *d, struct conn *c);
/* The ring connection of domain @domid, or NULL. */
struct conn *xsd_find_domain(struct xsd *d, uint32_t domid);
/* Handle one complete request whose payload is body[0..hdr->len). */
void xsd_handle(struct xsd *d, struct conn *c, const struct xsd_sockmsg *hdr,
		const char *body);
/* Fire @releaseDomain (the domain died, is dying or was released). */
void xsd_domain_gone(struct xsd *d);
/* "/local/domain/<domid>" into buf. */
void domain_path(uint32_t domid, char *buf, size_t size);
