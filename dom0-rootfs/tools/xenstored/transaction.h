/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transactions (design notes §3.4), optimistic: a transaction works on a
 * private copy of the whole store taken at start. Commit succeeds only if
 * the store did not change at all meanwhile (its generation is the same);
 * then the copy becomes the store and the watch events the transaction
 * produced are fired. Otherwise -EAGAIN and the client redoes it.
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

struct transaction {
	struct transaction *next;
	uint32_t id;			/* never 0 */
	uint64_t start_gen;
	struct store snap;
	struct tx_event *events, **events_tail;
};

/* New transaction on @c: its id in *id. -ENOSPC (quota) or -ENOMEM. */
int tx_start(struct xsd *d, struct conn *c, uint32_t *id);
struct transaction *tx_find(struct conn *c, uint32_t id);
/* Remember an event to fire at commit. -ENOMEM. */
int tx_record(struct transaction *t, const char *path, enum watch_kind kind);
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
