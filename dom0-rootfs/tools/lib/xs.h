/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Client of Ward's xenstored over its Unix socket (privileged: dom0 tools).
 * The framing is xs_wire.h's: a struct xsd_sockmsg header then the payload.
 *
 * Every call returns 0 (or a documented non-negative value) on success and
 * -errno on failure: a daemon error reply ("ENOENT", "EAGAIN", ...) becomes
 * the matching -errno, a broken connection -EIO/-ECONNRESET. One handle is
 * one connection; it is not thread-safe. Calls are synchronous: each sends
 * one request and waits for its reply; watch events that arrive meanwhile
 * are queued in the handle for xs_read_watch().
 *
 * @tx is a transaction id from xs_transaction_start(), or XS_NO_TX.
 * Strings returned through char ** are malloc()ed and NUL-terminated; the
 * caller free()s them. Arrays of names (xs_directory, xs_get_perms) are one
 * malloc()ed block: free() the array pointer only.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define XS_NO_TX		0u
/* Where xenstored listens unless $XENSTORED_PATH says otherwise. */
#define XS_SOCKET_PATH		"/run/xenstored/socket"

struct xs_handle;

/* Connect to @path (NULL: $XENSTORED_PATH, else XS_SOCKET_PATH). NULL+errno. */
struct xs_handle *xs_open(const char *path);
void xs_close(struct xs_handle *h);

/* The socket, for poll(); see xs_read_watch() about queued events. */
int xs_fileno(struct xs_handle *h);

/*
 * Send one request of xs_wire.h @type with @len payload bytes; wait for its
 * reply. On success *reply (if non-NULL) gets the payload plus a NUL byte
 * not counted in *rlen. Returns 0, or -errno from an XS_ERROR reply.
 */
int xs_talk(struct xs_handle *h, uint32_t type, uint32_t tx,
	    const void *body, size_t len, char **reply, size_t *rlen);

/* Value of @path into *val (NUL added), its length into *len if non-NULL. */
int xs_read(struct xs_handle *h, uint32_t tx, const char *path,
	    char **val, size_t *len);
/* Set @path to @len bytes at @val, creating missing ancestors. */
int xs_write(struct xs_handle *h, uint32_t tx, const char *path,
	     const void *val, size_t len);
/* Same with a C string value. */
int xs_write_str(struct xs_handle *h, uint32_t tx, const char *path,
		 const char *val);
int xs_mkdir(struct xs_handle *h, uint32_t tx, const char *path);
/* Remove @path and everything below it. */
int xs_rm(struct xs_handle *h, uint32_t tx, const char *path);

/* Children of @path: *names[0..*n), one block to free(*names). */
int xs_directory(struct xs_handle *h, uint32_t tx, const char *path,
		 char ***names, unsigned int *n);

/*
 * Permissions in Xen's string form, one entry each: the first is owner
 * plus everyone's default ("n0", "r5"), then per-domain entries ("b3").
 * Letters: n none, r read, w write, b both.
 */
int xs_get_perms(struct xs_handle *h, uint32_t tx, const char *path,
		 char ***perms, unsigned int *n);
int xs_set_perms(struct xs_handle *h, uint32_t tx, const char *path,
		 const char *const *perms, unsigned int n);

/* Watch @path (and everything below it); @token comes back in events. */
int xs_watch(struct xs_handle *h, const char *path, const char *token);
int xs_unwatch(struct xs_handle *h, const char *path, const char *token);

/*
 * Next watch event: *path and *token malloc()ed. With XS_NONBLOCK returns
 * -EAGAIN when no event is queued or readable now; otherwise blocks. Poll
 * xs_fileno() only after xs_read_watch(..., XS_NONBLOCK) gave -EAGAIN: an
 * event may already sit in the handle's queue.
 */
#define XS_NONBLOCK		1u
int xs_read_watch(struct xs_handle *h, char **path, char **token,
		  unsigned int flags);

/* New transaction id into *tx. */
int xs_transaction_start(struct xs_handle *h, uint32_t *tx);
/* Commit (abort == 0) or abort. -EAGAIN: conflict, redo the transaction. */
int xs_transaction_end(struct xs_handle *h, uint32_t tx, int abort);

/* Toolstack: hand domain @domid's store page @mfn and its port to xenstored. */
int xs_introduce(struct xs_handle *h, uint32_t domid, uint64_t mfn,
		 uint32_t port);
/* Forget domain @domid (fires @releaseDomain). */
int xs_release(struct xs_handle *h, uint32_t domid);
/* "/local/domain/<domid>" into *path. */
int xs_get_domain_path(struct xs_handle *h, uint32_t domid, char **path);
/* 1 if introduced, 0 if not, or -errno. */
int xs_is_domain_introduced(struct xs_handle *h, uint32_t domid);

/* -errno for the xs_wire.h error name @s ("ENOENT"); -EINVAL if unknown. */
int xs_errno_from_name(const char *s);
