// SPDX-License-Identifier: GPL-2.0-only
/*
 * One request in, replies and watch events out: the xenstore protocol
 * without any I/O. Each handler decodes its arguments (and refuses bad
 * ones) before it changes anything, then replies exactly once.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>

#include "transaction.h"
#include "watch.h"
#include "wire.h"
#include "xsd.h"

/* The most strings any request carries (SET_PERMS: path + perms). */
#define MAX_ARGS	(1 + XS_PERMS_MAX)

/* Everything a handler needs about the request it serves. */
struct req {
	struct xsd *d;
	struct conn *c;
	const struct xsd_sockmsg *hdr;
	const char *body;
	struct caller who;
	struct transaction *t;		/* NULL outside a transaction */
	struct store *s;		/* the transaction's copy or the store */
};

void domain_path(uint32_t domid, char *buf, size_t size)
{
	snprintf(buf, size, "/local/domain/%" PRIu32, domid);
}

/*
 * Canonical absolute form of @arg into @out (XENSTORE_ABS_PATH_MAX + 1
 * bytes): relative paths are relative to the connection's home. @special
 * allows "@name" watch paths.
 */
static int resolve(struct req *r, const char *arg, char *out, bool special)
{
	size_t len = strnlen(arg, XENSTORE_ABS_PATH_MAX + 1);
	int n;

	if (special && arg[0] == '@') {
		if (len > XENSTORE_REL_PATH_MAX || len < 2)
			return -EINVAL;
		memcpy(out, arg, len + 1);
		/* Same characters as paths; '/' included, it is harmless. */
		out[0] = '/';
		n = path_check(out);
		out[0] = '@';
		return n;
	}
	if (arg[0] == '/') {
		if (len > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
		memcpy(out, arg, len + 1);
	} else {
		if (len > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		n = snprintf(out, XENSTORE_ABS_PATH_MAX + 1,
			     "/local/domain/%" PRIu32 "/%s", r->c->domid, arg);
		if (n < 0 || n > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
	}
	return path_check(out);
}

/* Exactly @n strings, the first a path to resolve into @path. */
static int args_path(struct req *r, const char **argv, unsigned int n,
		     char *path)
{
	int got = wire_split(r->body, r->hdr->len, argv, MAX_ARGS);

	if (got != (int)n)
		return -EINVAL;
	return resolve(r, argv[0], path, false);
}

static int parse_domid(const char *s, uint32_t *domid)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	*domid = v;
	return 0;
}

/* Called after the reply is queued, so a client sees it before events. */
static void changed(struct req *r, const char *path, enum watch_kind kind)
{
	if (r->t)
		tx_record(r->t, path, kind);	/* replayed at commit */
	else
		watch_fire(r->d, path, kind);
}

static int reply_ok(struct req *r)
{
	return wire_reply_str(r->c, r->hdr, "OK");
}

static int do_read(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[MAX_ARGS], *val;
	uint32_t len;
	int rc = args_path(r, argv, 1, path);

	if (!rc)
		rc = store_read(r->s, &r->who, path, &val, &len);
	return rc ? rc : wire_reply(r->c, r->hdr, val, len);
}

static int do_directory(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1], buf[XENSTORE_PAYLOAD_MAX];
	const char *argv[MAX_ARGS];
	size_t len;
	int rc = args_path(r, argv, 1, path);

	if (!rc)
		rc = store_directory(r->s, &r->who, path, buf, sizeof(buf),
				     &len);
	return rc ? rc : wire_reply(r->c, r->hdr, buf, len);
}

static int do_get_perms(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1], buf[XENSTORE_PAYLOAD_MAX];
	const char *argv[MAX_ARGS];
	size_t len;
	int rc = args_path(r, argv, 1, path);

	if (!rc)
		rc = store_get_perms(r->s, &r->who, path, buf, sizeof(buf),
				     &len);
	return rc ? rc : wire_reply(r->c, r->hdr, buf, len);
}

