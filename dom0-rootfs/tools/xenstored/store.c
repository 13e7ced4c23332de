// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenstore tree and its permission rules (design notes §3.2, §3.5):
 * - checks are per node, ancestors are not consulted;
 * - the owner (perms[0].domid) has full access, others get their explicit
 *   entry if listed, else the default of entry 0;
 * - creating a node needs write access to the closest existing ancestor;
 *   new nodes inherit their parent's list, and an unprivileged creator
 *   becomes the owner.
 * Values are opaque byte strings of at most XENSTORE_PAYLOAD_MAX bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xs_wire.h>

#include "store.h"

static struct node *node_new(const char *name, size_t nlen)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, nlen);
	if (!n->name) {
		free(n);
		return NULL;
	}
	return n;
}

static void node_free(struct node *n)
{
	struct node *c, *next;

	if (!n)
		return;
	for (c = n->child; c; c = next) {
		next = c->next;
		node_free(c);
	}
	free(n->name);
	free(n->value);
	free(n->perms);
	free(n);
}

static int node_set_perms(struct node *n, const struct xs_perm *perms,
			  unsigned int nr)
{
	struct xs_perm *p = malloc(nr * sizeof(*p));

	if (!p)
		return -ENOMEM;
	memcpy(p, perms, nr * sizeof(*p));
	free(n->perms);
	n->perms = p;
	n->nr_perms = nr;
	return 0;
}

int store_init(struct store *s)
{
	static const struct xs_perm dom0_only = { 0, XS_PERM_NONE };

	memset(s, 0, sizeof(*s));
	s->root = node_new("", 0);
	if (!s->root || node_set_perms(s->root, &dom0_only, 1)) {
		node_free(s->root);
		return -ENOMEM;
	}
	return 0;
}

void store_destroy(struct store *s)
{
	node_free(s->root);
	s->root = NULL;
}

static struct node *node_clone(const struct node *src, struct node *parent)
{
	struct node *n = node_new(src->name, strlen(src->name));
	const struct node *c;
	struct node **tail;

	if (!n)
		return NULL;
	n->parent = parent;
	n->gen = src->gen;
	if (node_set_perms(n, src->perms, src->nr_perms))
		goto fail;
	if (src->len) {
		n->value = malloc(src->len);
		if (!n->value)
			goto fail;
		memcpy(n->value, src->value, src->len);
		n->len = src->len;
	}
	tail = &n->child;
	for (c = src->child; c; c = c->next) {
		*tail = node_clone(c, n);
		if (!*tail)
			goto fail;
		tail = &(*tail)->next;
	}
	return n;
fail:
	node_free(n);
	return NULL;
}

int store_clone(struct store *dst, const struct store *src)
{
	*dst = *src;
	dst->note = NULL;
	dst->note_arg = NULL;
	dst->root = node_clone(src->root, NULL);
	return dst->root ? 0 : -ENOMEM;
}

static bool path_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

int path_check(const char *path)
{
	size_t i, len = strnlen(path, XENSTORE_ABS_PATH_MAX + 1);

	if (len == 0 || len > XENSTORE_ABS_PATH_MAX || path[0] != '/')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!path_char_ok(path[i]))
			return -EINVAL;
		if (path[i] == '/' && path[i + 1] == '/')
			return -EINVAL;
	}
	if (len > 1 && path[len - 1] == '/')
		return -EINVAL;
	return 0;
}

static struct node *child_find(const struct node *n, const char *name,
			       size_t nlen)
{
	struct node *c;

	for (c = n->child; c; c = c->next)
		if (strlen(c->name) == nlen && memcmp(c->name, name, nlen) == 0)
			return c;
	return NULL;
}

/*
 * Walk @path as far as it exists. Returns the deepest existing node and
 * sets *rest to the part of the path below it ("" if the node is @path).
 */
static struct node *walk(const struct store *s, const char *path,
			 const char **rest)
{
	struct node *n = s->root;
	const char *p = path + 1;	/* paths are canonical: skip '/' */

	while (*p) {
		const char *slash = strchr(p, '/');
		size_t nlen = slash ? (size_t)(slash - p) : strlen(p);
		struct node *c = child_find(n, p, nlen);

		if (!c)
			break;
		n = c;
		p += nlen;
		if (*p == '/')
			p++;
	}
	*rest = p;
	return n;
}

