// SPDX-License-Identifier: GPL-2.0-only
/*
 * Snapshot transactions. Whole-store copies are cheap at xenstore sizes
 * (hundreds to a few thousand small nodes), and quota.transactions bounds
 * how many copies one domU can hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "transaction.h"

int tx_start(struct xsd *d, struct conn *c, uint32_t *id)
{
	struct transaction *t;
	int rc;

	if (!c->privileged && c->nr_txs >= d->quota.transactions)
		return -ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	rc = store_clone(&t->snap, &d->store);
	if (rc) {
		free(t);
		return rc;
	}
	/* Ids are per connection; skip 0 (no transaction) and ids in use. */
	do {
		t->id = ++c->next_tx_id;
	} while (t->id == 0 || tx_find(c, t->id));
	t->start_gen = d->store.gen;
	t->events_tail = &t->events;
	t->next = c->txs;
	c->txs = t;
	c->nr_txs++;
	*id = t->id;
	return 0;
}

struct transaction *tx_find(struct conn *c, uint32_t id)
{
	struct transaction *t;

	for (t = c->txs; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

int tx_record(struct transaction *t, const char *path, enum watch_kind kind)
{
	size_t len = strlen(path) + 1;
	struct tx_event *e = malloc(sizeof(*e) + len);

	if (!e)
		return -ENOMEM;
	e->next = NULL;
	e->kind = kind;
	memcpy(e->path, path, len);
	*t->events_tail = e;
	t->events_tail = &e->next;
	return 0;
}

static void events_free(struct tx_event *e)
{
	struct tx_event *next;

	for (; e; e = next) {
		next = e->next;
		free(e);
	}
}

void tx_fire_events(struct xsd *d, struct tx_event *events)
{
	struct tx_event *e;

	for (e = events; e; e = e->next)
		watch_fire(d, e->path, e->kind);
	events_free(events);
}

static void tx_free(struct transaction *t)
{
	events_free(t->events);
	store_destroy(&t->snap);
	free(t);
}

static void tx_unlink(struct conn *c, struct transaction *t)
{
	struct transaction **pp;

	for (pp = &c->txs; *pp != t; pp = &(*pp)->next)
		;
	*pp = t->next;
	c->nr_txs--;
}

int tx_end(struct xsd *d, struct conn *c, struct transaction *t, bool commit,
	   struct tx_event **events)
{
	bool changed;
	int rc = 0;

	tx_unlink(c, t);
	if (commit && d->store.gen != t->start_gen)
		rc = -EAGAIN;
	if (!commit || rc) {
		tx_free(t);
		return rc;
	}

	changed = t->snap.gen != t->start_gen;
	if (changed) {
		struct store old = d->store;

		d->store = t->snap;
		d->store.quota_nodes = old.quota_nodes;
		/* Every open transaction of anyone now conflicts. */
		d->store.gen = old.gen + 1;
		t->snap = old;	/* freed below */
	}
	*events = t->events;
	t->events = NULL;
	tx_free(t);
	return 0;
}

void tx_abort_all(struct conn *c)
{
	while (c->txs) {
		struct transaction *t = c->txs;

		tx_unlink(c, t);
		tx_free(t);
	}
}
