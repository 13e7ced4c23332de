/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Watches (design notes §3.3): an event on path P fires every watch whose
 * path is P or an ancestor of P; removing X also fires watches below X
 * (with their own path). A watch registered with a relative path gets
 * relative event paths. "@introduceDomain" and "@releaseDomain" are
 * special names that only privileged connections may watch usefully.
 */
#pragma once

#include <stdbool.h>

#include "xsd.h"

struct watch {
	struct watch *next;
	char *path;			/* absolute, or a special "@" name */
	char *token;
	bool relative;			/* report paths relative to the home */
};

enum watch_kind {
	WATCH_WRITE,			/* write, mkdir, set_perms of P */
	WATCH_RM,			/* removal of P's subtree */
};

#define WATCH_INTRODUCE		"@introduceDomain"
#define WATCH_RELEASE		"@releaseDomain"

/* 0, -EEXIST (same path and token), -ENOSPC (quota) or -ENOMEM. */
int watch_add(struct xsd *d, struct conn *c, const char *path,
	      const char *token, bool relative);
/* 0 or -ENOENT. */
int watch_del(struct conn *c, const char *path, const char *token);
void watch_del_all(struct conn *c);
/* Queue the initial event XS_WATCH promises, for the newest watch. */
void watch_fire_initial(struct xsd *d, struct conn *c, struct watch *w);
/* Queue events on every connection for a change of @path. */
void watch_fire(struct xsd *d, const char *path, enum watch_kind kind);