struct node *store_lookup(const struct store *s, const char *path)
{
	const char *rest;
	struct node *n = walk(s, path, &rest);

	return *rest ? NULL : n;
}

static void note(const struct store *s, const char *path, size_t len,
		 const struct node *n)
{
	if (s->note)
		s->note(s->note_arg, path, len, n);
}

/* Note @path's node (or its absence). */
static void note_path(const struct store *s, const char *path,
		      const struct node *n)
{
	note(s, path, strlen(path), n);
}

/* Note the parent of @path, whose set of children an operation changes. */
static void note_parent(const struct store *s, const char *path,
			const struct node *parent)
{
	size_t len = strrchr(path, '/') - path;

	note(s, path, len ? len : 1, parent);
}

/* Mark @n changed now. */
static void touch(struct store *s, struct node *n)
{
	n->gen = ++s->gen;
}

unsigned int node_access(const struct node *n, const struct caller *who)
{
	unsigned int i;

	if (who->privileged || n->perms[0].domid == who->domid)
		return XS_PERM_BOTH;
	for (i = 1; i < n->nr_perms; i++)
		if (n->perms[i].domid == who->domid)
			return n->perms[i].access;
	return n->perms[0].access;
}

/* The node at @path if it exists and @who may do @need on it. */
static int lookup_access(struct store *s, const struct caller *who,
			 const char *path, unsigned int need, struct node **out)
{
	struct node *n = store_lookup(s, path);

	note_path(s, path, n);
	if (!n)
		return -ENOENT;
	if ((node_access(n, who) & need) != need)
		return -EACCES;
	*out = n;
	return 0;
}

int store_read(struct store *s, const struct caller *who, const char *path,
	       const char **val, uint32_t *len)
{
	struct node *n;
	int rc = lookup_access(s, who, path, XS_PERM_READ, &n);

	if (rc)
		return rc;
	*val = n->value ? n->value : "";
	*len = n->len;
	return 0;
}

static void count_owned(const struct node *n, uint32_t domid,
			unsigned int *count)
{
	const struct node *c;

	if (n->perms[0].domid == domid)
		(*count)++;
	for (c = n->child; c; c = c->next)
		count_owned(c, domid, count);
}

unsigned int store_count_owned(const struct store *s, uint32_t domid)
{
	unsigned int count = 0;

	count_owned(s->root, domid, &count);
	return count;
}

static unsigned int count_components(const char *rest)
{
	unsigned int n = 0;

	if (!*rest)
		return 0;
	for (n = 1; *rest; rest++)
		n += *rest == '/';
	return n;
}

/*
 * Find @path, creating it and its missing ancestors on behalf of @who.
 * Decode first (access to the closest existing ancestor, quota), then
 * create: on -ENOMEM half-way the already created empty ancestors stay,
 * which is harmless.
 */
static int node_get_or_create(struct store *s, const struct caller *who,
			      const char *path, struct node **out,
			      bool *created)
{
	const char *rest;
	struct node *n = walk(s, path, &rest);
	unsigned int need = count_components(rest);

	*created = false;
	note_path(s, path, need ? NULL : n);
	if (!need) {
		*out = n;
		return 0;
	}
	/* The closest existing ancestor gains a child. */
	note(s, path, n == s->root ? 1 : (size_t)(rest - path - 1), n);
	if (!(node_access(n, who) & XS_PERM_WRITE))
		return -EACCES;
	if (!who->privileged && s->quota_nodes &&
	    store_count_owned(s, who->domid) + need > s->quota_nodes)
		return -ENOSPC;

	while (*rest) {
		const char *slash = strchr(rest, '/');
		size_t nlen = slash ? (size_t)(slash - rest) : strlen(rest);
		struct node *c;
		struct node **tail;

		/* Each node created here was missing before. */
		note(s, path, rest + nlen - path, NULL);
		c = node_new(rest, nlen);

		if (!c || node_set_perms(c, n->perms, n->nr_perms)) {
			node_free(c);
			return -ENOMEM;
		}
		if (!who->privileged)
			c->perms[0].domid = who->domid;
		c->parent = n;
		for (tail = &n->child; *tail; tail = &(*tail)->next)
			;
		*tail = c;
		touch(s, n);
		touch(s, c);
		n = c;
		rest += nlen;
		if (*rest == '/')
			rest++;
	}
	*created = true;
	*out = n;
	return 0;
}

