// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenstore protocol end to end without I/O: requests go through
 * wire_feed() and xsd_handle(), replies and watch events are read back
 * from each connection's output queue. Covers reply shapes, errors,
 * relative paths, watches (initial fire, relative events, removal,
 * special names), transactions (commit, conflict -> EAGAIN, abort),
 * domain introduce/release and quotas.
 */
// sources: xenstored/store.c xenstored/wire.c xenstored/watch.c xenstored/transaction.c xenstored/request.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xenstored/transaction.h"
#include "xenstored/watch.h"
#include "xenstored/wire.h"
#include "xenstored/xsd.h"

static struct xsd d;
static struct conn *sock;		/* dom0 tool (privileged) */
static struct conn *guest;		/* domU 5 (unprivileged ring) */
static int introduced, released;

static int fake_introduce(struct xsd *xd, uint32_t domid, uint64_t mfn,
			  uint32_t port)
{
	if (mfn == 666)
		return -EFAULT;		/* pretend the mapping failed */
	introduced++;
	return conn_new(xd, CONN_RING, domid, false) ? 0 : -ENOMEM;
}

static void fake_release(struct xsd *xd, struct conn *c)
{
	released++;
	conn_free(xd, c);
}

static const struct domain_ops fake_ops = {
	.introduce = fake_introduce,
	.release = fake_release,
};

static int setup(void **state)
{
	assert_int_equal(xsd_init(&d, &fake_ops), 0);
	sock = conn_new(&d, CONN_TEST, 0, true);
	guest = conn_new(&d, CONN_TEST, 5, false);
	introduced = released = 0;
	return 0;
}

static int teardown(void **state)
{
	xsd_destroy(&d);
	return 0;
}

/* Send one request as bytes through the stream parser. */
static void send_req(struct conn *c, uint32_t type, uint32_t tx,
		     const void *body, size_t len)
{
	static struct wire_in in;
	struct xsd_sockmsg hdr = { type, 42, tx, len };
	unsigned char buf[sizeof(hdr) + XENSTORE_PAYLOAD_MAX];
	size_t used, off = 0;
	enum wire_status st = WIRE_MORE;

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), body, len);
	wire_in_reset(&in);
	/* Dribble 7 bytes at a time, as a ring would. */
	while (off < sizeof(hdr) + len) {
		size_t chunk = sizeof(hdr) + len - off;

		if (chunk > 7)
			chunk = 7;
		st = wire_feed(&in, buf + off, chunk, &used);
		assert_int_equal(used, chunk);
		off += used;
	}
	assert_int_equal(st, WIRE_MSG);
	xsd_handle(&d, c, &in.hdr, in.body);
}

static void send_str(struct conn *c, uint32_t type, uint32_t tx,
		     const char *s)
{
	send_req(c, type, tx, s, strlen(s) + 1);
}

/* Pop the oldest message of @c; its payload (NUL added) into body. */
static struct xsd_sockmsg pop(struct conn *c, char *body)
{
	struct xsd_sockmsg hdr;
	const unsigned char *p;
	size_t len;

	p = wire_out_peek(c, &len);
	assert_non_null(p);
	memcpy(&hdr, p, sizeof(hdr));
	assert_int_equal(len, sizeof(hdr) + hdr.len);
	memcpy(body, p + sizeof(hdr), hdr.len);
	body[hdr.len] = '\0';
	wire_out_consume(c, len);
	return hdr;
}

static void expect_reply(struct conn *c, uint32_t type, const void *body,
			 size_t len)
{
	char got[XENSTORE_PAYLOAD_MAX + 1];
	struct xsd_sockmsg h = pop(c, got);

	assert_int_equal(h.type, type);
	assert_int_equal(h.req_id, 42);
	assert_int_equal(h.len, len);
	assert_memory_equal(got, body, len);
}

static void expect_error(struct conn *c, const char *err)
{
	expect_reply(c, XS_ERROR, err, strlen(err) + 1);
}