/* "path\0value": the value is raw bytes up to the end, NUL optional. */
static int do_write(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *nul = memchr(r->body, '\0', r->hdr->len);
	size_t plen;
	int rc;

	if (!nul)
		return -EINVAL;
	plen = nul - r->body + 1;
	rc = resolve(r, r->body, path, false);
	if (!rc)
		rc = store_write(r->s, &r->who, path, r->body + plen,
				 r->hdr->len - plen);
	if (rc)
		return rc;
	if (r->t)
		tx_record_op(r->t, TX_WRITE, path, r->body + plen,
			     r->hdr->len - plen);
	rc = reply_ok(r);
	changed(r, path, WATCH_WRITE);
	return rc;
}

static int do_mkdir(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[MAX_ARGS];
	bool created;
	int rc = args_path(r, argv, 1, path);

	if (!rc)
		rc = store_mkdir(r->s, &r->who, path, &created);
	if (rc)
		return rc;
	if (r->t && created)
		tx_record_op(r->t, TX_MKDIR, path, NULL, 0);
	rc = reply_ok(r);
	if (created)
		changed(r, path, WATCH_WRITE);
	return rc;
}

static int do_rm(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[MAX_ARGS];
	bool removed;
	int rc = args_path(r, argv, 1, path);

	if (!rc)
		rc = store_rm(r->s, &r->who, path, &removed);
	if (rc)
		return rc;
	if (r->t && removed)
		tx_record_op(r->t, TX_RM, path, NULL, 0);
	rc = reply_ok(r);
	if (removed)
		changed(r, path, WATCH_RM);
	return rc;
}

static int do_set_perms(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[MAX_ARGS];
	struct xs_perm perms[XS_PERMS_MAX];
	int i, n = wire_split(r->body, r->hdr->len, argv, MAX_ARGS);
	int rc;

	if (n < 2)
		return -EINVAL;
	rc = resolve(r, argv[0], path, false);
	for (i = 1; !rc && i < n; i++)
		rc = perm_parse(argv[i], &perms[i - 1]);
	if (!rc)
		rc = store_set_perms(r->s, &r->who, path, perms, n - 1);
	if (rc)
		return rc;
	if (r->t)
		tx_record_op(r->t, TX_SET_PERMS, path, perms, n - 1);
	rc = reply_ok(r);
	changed(r, path, WATCH_WRITE);
	return rc;
}

static int do_watch(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[MAX_ARGS];
	struct watch *w;
	int rc;

	if (wire_split(r->body, r->hdr->len, argv, MAX_ARGS) != 2)
		return -EINVAL;
	rc = resolve(r, argv[0], path, true);
	if (!rc)
		rc = watch_add(r->d, r->c, path, argv[1],
			       argv[0][0] != '/' && argv[0][0] != '@');
	if (rc)
		return rc;
	rc = reply_ok(r);
	/* Linux relies on this first event (design §3.3); newest is last. */
	for (w = r->c->watches; w->next; w = w->next)
		;
	watch_fire_initial(r->d, r->c, w);
	return rc;
}

static int do_unwatch(struct req *r)
{
	char path[XENSTORE_ABS_PATH_MAX + 1];
	const char *argv[MAX_ARGS];
	int rc;

	if (wire_split(r->body, r->hdr->len, argv, MAX_ARGS) != 2)
		return -EINVAL;
	rc = resolve(r, argv[0], path, true);
	if (!rc)
		rc = watch_del(r->c, path, argv[1]);
	return rc ? rc : reply_ok(r);
}

static int do_reset_watches(struct req *r)
{
	watch_del_all(r->c);
	return reply_ok(r);
}

static int do_transaction_start(struct req *r)
{
	char buf[16];
	uint32_t id;
	int rc;

	/* No nesting: Linux never asks, and Xen refuses it too. */
	if (r->hdr->tx_id)
		return -EBUSY;
	rc = tx_start(r->d, r->c, &id);
	if (rc)
		return rc;
	snprintf(buf, sizeof(buf), "%" PRIu32, id);
	return wire_reply_str(r->c, r->hdr, buf);
}

