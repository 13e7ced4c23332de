// SPDX-License-Identifier: GPL-2.0-only
/*
 * Optimistic transactions: private copy, dependency notes, replay. Copies
 * are cheap at xenstore sizes (hundreds to a few thousand small nodes),
 * and quota.transactions bounds how many one domU can hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "transaction.h"

/* store->note hook of a transaction's copy: keep the first sighting. */
static void tx_note(void *arg, const char *path, size_t len,
		    const struct node *n)
{
	struct transaction *t = arg;
	struct tx_access *a;

	for (a = t->accesses; a; a = a->next)
		if (strlen(a->path) == len && !memcmp(a->path, path, len))
			return;
	a = malloc(sizeof(*a) + len + 1);
	if (!a) {
		t->oom = true;
		return;
	}
	memcpy(a->path, path, len);
	a->path[len] = '\0';
	a->existed = n != NULL;
	a->gen = n ? n->gen : 0;
	a->next = t->accesses;
	t->accesses = a;
}

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
	t->snap.note = tx_note;
	t->snap.note_arg = t;
	/* Ids are per connection; skip 0 (no transaction) and ids in use. */
	do {
		t->id = ++c->next_tx_id;
	} while (t->id == 0 || tx_find(c, t->id));
	t->ops_tail = &t->ops;
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

void tx_record(struct transaction *t, const char *path, enum watch_kind kind)
{
	size_t len = strlen(path) + 1;
	struct tx_event *e = malloc(sizeof(*e) + len);

	if (!e) {
		t->oom = true;
		return;
	}
	e->next = NULL;
	e->kind = kind;
	memcpy(e->path, path, len);
	*t->events_tail = e;
	t->events_tail = &e->next;
}

void tx_record_op(struct transaction *t, enum tx_op_kind kind,
		  const char *path, const void *data, uint32_t len)
{
	size_t bytes = kind == TX_SET_PERMS ? len * sizeof(struct xs_perm) : len;
	struct tx_op *op = calloc(1, sizeof(*op));

	if (!op || !(op->path = strdup(path)) ||
	    (bytes && !(op->data = malloc(bytes)))) {
		if (op)
			free(op->path);
		free(op);
		t->oom = true;
		return;
	}
	op->kind = kind;
	op->len = len;
	if (bytes)
		memcpy(op->data, data, bytes);
	*t->ops_tail = op;
	t->ops_tail = &op->next;
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
	struct tx_access *a, *an;
	struct tx_op *op, *on;

	for (a = t->accesses; a; a = an) {
		an = a->next;
		free(a);
	}
	for (op = t->ops; op; op = on) {
		on = op->next;
		free(op->path);
		free(op->data);
		free(op);
	}
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

/* Did any node @t depended on change in the live store since it began? */
static bool tx_conflicts(struct xsd *d, struct transaction *t)
{
	struct tx_access *a;

	for (a = t->accesses; a; a = a->next) {
		struct node *n = store_lookup(&d->store, a->path);

		if ((n != NULL) != a->existed || (n && n->gen != a->gen))
			return true;
	}
	return false;
}

/*
 * Replay @t's changes on a copy of the live store and swap it in, so that
 * a failure half-way leaves the store untouched. The conflict check rules
 * out every failure but one: the node quota, checked again here because
 * several transactions of one domain could each stay under it alone.
 */
static int tx_apply(struct xsd *d, struct conn *c, struct transaction *t)
{
	struct caller who = { c->domid, c->privileged };
	struct store next;
	struct tx_op *op;
	bool done;
	int rc;

	if (!t->ops)
		return 0;
	rc = store_clone(&next, &d->store);
	if (rc)
		return rc;
	for (op = t->ops; op && !rc; op = op->next) {
		switch (op->kind) {
		case TX_WRITE:
			rc = store_write(&next, &who, op->path, op->data,
					 op->len);
			break;
		case TX_MKDIR:
			rc = store_mkdir(&next, &who, op->path, &done);
			break;
		case TX_RM:
			rc = store_rm(&next, &who, op->path, &done);
			break;
		case TX_SET_PERMS:
			rc = store_set_perms(&next, &who, op->path, op->data,
					     op->len);
			break;
		}
	}
	if (rc) {
		store_destroy(&next);
		return rc;
	}
	store_destroy(&d->store);
	d->store = next;
	return 0;
}

int tx_end(struct xsd *d, struct conn *c, struct transaction *t, bool commit,
	   struct tx_event **events)
{
	int rc = 0;

	tx_unlink(c, t);
	if (commit) {
		if (t->oom || tx_conflicts(d, t))
			rc = -EAGAIN;
		else
			rc = tx_apply(d, c, t);
	}
	if (commit && !rc) {
		*events = t->events;
		t->events = NULL;
	}
	tx_free(t);
	return rc;
}

void tx_abort_all(struct conn *c)
{
	while (c->txs) {
		struct transaction *t = c->txs;

		tx_unlink(c, t);
		tx_free(t);
	}
}