static void expect_event(struct conn *c, const char *path, const char *tok)
{
	char got[XENSTORE_PAYLOAD_MAX + 1];
	struct xsd_sockmsg h = pop(c, got);

	assert_int_equal(h.type, XS_WATCH_EVENT);
	assert_int_equal(h.req_id, 0);
	assert_int_equal(h.tx_id, 0);
	assert_string_equal(got, path);
	assert_int_equal(h.len, strlen(path) + strlen(tok) + 2);
	assert_string_equal(got + strlen(path) + 1, tok);
}

static void expect_empty(struct conn *c)
{
	size_t len;

	assert_null(wire_out_peek(c, &len));
}

/* Requests whose success reply is "OK\0". */
static void ok(struct conn *c, uint32_t type, uint32_t tx, const void *body,
	       size_t len)
{
	send_req(c, type, tx, body, len);
	expect_reply(c, type, "OK", 3);
}

#define W(c, tx, pv) ok(c, XS_WRITE, tx, pv, sizeof(pv) - 1)

static void test_wire_split(void **state)
{
	const char *argv[4];

	assert_int_equal(wire_split("a\0bc\0", 5, argv, 4), 2);
	assert_string_equal(argv[1], "bc");
	assert_int_equal(wire_split("", 0, argv, 4), 0);
	assert_int_equal(wire_split("a\0b", 3, argv, 4), -EINVAL);
	assert_int_equal(wire_split("a\0b\0c\0", 6, argv, 2), -EINVAL);
}

static void test_wire_oversize_header(void **state)
{
	struct wire_in in;
	struct xsd_sockmsg hdr = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	size_t used;

	wire_in_reset(&in);
	assert_int_equal(wire_feed(&in, &hdr, sizeof(hdr), &used), WIRE_BAD);
	hdr.len = XENSTORE_PAYLOAD_MAX;
	wire_in_reset(&in);
	assert_int_equal(wire_feed(&in, &hdr, sizeof(hdr), &used), WIRE_MORE);
	assert_int_equal(used, sizeof(hdr));
	assert_int_equal(wire_queue(sock, XS_READ, 1, 0, NULL,
				    XENSTORE_PAYLOAD_MAX + 1), -E2BIG);
}

static void test_read_write_directory(void **state)
{
	W(sock, 0, "/a/b\0hello");
	send_str(sock, XS_READ, 0, "/a/b");
	expect_reply(sock, XS_READ, "hello", 5);	/* no NUL */
	W(sock, 0, "/a/c\0");				/* empty value */
	send_str(sock, XS_READ, 0, "/a/c");
	expect_reply(sock, XS_READ, "", 0);
	send_str(sock, XS_DIRECTORY, 0, "/a");
	expect_reply(sock, XS_DIRECTORY, "b\0c\0", 4);
	send_str(sock, XS_READ, 0, "/a/zz");
	expect_error(sock, "ENOENT");
	ok(sock, XS_RM, 0, "/a", 3);
	send_str(sock, XS_DIRECTORY, 0, "/a");
	expect_error(sock, "ENOENT");
	send_str(sock, XS_GET_PERMS, 0, "/local/domain/0");
	expect_reply(sock, XS_GET_PERMS, "n0", 3);
	expect_empty(sock);
}

static void test_malformed_requests(void **state)
{
	send_req(sock, XS_READ, 0, "/a", 2);		/* unterminated */
	expect_error(sock, "EINVAL");
	send_req(sock, XS_READ, 0, "/a\0/b\0", 6);	/* two args */
	expect_error(sock, "EINVAL");
	send_str(sock, XS_READ, 0, "/a//b");
	expect_error(sock, "EINVAL");
	send_str(sock, XS_READ, 0, "/a/");
	expect_error(sock, "EINVAL");
	send_req(sock, XS_WRITE, 0, "/nonul", 6);
	expect_error(sock, "EINVAL");
	send_str(sock, XS_WATCH, 0, "/a");		/* no token */
	expect_error(sock, "EINVAL");
	send_str(sock, XS_WATCH_EVENT, 0, "/a");	/* server-only type */
	expect_error(sock, "EINVAL");
	send_str(sock, 999, 0, "/a");
	expect_error(sock, "EINVAL");
	send_str(sock, XS_DIRECTORY_PART, 0, "/");
	expect_error(sock, "ENOSYS");
	send_str(sock, XS_READ, 77, "/local");		/* unknown tx */
	expect_error(sock, "ENOENT");
	expect_empty(sock);
}

