// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstore client over xenstored's Unix socket: framing, request/reply
 * matching by req_id, and a queue of watch events that arrive while a
 * reply is awaited.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "xs.h"

struct xs_event {
	struct xs_event *next;
	char *path;
	char *token;
};

struct xs_handle {
	int fd;
	uint32_t next_req;
	/* Watch events received but not yet handed out, oldest first. */
	struct xs_event *ev_head, **ev_tail;
};

int xs_errno_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (strcmp(s, xsd_errors[i].errstring) == 0)
			return -xsd_errors[i].errnum;
	return -EINVAL;
}

struct xs_handle *xs_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xs_handle *h;

	if (!path)
		path = getenv("XENSTORED_PATH");
	if (!path)
		path = XS_SOCKET_PATH;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);

	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->ev_tail = &h->ev_head;
	h->next_req = 1;
	h->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		goto err;
	if (connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto err_close;
	return h;

err_close:
	close(h->fd);
err:
	free(h);
	return NULL;
}

void xs_close(struct xs_handle *h)
{
	struct xs_event *e, *next;

	if (!h)
		return;
	for (e = h->ev_head; e; e = next) {
		next = e->next;
		free(e->path);
		free(e);
	}
	close(h->fd);
	free(h);
}

int xs_fileno(struct xs_handle *h)
{
	return h->fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= n;
	}
	return 0;
}

/* Read one whole message; *body gets len + 1 bytes, NUL-terminated. */
static int read_msg(struct xs_handle *h, struct xsd_sockmsg *hdr, char **body)
{
	int rc = read_all(h->fd, hdr, sizeof(*hdr));

	if (rc)
		return rc;
	/* The daemon never sends more; anything bigger means we lost sync. */
	if (hdr->len > XENSTORE_PAYLOAD_MAX)
		return -EIO;
	*body = malloc(hdr->len + 1);
	if (!*body)
		return -ENOMEM;
	rc = read_all(h->fd, *body, hdr->len);
	if (rc) {
		free(*body);
		return rc;
	}
	(*body)[hdr->len] = '\0';
	return 0;
}

/*
 * Queue a watch event whose body is "path\0token\0". Malformed events are
 * dropped: they cannot be delivered meaningfully.
 */
static void queue_event(struct xs_handle *h, char *body, size_t len)
{
	size_t plen = strnlen(body, len);
	struct xs_event *e;

	if (plen >= len) {
		free(body);
		return;
	}
	e = malloc(sizeof(*e));
	if (!e) {
		free(body);
		return;
	}
	e->next = NULL;
	e->path = body;		/* token points into the same block */
	e->token = body + plen + 1;
	*h->ev_tail = e;
	h->ev_tail = &e->next;
}

int xs_talk(struct xs_handle *h, uint32_t type, uint32_t tx,
	    const void *body, size_t len, char **reply, size_t *rlen)
{
	struct xsd_sockmsg hdr = {
		.type = type, .req_id = h->next_req++, .tx_id = tx, .len = len,
	};
	struct xsd_sockmsg rh;
	char *rbody;
	int rc;

	if (len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	rc = write_all(h->fd, &hdr, sizeof(hdr));
	if (!rc && len)
		rc = write_all(h->fd, body, len);
	if (rc)
		return rc;

	for (;;) {
		rc = read_msg(h, &rh, &rbody);
		if (rc)
			return rc;
		if (rh.type == XS_WATCH_EVENT) {
			queue_event(h, rbody, rh.len);
			continue;
		}
		if (rh.req_id != hdr.req_id) {
			free(rbody);	/* a stale reply: not ours */
			continue;
		}
		break;
	}
	if (rh.type == XS_ERROR) {
		rc = xs_errno_from_name(rbody);
		free(rbody);
		return rc;
	}
	if (rh.type != type) {
		free(rbody);
		return -EIO;
	}
	if (rlen)
		*rlen = rh.len;
	if (reply)
		*reply = rbody;
	else
		free(rbody);
	return 0;
}

/* A request whose payload is the given NUL-terminated strings in order. */
static int talk_strings(struct xs_handle *h, uint32_t type, uint32_t tx,
			const char *const *args, unsigned int n,
			char **reply, size_t *rlen)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		size_t l = strlen(args[i]) + 1;

		if (len + l > sizeof(buf))
			return -E2BIG;
		memcpy(buf + len, args[i], l);
		len += l;
	}
	return xs_talk(h, type, tx, buf, len, reply, rlen);
}

static int talk_path(struct xs_handle *h, uint32_t type, uint32_t tx,
		     const char *path, char **reply, size_t *rlen)
{
	return talk_strings(h, type, tx, &path, 1, reply, rlen);
}

int xs_read(struct xs_handle *h, uint32_t tx, const char *path,
	    char **val, size_t *len)
{
	return talk_path(h, XS_READ, tx, path, val, len);
}

int xs_write(struct xs_handle *h, uint32_t tx, const char *path,
	     const void *val, size_t len)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t plen = strlen(path) + 1;

	if (plen + len > sizeof(buf))
		return -E2BIG;
	memcpy(buf, path, plen);
	memcpy(buf + plen, val, len);
	return xs_talk(h, XS_WRITE, tx, buf, plen + len, NULL, NULL);
}

int xs_write_str(struct xs_handle *h, uint32_t tx, const char *path,
		 const char *val)
{
	return xs_write(h, tx, path, val, strlen(val));
}

int xs_mkdir(struct xs_handle *h, uint32_t tx, const char *path)
{
	return talk_path(h, XS_MKDIR, tx, path, NULL, NULL);
}

