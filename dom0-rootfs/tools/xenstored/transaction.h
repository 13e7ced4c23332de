/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transactions (design notes §3.4), optimistic. A transaction works on a
 * private copy of the store taken at start, and notes every node its
 * operations depend on (existence and generation, as at start). Commit
 * succeeds only if none of those nodes changed meanwhile; then its
 * changes are replayed on the live store and its watch events fire.
 * Otherwise -EAGAIN and the client redoes it. So unrelated activity (a
 * domU writing its own nodes) cannot starve dom0's transactions.
 */
#pragma once

#include <stdint.h>

#include "store.h"
#include "watch.h"
#include "xsd.h"

struct tx_event {
	struct tx_event *next;
	enum watch_kind kind;
	char path[];
};

/* A node the transaction depended on, as it was when first touched. */
struct tx_access {
	struct tx_access *next;
	bool existed;
	uint64_t gen;
	char path[];
};

/* A change to replay at commit. */
enum tx_op_kind { TX_WRITE, TX_MKDIR, TX_RM, TX_SET_PERMS };

struct tx_op {
	struct tx_op *next;
	enum tx_op_kind kind;
	char *path;
	void *data;			/* value bytes, or struct xs_perm[] */
	uint32_t len;			/* bytes, or number of perms */
};

struct transaction {
	struct transaction *next;
	uint32_t id;			/* never 0 */
	struct store snap;
	struct tx_access *accesses;
	struct tx_op *ops, **ops_tail;
	struct tx_event *events, **events_tail;
	bool oom;			/* a record was lost: commit fails */
};

/* New transaction on @c: its id in *id. -ENOSPC (quota) or -ENOMEM. */
int tx_start(struct xsd *d, struct conn *c, uint32_t *id);
struct transaction *tx_find(struct conn *c, uint32_t id);
/* Remember an event to fire at commit. */
void tx_record(struct transaction *t, const char *path, enum watch_kind kind);
/* Remember a change made to t->snap, to replay at commit. */
void tx_record_op(struct transaction *t, enum tx_op_kind kind,
		  const char *path, const void *data, uint32_t len);
/*
 * Commit (@commit true) or abort @t, and free it. 0 or -EAGAIN. After a
 * successful commit *events holds the watch events to fire with
 * tx_fire_events() once the reply is queued.
 */
int tx_end(struct xsd *d, struct conn *c, struct transaction *t, bool commit,
	   struct tx_event **events);
/* Fire and free a list from tx_end(). */
void tx_fire_events(struct xsd *d, struct tx_event *events);
void tx_abort_all(struct conn *c);