static void test_relative_paths_and_perms(void **state)
{
	/* The toolstack prepares domU 5's home. */
	ok(sock, XS_MKDIR, 0, "/local/domain/5", 16);
	ok(sock, XS_SET_PERMS, 0, "/local/domain/5\0n5\0", 19);
	W(guest, 0, "device/x\0v");
	send_str(sock, XS_READ, 0, "/local/domain/5/device/x");
	expect_reply(sock, XS_READ, "v", 1);
	send_str(guest, XS_READ, 0, "/local/domain/5/device/x");
	expect_reply(guest, XS_READ, "v", 1);
	/* dom0's home is closed to domU 5. */
	send_str(guest, XS_DIRECTORY, 0, "/local/domain/0");
	expect_error(guest, "EACCES");
	send_req(guest, XS_WRITE, 0, "/local/domain/0/x\0v", 19);
	expect_error(guest, "EACCES");
	send_str(guest, XS_SET_PERMS, 0, "/local/domain/5");	/* no perms */
	expect_error(guest, "EINVAL");
	send_req(guest, XS_SET_PERMS, 0, "device\0q5\0", 10);
	expect_error(guest, "EINVAL");
	/* Domain management is for privileged connections. */
	send_req(guest, XS_INTRODUCE, 0, "7\0001\0002\0", 6);
	expect_error(guest, "EACCES");
	send_str(guest, XS_RELEASE, 0, "7");
	expect_error(guest, "EACCES");
	send_str(guest, XS_GET_DOMAIN_PATH, 0, "5");
	expect_reply(guest, XS_GET_DOMAIN_PATH, "/local/domain/5", 16);
	expect_empty(guest);
}

static void test_watch_events(void **state)
{
	ok(sock, XS_WATCH, 0, "/w\0tok", 7);
	expect_event(sock, "/w", "tok");		/* initial fire */
	send_req(sock, XS_WATCH, 0, "/w\0tok", 7);
	expect_error(sock, "EEXIST");
	W(sock, 0, "/w/a/b\0x");
	expect_event(sock, "/w/a/b", "tok");
	W(sock, 0, "/other\0x");
	expect_empty(sock);
	ok(sock, XS_WATCH, 0, "/w/a/b/c\0deep", 14);
	expect_event(sock, "/w/a/b/c", "deep");
	/* Removing /w/a fires both: the parent's with /w/a, the child's
	 * with its own path. */
	ok(sock, XS_RM, 0, "/w/a", 5);
	expect_event(sock, "/w/a", "tok");
	expect_event(sock, "/w/a/b/c", "deep");
	ok(sock, XS_UNWATCH, 0, "/w\0tok", 7);
	send_req(sock, XS_UNWATCH, 0, "/w\0tok", 7);
	expect_error(sock, "ENOENT");
	W(sock, 0, "/w/z\0x");
	expect_empty(sock);
}