static int do_transaction_end(struct req *r)
{
	const char *argv[MAX_ARGS];
	struct tx_event *events = NULL;
	bool commit;
	int rc;

	if (wire_split(r->body, r->hdr->len, argv, MAX_ARGS) != 1)
		return -EINVAL;
	if (strcmp(argv[0], "T") == 0)
		commit = true;
	else if (strcmp(argv[0], "F") == 0)
		commit = false;
	else
		return -EINVAL;
	rc = tx_end(r->d, r->c, r->t, commit, &events);
	if (rc)
		return rc;
	rc = reply_ok(r);
	tx_fire_events(r->d, events);
	return rc;
}

static int do_introduce(struct req *r)
{
	const char *argv[MAX_ARGS];
	unsigned long long mfn;
	uint32_t domid, port;
	char *end;
	int rc;

	if (!r->c->privileged)
		return -EACCES;
	if (wire_split(r->body, r->hdr->len, argv, MAX_ARGS) != 3)
		return -EINVAL;
	if (parse_domid(argv[0], &domid) || domid == 0)
		return -EINVAL;
	errno = 0;
	mfn = strtoull(argv[1], &end, 10);
	if (argv[1][0] < '0' || argv[1][0] > '9' || *end || errno)
		return -EINVAL;
	errno = 0;
	port = strtoul(argv[2], &end, 10);
	if (argv[2][0] < '0' || argv[2][0] > '9' || *end || errno || !port)
		return -EINVAL;
	if (xsd_find_domain(r->d, domid))
		return -EEXIST;
	rc = r->d->dom->introduce(r->d, domid, mfn, port);
	if (rc)
		return rc;
	rc = reply_ok(r);
	watch_fire(r->d, WATCH_INTRODUCE, WATCH_WRITE);
	return rc;
}

static int do_release(struct req *r)
{
	const char *argv[MAX_ARGS];
	struct conn *dc;
	uint32_t domid;

	if (!r->c->privileged)
		return -EACCES;
	if (wire_split(r->body, r->hdr->len, argv, MAX_ARGS) != 1 ||
	    parse_domid(argv[0], &domid))
		return -EINVAL;
	dc = xsd_find_domain(r->d, domid);
	if (!dc || dc == r->c)
		return -ENOENT;
	r->d->dom->release(r->d, dc);
	reply_ok(r);
	xsd_domain_gone(r->d);
	return 0;
}

static int do_get_domain_path(struct req *r)
{
	const char *argv[MAX_ARGS];
	char buf[32];
	uint32_t domid;

	if (wire_split(r->body, r->hdr->len, argv, MAX_ARGS) != 1 ||
	    parse_domid(argv[0], &domid))
		return -EINVAL;
	domain_path(domid, buf, sizeof(buf));
	return wire_reply_str(r->c, r->hdr, buf);
}

static int do_is_domain_introduced(struct req *r)
{
	const char *argv[MAX_ARGS];
	uint32_t domid;
	bool yes;

	if (wire_split(r->body, r->hdr->len, argv, MAX_ARGS) != 1 ||
	    parse_domid(argv[0], &domid))
		return -EINVAL;
	yes = domid == 0 || xsd_find_domain(r->d, domid);
	return wire_reply_str(r->c, r->hdr, yes ? "T" : "F");
}

static int do_enosys(struct req *r)
{
	(void)r;
	return -ENOSYS;
}

/* Which requests need what; a missing entry is an invalid type. */
struct op {
	int (*fn)(struct req *r);
	bool uses_tx;			/* runs inside hdr->tx_id if non-zero */
};

