/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenstore tree: nodes with opaque values, children and Xen-style
 * permission lists. Pure data structure, no I/O: every function takes
 * canonical absolute paths (see path_check()) and the identity of the
 * caller, checks access and returns 0 or -errno.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Access bits of one permission entry (letters n, r, w, b on the wire). */
#define XS_PERM_NONE	0u
#define XS_PERM_READ	1u
#define XS_PERM_WRITE	2u
#define XS_PERM_BOTH	(XS_PERM_READ | XS_PERM_WRITE)

/* Longest permission list we keep on one node (entry 0 included). */
#define XS_PERMS_MAX	64

struct xs_perm {
	uint32_t domid;
	uint32_t access;		/* XS_PERM_* */
};

struct node {
	char *name;			/* leaf name; "" for the root */
	struct node *parent;
	struct node *child;		/* first child; siblings in creation order */
	struct node *next;		/* next sibling */
	char *value;			/* len bytes, not NUL-terminated */
	uint32_t len;
	/* perms[0]: owner and default access of everyone else. */
	struct xs_perm *perms;
	unsigned int nr_perms;
	/* store->gen when its value, perms or set of children last changed. */
	uint64_t gen;
};

/* Who asks: privileged callers (dom0's ring, the socket) skip all checks. */
struct caller {
	uint32_t domid;
	bool privileged;
};

struct store {
	struct node *root;
	/* Bumped by every change; transactions compare it at commit. */
	uint64_t gen;
	/* Most nodes an unprivileged domain may own (0: no limit). */
	unsigned int quota_nodes;
	/*
	 * If set, told about every node an operation depends on (before it
	 * changes it): path[0..len) and the node, or NULL if missing.
	 * Transactions use it to find conflicts.
	 */
	void (*note)(void *arg, const char *path, size_t len,
		     const struct node *n);
	void *note_arg;
};

/* A store holding "/" owned by dom0 with no access for others. 0/-ENOMEM. */
int store_init(struct store *s);
void store_destroy(struct store *s);
/* Deep copy of @src into @dst, node generations included, no note hook. */
int store_clone(struct store *dst, const struct store *src);

/*
 * 0 if @path is a canonical absolute path: starts with '/', only
 * [A-Za-z0-9-/_@], no "//", no trailing '/' except "/" itself, at most
 * XENSTORE_ABS_PATH_MAX bytes. Special watch names ("@releaseDomain") are
 * not store paths and fail here. -EINVAL otherwise.
 */
int path_check(const char *path);

/* Node at @path or NULL; no permission check. */
struct node *store_lookup(const struct store *s, const char *path);

/* XS_PERM_* bits @who has on @n. */
unsigned int node_access(const struct node *n, const struct caller *who);

int store_read(struct store *s, const struct caller *who, const char *path,
	       const char **val, uint32_t *len);
/* Write, creating missing ancestors with empty values. */
int store_write(struct store *s, const struct caller *who, const char *path,
		const void *val, uint32_t len);
/* Create @path (and ancestors) if missing; *created says whether it was. */
int store_mkdir(struct store *s, const struct caller *who, const char *path,
		bool *created);
/*
 * Remove @path and its subtree. A missing node whose parent exists is not
 * an error (*removed = false); a missing parent is -ENOENT. "/" is -EINVAL.
 */
int store_rm(struct store *s, const struct caller *who, const char *path,
	     bool *removed);
/* Children names, each NUL-terminated, into buf[0..max); length in *len. */
int store_directory(struct store *s, const struct caller *who,
		    const char *path, char *buf, size_t max, size_t *len);
/* Permission strings ("n0\0r5\0") into buf[0..max); length in *len. */
int store_get_perms(struct store *s, const struct caller *who,
		    const char *path, char *buf, size_t max, size_t *len);
/* Replace the list; only the owner or a privileged caller may. */
int store_set_perms(struct store *s, const struct caller *who,
		    const char *path, const struct xs_perm *perms,
		    unsigned int nr);

/* Parse one entry such as "r5". 0 or -EINVAL. */
int perm_parse(const char *str, struct xs_perm *p);
/* Format one entry into buf (>= 16 bytes); returns the length. */
int perm_format(const struct xs_perm *p, char *buf, size_t size);

/* Nodes owned (perms[0].domid) by @domid. */
unsigned int store_count_owned(const struct store *s, uint32_t domid);