static void test_watch_relative_and_permissions(void **state)
{
	ok(sock, XS_MKDIR, 0, "/local/domain/5", 16);
	ok(sock, XS_SET_PERMS, 0, "/local/domain/5\0n5\0", 19);
	ok(guest, XS_WATCH, 0, "device\0t", 9);
	expect_event(guest, "device", "t");
	W(sock, 0, "/local/domain/5/device/vbd/1/state\0" "1");
	expect_event(guest, "device/vbd/1/state", "t");
	/* An absolute watch on an unreadable node gets no events. */
	ok(guest, XS_WATCH, 0, "/secret\0s", 10);
	expect_event(guest, "/secret", "s");
	W(sock, 0, "/secret/x\0" "1");
	expect_empty(guest);
	/* Special watches: only privileged connections hear them. */
	ok(guest, XS_WATCH, 0, "@releaseDomain\0r", 17);
	expect_event(guest, "@releaseDomain", "r");
	ok(sock, XS_WATCH, 0, "@releaseDomain\0r", 17);
	expect_event(sock, "@releaseDomain", "r");
	ok(sock, XS_WATCH, 0, "@introduceDomain\0i", 19);
	expect_event(sock, "@introduceDomain", "i");
	ok(sock, XS_INTRODUCE, 0, "7\0" "1234\0" "3\0", 9);
	expect_event(sock, "@introduceDomain", "i");
	assert_int_equal(introduced, 1);
	send_req(sock, XS_INTRODUCE, 0, "7\0" "1234\0" "3\0", 9);
	expect_error(sock, "EEXIST");
	send_req(sock, XS_INTRODUCE, 0, "8\0" "666\0" "3\0", 8);
	/* EFAULT has no xs_wire.h name: it goes out as EINVAL. */
	expect_error(sock, "EINVAL");
	send_str(sock, XS_IS_DOMAIN_INTRODUCED, 0, "8");
	expect_reply(sock, XS_IS_DOMAIN_INTRODUCED, "F", 2);
	send_req(sock, XS_INTRODUCE, 0, "0\0" "1\0" "3\0", 6);
	expect_error(sock, "EINVAL");
	send_req(sock, XS_INTRODUCE, 0, "9\0" "x\0" "3\0", 6);
	expect_error(sock, "EINVAL");
	send_str(sock, XS_IS_DOMAIN_INTRODUCED, 0, "7");
	expect_reply(sock, XS_IS_DOMAIN_INTRODUCED, "T", 2);
	send_str(sock, XS_IS_DOMAIN_INTRODUCED, 0, "8");
	expect_reply(sock, XS_IS_DOMAIN_INTRODUCED, "F", 2);
	ok(sock, XS_RELEASE, 0, "7", 2);
	expect_event(sock, "@releaseDomain", "r");
	assert_int_equal(released, 1);
	send_str(sock, XS_RELEASE, 0, "7");
	expect_error(sock, "ENOENT");
	expect_empty(guest);
	expect_empty(sock);
}

static uint32_t tx_begin(struct conn *c)
{
	char got[64];
	struct xsd_sockmsg h;

	send_req(c, XS_TRANSACTION_START, 0, "", 1);
	h = pop(c, got);
	assert_int_equal(h.type, XS_TRANSACTION_START);
	assert_int_equal(h.len, strlen(got) + 1);
	assert_true(atoi(got) > 0);
	return atoi(got);
}