static const struct op ops[XS_TYPE_COUNT] = {
	[XS_CONTROL]		= { do_enosys, false },
	[XS_DIRECTORY]		= { do_directory, true },
	[XS_READ]		= { do_read, true },
	[XS_GET_PERMS]		= { do_get_perms, true },
	[XS_WATCH]		= { do_watch, false },
	[XS_UNWATCH]		= { do_unwatch, false },
	[XS_TRANSACTION_START]	= { do_transaction_start, false },
	[XS_TRANSACTION_END]	= { do_transaction_end, true },
	[XS_INTRODUCE]		= { do_introduce, false },
	[XS_RELEASE]		= { do_release, false },
	[XS_GET_DOMAIN_PATH]	= { do_get_domain_path, false },
	[XS_WRITE]		= { do_write, true },
	[XS_MKDIR]		= { do_mkdir, true },
	[XS_RM]			= { do_rm, true },
	[XS_SET_PERMS]		= { do_set_perms, true },
	[XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, false },
	[XS_RESUME]		= { do_enosys, false },
	[XS_SET_TARGET]		= { do_enosys, false },
	[XS_RESET_WATCHES]	= { do_reset_watches, false },
	[XS_DIRECTORY_PART]	= { do_enosys, false },
};

void xsd_handle(struct xsd *d, struct conn *c, const struct xsd_sockmsg *hdr,
		const char *body)
{
	struct outmsg **tail = c->out_tail;
	struct req r = {
		.d = d, .c = c, .hdr = hdr, .body = body,
		.who = { c->domid, c->privileged },
		.s = &d->store,
	};
	const struct op *op = hdr->type < XS_TYPE_COUNT ? &ops[hdr->type] : NULL;
	int rc;

	if (d->trace)
		d->trace(d, c, "IN", hdr, body);
	if (!op || !op->fn) {
		rc = -EINVAL;
	} else if (op->uses_tx && hdr->tx_id) {
		r.t = tx_find(c, hdr->tx_id);
		rc = r.t ? 0 : -ENOENT;
		if (r.t)
			r.s = &r.t->snap;
	} else if (hdr->type == XS_TRANSACTION_END) {
		rc = -ENOENT;		/* ending "no transaction" */
	} else {
		rc = 0;
	}
	if (!rc)
		rc = op->fn(&r);
	if (rc)
		wire_reply_error(c, hdr, rc);
	if (d->trace && *tail) {
		struct outmsg *m = *tail;

		d->trace(d, c, "OUT", (const void *)m->data,
			 m->data + sizeof(struct xsd_sockmsg));
	}
}

void xsd_domain_gone(struct xsd *d)
{
	watch_fire(d, WATCH_RELEASE, WATCH_WRITE);
}

struct conn *conn_new(struct xsd *d, enum conn_kind kind, uint32_t domid,
		      bool privileged)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->kind = kind;
	c->domid = domid;
	c->privileged = privileged;
	c->out_tail = &c->out_head;
	c->next = d->conns;
	d->conns = c;
	return c;
}

void conn_free(struct xsd *d, struct conn *c)
{
	struct conn **pp;

	for (pp = &d->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	watch_del_all(c);
	tx_abort_all(c);
	wire_out_flush(c);
	free(c);
}

struct conn *xsd_find_domain(struct xsd *d, uint32_t domid)
{
	struct conn *c;

	for (c = d->conns; c; c = c->next)
		if (c->kind != CONN_SOCKET && !c->privileged &&
		    c->domid == domid)
			return c;
	return NULL;
}

int xsd_init(struct xsd *d, const struct domain_ops *dom)
{
	static const char *const initial[] = {
		"/local/domain/0", "/tool", "/vm",
	};
	struct caller root = { 0, true };
	bool created;
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	d->dom = dom;
	d->quota = (struct quota){
		.nodes = QUOTA_DEFAULT_NODES,
		.watches = QUOTA_DEFAULT_WATCHES,
		.transactions = QUOTA_DEFAULT_TRANSACTIONS,
		.out_bytes = QUOTA_DEFAULT_OUT_BYTES,
	};
	rc = store_init(&d->store);
	for (i = 0; !rc && i < sizeof(initial) / sizeof(initial[0]); i++)
		rc = store_mkdir(&d->store, &root, initial[i], &created);
	if (rc)
		store_destroy(&d->store);
	d->store.quota_nodes = d->quota.nodes;
	return rc;
}

void xsd_destroy(struct xsd *d)
{
	while (d->conns)
		conn_free(d, d->conns);
	store_destroy(&d->store);
}