int xs_rm(struct xs_handle *h, uint32_t tx, const char *path)
{
	return talk_path(h, XS_RM, tx, path, NULL, NULL);
}

/*
 * Turn a payload of NUL-terminated strings into an array of pointers in
 * one allocation: the pointers first, then a copy of the strings.
 */
static int split_strings(char *body, size_t len, char ***out, unsigned int *n)
{
	unsigned int count = 0, i = 0;
	size_t off;
	char **arr, *copy;

	for (off = 0; off < len; off++)
		if (body[off] == '\0')
			count++;
	arr = malloc((count + 1) * sizeof(char *) + len + 1);
	if (!arr)
		return -ENOMEM;
	copy = (char *)(arr + count + 1);
	memcpy(copy, body, len);
	copy[len] = '\0';
	for (off = 0; off < len && i < count; i++) {
		arr[i] = copy + off;
		off += strlen(copy + off) + 1;
	}
	arr[count] = NULL;
	*out = arr;
	*n = count;
	return 0;
}

static int talk_list(struct xs_handle *h, uint32_t type, uint32_t tx,
		     const char *path, char ***out, unsigned int *n)
{
	char *body;
	size_t len;
	int rc = talk_path(h, type, tx, path, &body, &len);

	if (rc)
		return rc;
	rc = split_strings(body, len, out, n);
	free(body);
	return rc;
}

int xs_directory(struct xs_handle *h, uint32_t tx, const char *path,
		 char ***names, unsigned int *n)
{
	return talk_list(h, XS_DIRECTORY, tx, path, names, n);
}

int xs_get_perms(struct xs_handle *h, uint32_t tx, const char *path,
		 char ***perms, unsigned int *n)
{
	return talk_list(h, XS_GET_PERMS, tx, path, perms, n);
}

int xs_set_perms(struct xs_handle *h, uint32_t tx, const char *path,
		 const char *const *perms, unsigned int n)
{
	const char *args[64];
	unsigned int i;

	if (n + 1 > sizeof(args) / sizeof(args[0]) || n == 0)
		return -EINVAL;
	args[0] = path;
	for (i = 0; i < n; i++)
		args[i + 1] = perms[i];
	return talk_strings(h, XS_SET_PERMS, tx, args, n + 1, NULL, NULL);
}

int xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	const char *args[] = { path, token };

	return talk_strings(h, XS_WATCH, XS_NO_TX, args, 2, NULL, NULL);
}

int xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	const char *args[] = { path, token };

	return talk_strings(h, XS_UNWATCH, XS_NO_TX, args, 2, NULL, NULL);
}

int xs_read_watch(struct xs_handle *h, char **path, char **token,
		  unsigned int flags)
{
	struct xsd_sockmsg hdr;
	struct xs_event *e;
	char *body;
	int rc;

	while (!h->ev_head) {
		if (flags & XS_NONBLOCK) {
			struct pollfd pfd = { .fd = h->fd, .events = POLLIN };

			if (poll(&pfd, 1, 0) <= 0)
				return -EAGAIN;
		}
		rc = read_msg(h, &hdr, &body);
		if (rc)
			return rc;
		if (hdr.type == XS_WATCH_EVENT)
			queue_event(h, body, hdr.len);
		else
			free(body);	/* a reply nobody waits for */
	}
	e = h->ev_head;
	h->ev_head = e->next;
	if (!h->ev_head)
		h->ev_tail = &h->ev_head;
	*path = strdup(e->path);
	*token = strdup(e->token);
	free(e->path);
	free(e);
	if (!*path || !*token) {
		free(*path);
		free(*token);
		return -ENOMEM;
	}
	return 0;
}

int xs_transaction_start(struct xs_handle *h, uint32_t *tx)
{
	char *body;
	int rc = xs_talk(h, XS_TRANSACTION_START, XS_NO_TX, "", 1, &body, NULL);

	if (rc)
		return rc;
	*tx = strtoul(body, NULL, 10);
	free(body);
	return *tx ? 0 : -EIO;
}

int xs_transaction_end(struct xs_handle *h, uint32_t tx, int abort)
{
	return xs_talk(h, XS_TRANSACTION_END, tx, abort ? "F" : "T", 2,
		       NULL, NULL);
}

int xs_introduce(struct xs_handle *h, uint32_t domid, uint64_t mfn,
		 uint32_t port)
{
	char d[16], m[24], p[16];
	const char *args[] = { d, m, p };

	snprintf(d, sizeof(d), "%" PRIu32, domid);
	snprintf(m, sizeof(m), "%" PRIu64, mfn);
	snprintf(p, sizeof(p), "%" PRIu32, port);
	return talk_strings(h, XS_INTRODUCE, XS_NO_TX, args, 3, NULL, NULL);
}

static int talk_domid(struct xs_handle *h, uint32_t type, uint32_t domid,
		      char **reply)
{
	char d[16];

	snprintf(d, sizeof(d), "%" PRIu32, domid);
	return talk_path(h, type, XS_NO_TX, d, reply, NULL);
}

int xs_release(struct xs_handle *h, uint32_t domid)
{
	return talk_domid(h, XS_RELEASE, domid, NULL);
}

int xs_get_domain_path(struct xs_handle *h, uint32_t domid, char **path)
{
	return talk_domid(h, XS_GET_DOMAIN_PATH, domid, path);
}

int xs_is_domain_introduced(struct xs_handle *h, uint32_t domid)
{
	char *body;
	int rc = talk_domid(h, XS_IS_DOMAIN_INTRODUCED, domid, &body);

	if (rc)
		return rc;
	rc = body[0] == 'T';
	free(body);
	return rc;
}