static void test_transactions(void **state)
{
	uint32_t t1, t2;

	ok(sock, XS_WATCH, 0, "/t\0tok", 7);
	expect_event(sock, "/t", "tok");
	t1 = tx_begin(sock);
	W(sock, t1, "/t/a\0in-tx");
	/* Invisible outside, no event before commit. */
	send_str(sock, XS_READ, 0, "/t/a");
	expect_error(sock, "ENOENT");
	send_str(sock, XS_READ, t1, "/t/a");
	expect_reply(sock, XS_READ, "in-tx", 5);
	expect_empty(sock);
	ok(sock, XS_TRANSACTION_END, t1, "T", 2);
	expect_event(sock, "/t/a", "tok");
	send_str(sock, XS_READ, 0, "/t/a");
	expect_reply(sock, XS_READ, "in-tx", 5);

	/* A change meanwhile to a node it used makes the commit fail. */
	t1 = tx_begin(sock);
	t2 = tx_begin(sock);
	assert_int_not_equal(t1, t2);
	W(sock, t1, "/t/a\0one");
	W(sock, 0, "/t/a\0outside");
	expect_event(sock, "/t/a", "tok");
	W(sock, 0, "/t/a\0in-tx");		/* same value, still a change */
	expect_event(sock, "/t/a", "tok");
	send_req(sock, XS_TRANSACTION_END, t1, "T", 2);
	expect_error(sock, "EAGAIN");
	send_str(sock, XS_READ, 0, "/t/a");
	expect_reply(sock, XS_READ, "in-tx", 5);
	/* The id is gone after the failed commit. */
	send_str(sock, XS_READ, t1, "/t/a");
	expect_error(sock, "ENOENT");
	/* Abort always succeeds and changes nothing. */
	W(sock, t2, "/t/c\0x");
	ok(sock, XS_TRANSACTION_END, t2, "F", 2);
	send_str(sock, XS_READ, 0, "/t/c");
	expect_error(sock, "ENOENT");
	/* Bad ends. */
	send_req(sock, XS_TRANSACTION_END, 0, "T", 2);
	expect_error(sock, "ENOENT");
	t1 = tx_begin(sock);
	send_req(sock, XS_TRANSACTION_END, t1, "X", 2);
	expect_error(sock, "EINVAL");
	send_req(sock, XS_TRANSACTION_START, t1, "", 1);
	expect_error(sock, "EBUSY");
	/* Reads count: a node read in the transaction changed. */
	send_str(sock, XS_READ, t1, "/t/a");
	expect_reply(sock, XS_READ, "in-tx", 5);
	ok(sock, XS_RM, 0, "/t/a", 5);
	expect_event(sock, "/t/a", "tok");
	send_req(sock, XS_TRANSACTION_END, t1, "T", 2);
	expect_error(sock, "EAGAIN");
	/* A directory listing depends on the set of children. */
	t1 = tx_begin(sock);
	send_str(sock, XS_DIRECTORY, t1, "/t");
	pop(sock, (char[XENSTORE_PAYLOAD_MAX + 1]){ 0 });
	W(sock, 0, "/t/new\0x");
	expect_event(sock, "/t/new", "tok");
	send_req(sock, XS_TRANSACTION_END, t1, "T", 2);
	expect_error(sock, "EAGAIN");
	/* Creating under a node someone else changes: conflict. */
	t1 = tx_begin(sock);
	W(sock, t1, "/t/x/y\0v");
	W(sock, 0, "/t/sibling\0x");
	expect_event(sock, "/t/sibling", "tok");
	send_req(sock, XS_TRANSACTION_END, t1, "T", 2);
	expect_error(sock, "EAGAIN");
	/* Unrelated changes do not conflict; both sides' changes stay and
	 * the transaction's events fire at commit. */
	t1 = tx_begin(sock);
	send_str(sock, XS_READ, t1, "/t/new");
	expect_reply(sock, XS_READ, "x", 1);
	W(sock, t1, "/t/new\0from-tx");
	ok(sock, XS_MKDIR, t1, "/t/new/sub", 11);
	ok(sock, XS_SET_PERMS, t1, "/t/new/sub\0n0\0r3\0", 17);
	W(sock, 0, "/u/other\0y");		/* elsewhere */
	ok(sock, XS_TRANSACTION_END, t1, "T", 2);
	expect_event(sock, "/t/new", "tok");
	expect_event(sock, "/t/new/sub", "tok");
	expect_event(sock, "/t/new/sub", "tok");
	send_str(sock, XS_READ, 0, "/t/new");
	expect_reply(sock, XS_READ, "from-tx", 7);
	send_str(sock, XS_GET_PERMS, 0, "/t/new/sub");
	expect_reply(sock, XS_GET_PERMS, "n0\0r3", 6);
	send_str(sock, XS_READ, 0, "/u/other");
	expect_reply(sock, XS_READ, "y", 1);
	/* Nodes the transaction itself created as ancestors, then wrote
	 * under again (a toolstack laying out a domain): no conflict. */
	t1 = tx_begin(sock);
	W(sock, t1, "/dom/1/console/ring-ref\0" "5");
	W(sock, t1, "/dom/1/console/port\0" "2");
	W(sock, t1, "/dom/1/cpu/0/availability\0online");
	ok(sock, XS_TRANSACTION_END, t1, "T", 2);
	send_str(sock, XS_READ, 0, "/dom/1/console/port");
	expect_reply(sock, XS_READ, "2", 1);
	/* A removal in a transaction is replayed too. */
	t1 = tx_begin(sock);
	ok(sock, XS_RM, t1, "/t/new", 7);
	ok(sock, XS_TRANSACTION_END, t1, "T", 2);
	expect_event(sock, "/t/new", "tok");
	send_str(sock, XS_READ, 0, "/t/new/sub");
	expect_error(sock, "ENOENT");
	/* A closing connection drops its transactions (ASan checks leaks). */
	t1 = tx_begin(guest);
	assert_non_null(tx_find(guest, t1));
	conn_free(&d, guest);
	expect_empty(sock);
}