int store_write(struct store *s, const struct caller *who, const char *path,
		const void *val, uint32_t len)
{
	struct node *n;
	bool created;
	char *copy = NULL;
	int rc;

	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	if (len) {
		copy = malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, val, len);
	}
	rc = node_get_or_create(s, who, path, &n, &created);
	if (!rc && !created && !(node_access(n, who) & XS_PERM_WRITE))
		rc = -EACCES;
	if (rc) {
		free(copy);
		return rc;
	}
	free(n->value);
	n->value = copy;
	n->len = len;
	touch(s, n);
	return 0;
}

int store_mkdir(struct store *s, const struct caller *who, const char *path,
		bool *created)
{
	struct node *n;
	return node_get_or_create(s, who, path, &n, created);
}

int store_rm(struct store *s, const struct caller *who, const char *path,
	     bool *removed)
{
	struct node *n, **pp;
	const char *rest;

	*removed = false;
	if (strcmp(path, "/") == 0)
		return -EINVAL;
	n = walk(s, path, &rest);
	if (*rest) {
		/* Missing: fine if only the last component is missing. */
		bool parent_there = !strchr(rest, '/');

		note_path(s, path, NULL);
		note_parent(s, path, parent_there ? n : NULL);
		return parent_there ? 0 : -ENOENT;
	}
	note_path(s, path, n);
	note_parent(s, path, n->parent);
	if (!(node_access(n, who) & XS_PERM_WRITE))
		return -EACCES;
	for (pp = &n->parent->child; *pp != n; pp = &(*pp)->next)
		;
	*pp = n->next;
	touch(s, n->parent);
	node_free(n);
	*removed = true;
	return 0;
}

int store_directory(struct store *s, const struct caller *who,
		    const char *path, char *buf, size_t max, size_t *len)
{
	struct node *n, *c;
	size_t off = 0;
	int rc = lookup_access(s, who, path, XS_PERM_READ, &n);

	if (rc)
		return rc;
	for (c = n->child; c; c = c->next) {
		size_t l = strlen(c->name) + 1;

		if (off + l > max)
			return -E2BIG;
		memcpy(buf + off, c->name, l);
		off += l;
	}
	*len = off;
	return 0;
}

int perm_parse(const char *str, struct xs_perm *p)
{
	unsigned long v;
	char *end;

	switch (str[0]) {
	case 'n': p->access = XS_PERM_NONE; break;
	case 'r': p->access = XS_PERM_READ; break;
	case 'w': p->access = XS_PERM_WRITE; break;
	case 'b': p->access = XS_PERM_BOTH; break;
	default: return -EINVAL;
	}
	if (str[1] < '0' || str[1] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(str + 1, &end, 10);
	/* domid_t is 16 bits wide. */
	if (*end || errno || v > UINT16_MAX)
		return -EINVAL;
	p->domid = v;
	return 0;
}

int perm_format(const struct xs_perm *p, char *buf, size_t size)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };

	return snprintf(buf, size, "%c%u", letter[p->access & XS_PERM_BOTH],
			p->domid);
}

int store_get_perms(struct store *s, const struct caller *who,
		    const char *path, char *buf, size_t max, size_t *len)
{
	struct node *n;
	size_t off = 0;
	unsigned int i;
	int rc = lookup_access(s, who, path, XS_PERM_READ, &n);

	if (rc)
		return rc;
	for (i = 0; i < n->nr_perms; i++) {
		char one[16];
		int l = perm_format(&n->perms[i], one, sizeof(one)) + 1;

		if (off + l > max)
			return -E2BIG;
		memcpy(buf + off, one, l);
		off += l;
	}
	*len = off;
	return 0;
}

int store_set_perms(struct store *s, const struct caller *who,
		    const char *path, const struct xs_perm *perms,
		    unsigned int nr)
{
	struct node *n = store_lookup(s, path);
	int rc;

	if (nr == 0 || nr > XS_PERMS_MAX)
		return -EINVAL;
	note_path(s, path, n);
	if (!n)
		return -ENOENT;
	if (!who->privileged && n->perms[0].domid != who->domid)
		return -EACCES;
	/* Handing a node to another domain would dodge that domain's quota. */
	if (!who->privileged && perms[0].domid != who->domid)
		return -EACCES;
	rc = node_set_perms(n, perms, nr);
	if (!rc)
		touch(s, n);
	return rc;
}
