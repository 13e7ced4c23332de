// SPDX-License-Identifier: GPL-2.0-only
/*
 * Watch registration and event delivery. Events go on the watcher's
 * output queue; a connection that lets more than quota.out_bytes pile up
 * (a domU that never reads its ring) loses events rather than dom0 memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watch.h"
#include "wire.h"

int watch_add(struct xsd *d, struct conn *c, const char *path,
	      const char *token, bool relative)
{
	struct watch *w, **tail;

	for (tail = &c->watches; *tail; tail = &(*tail)->next) {
		w = *tail;
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
			return -EEXIST;
	}
	if (!c->privileged && c->nr_watches >= d->quota.watches)
		return -ENOSPC;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return -ENOMEM;
	}
	w->relative = relative;
	*tail = w;
	c->nr_watches++;
	return 0;
}

static void watch_free(struct watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int watch_del(struct conn *c, const char *path, const char *token)
{
	struct watch **pp, *w;

	for (pp = &c->watches; (w = *pp); pp = &w->next) {
		if (strcmp(w->path, path) == 0 &&
		    strcmp(w->token, token) == 0) {
			*pp = w->next;
			watch_free(w);
			c->nr_watches--;
			return 0;
		}
	}
	return -ENOENT;
}

void watch_del_all(struct conn *c)
{
	struct watch *w, *next;

	for (w = c->watches; w; w = next) {
		next = w->next;
		watch_free(w);
	}
	c->watches = NULL;
	c->nr_watches = 0;
}

/* Is @a equal to @b or an ancestor of it ("/a" of "/a/b", "/" of all)? */
static bool is_prefix(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (strcmp(a, "/") == 0)
		return b[0] == '/';
	return strncmp(a, b, la) == 0 && (b[la] == '\0' || b[la] == '/');
}

static void send_event(struct xsd *d, struct conn *c, struct watch *w,
		       const char *epath)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	char home[32];
	size_t hl, pl, tl;

	if (w->relative) {
		domain_path(c->domid, home, sizeof(home));
		hl = strlen(home);
		if (strncmp(epath, home, hl) == 0 && epath[hl] == '/')
			epath += hl + 1;
	}
	pl = strlen(epath) + 1;
	tl = strlen(w->token) + 1;
	if (pl + tl > sizeof(buf) || c->out_bytes > d->quota.out_bytes ||
	    c->broken) {
		c->events_dropped++;
		return;
	}
	memcpy(buf, epath, pl);
	memcpy(buf + pl, w->token, tl);
	if (wire_queue(c, XS_WATCH_EVENT, 0, 0, buf, pl + tl)) {
		c->events_dropped++;
	} else if (d->trace) {
		struct xsd_sockmsg hdr = {
			.type = XS_WATCH_EVENT, .len = pl + tl,
		};

		d->trace(d, c, "EV", &hdr, buf);
	}
}

void watch_fire_initial(struct xsd *d, struct conn *c, struct watch *w)
{
	send_event(d, c, w, w->path);
}

/*
 * Unprivileged watchers only hear about nodes they may read; a removed
 * node cannot be checked any more, so that event goes out (Xen is no
 * stricter, and spurious events are legal).
 */
static bool may_see(struct xsd *d, struct conn *c, const char *epath)
{
	struct caller who = { c->domid, c->privileged };
	struct node *n;

	if (c->privileged)
		return true;
	if (epath[0] == '@')
		return false;
	n = store_lookup(&d->store, epath);
	return !n || (node_access(n, &who) & XS_PERM_READ);
}

void watch_fire(struct xsd *d, const char *path, enum watch_kind kind)
{
	struct conn *c;
	struct watch *w;

	for (c = d->conns; c; c = c->next) {
		for (w = c->watches; w; w = w->next) {
			const char *epath;

			if (is_prefix(w->path, path))
				epath = path;
			else if (kind == WATCH_RM && is_prefix(path, w->path))
				epath = w->path;
			else
				continue;
			if (may_see(d, c, epath))
				send_event(d, c, w, epath);
		}
	}
}