static void test_quotas(void **state)
{
	int i;
	char buf[32] = "";

	d.quota.watches = 3;
	d.quota.transactions = 2;
	for (i = 0; i < 3; i++) {
		memset(buf, 0, sizeof(buf));
		snprintf(buf, sizeof(buf), "/q%d", i);
		ok(guest, XS_WATCH, 0, buf, strlen(buf) + 2);	/* token "" */
		pop(guest, buf);				/* initial */
	}
	send_req(guest, XS_WATCH, 0, "/q9\0", 5);
	expect_error(guest, "ENOSPC");
	tx_begin(guest);
	tx_begin(guest);
	send_req(guest, XS_TRANSACTION_START, 0, "", 1);
	expect_error(guest, "ENOSPC");
	/* The privileged socket is not limited. */
	for (i = 0; i < 5; i++)
		tx_begin(sock);
	/* A guest that stops reading loses events, not dom0 memory. */
	d.quota.out_bytes = 64;
	ok(sock, XS_MKDIR, 0, "/local/domain/5", 16);
	ok(sock, XS_SET_PERMS, 0, "/local/domain/5\0b5\0", 19);
	ok(guest, XS_UNWATCH, 0, "/q0\0", 5);
	ok(guest, XS_WATCH, 0, "/local/domain/5\0", 17);
	for (i = 0; i < 50; i++)
		W(sock, 0, "/local/domain/5/x\0" "1");
	assert_true(guest->out_bytes < 256);
	assert_true(guest->events_dropped > 0);
}

/* Two transactions each under the node quota cannot add up past it. */
static void test_quota_across_transactions(void **state)
{
	uint32_t t1, t2;

	ok(sock, XS_MKDIR, 0, "/local/domain/5", 16);
	ok(sock, XS_SET_PERMS, 0, "/local/domain/5\0n5\0", 19);
	/* Separate directories, so the two do not conflict. */
	ok(sock, XS_MKDIR, 0, "/local/domain/5/x", 18);
	ok(sock, XS_MKDIR, 0, "/local/domain/5/y", 18);
	assert_int_equal(store_count_owned(&d.store, 5), 3);
	d.store.quota_nodes = 4;
	t1 = tx_begin(guest);
	t2 = tx_begin(guest);
	W(guest, t1, "x/a\0" "1");
	W(guest, t2, "y/c\0" "1");
	send_req(guest, XS_WRITE, t2, "y/d\0" "1", 5);
	expect_error(guest, "ENOSPC");
	ok(guest, XS_TRANSACTION_END, t1, "T", 2);
	send_req(guest, XS_TRANSACTION_END, t2, "T", 2);
	expect_error(guest, "ENOSPC");
	send_str(guest, XS_READ, 0, "y/c");
	expect_error(guest, "ENOENT");
	assert_int_equal(store_count_owned(&d.store, 5), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_split),
		cmocka_unit_test_setup_teardown(test_wire_oversize_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_write_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_paths_and_perms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_relative_and_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quotas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quota_across_transactions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
