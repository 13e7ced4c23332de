// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored/conn.c's shared-ring side against a ring page in plain memory
 * playing the guest: free-running indices that wrap, messages larger than
 * the ring streamed in pieces, hostile indices and headers, the per-call
 * budget and the stop on unread replies. Event channel calls fail
 * harmlessly here (no /dev/xen/evtchn; the fd is -1).
 */
// sources: xenstored/store.c xenstored/wire.c xenstored/watch.c xenstored/transaction.c xenstored/request.c xenstored/conn.c lib/evtchn.c lib/privcmd.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xenstored/conn.h"
#include "xenstored/wire.h"

static struct xsd d;
static struct io io;
static struct xenstore_domain_interface *ring;
static struct conn *c;

void xsd_log(const char *fmt, ...)
{
	(void)fmt;
}

static int setup(void **state)
{
	(void)state;
	ring = calloc(1, 4096);
	assert_int_equal(xsd_init(&d, &io_domain_ops), 0);
	assert_int_equal(io_init(&d, &io, true), 0);
	c = io_ring_new(&d, 5, false, ring, 9, false);
	assert_non_null(c);
	/* Domain 5 owns its home, as the toolstack would arrange. */
	{
		struct caller root = { 0, true };
		struct xs_perm own = { 5, XS_PERM_NONE };
		bool created;

		assert_int_equal(store_mkdir(&d.store, &root,
					     "/local/domain/5", &created), 0);
		assert_int_equal(store_set_perms(&d.store, &root,
						 "/local/domain/5", &own, 1),
				 0);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(c->io);		/* ring_free() would also unmap the page */
	conn_free(&d, c);
	xsd_destroy(&d);
	free(ring);
	return 0;
}

/* Guest side: put bytes into the request ring; false if they don't fit. */
static bool guest_put(const void *data, size_t len)
{
	const char *p = data;

	if (XENSTORE_RING_SIZE - (ring->req_prod - ring->req_cons) < len)
		return false;
	while (len--)
		ring->req[MASK_XENSTORE_IDX(ring->req_prod++)] = *p++;
	return true;
}

static bool guest_request(uint32_t type, uint32_t req_id, const void *body,
			  uint32_t len)
{
	struct xsd_sockmsg hdr = { type, req_id, 0, len };

	if (XENSTORE_RING_SIZE - (ring->req_prod - ring->req_cons) <
	    sizeof(hdr) + len)
		return false;
	return guest_put(&hdr, sizeof(hdr)) && guest_put(body, len);
}

/* Guest side: take @len bytes of responses; false if not there yet. */
static bool guest_get(void *data, size_t len)
{
	char *p = data;

	if (ring->rsp_prod - ring->rsp_cons < len)
		return false;
	while (len--)
		*p++ = ring->rsp[MASK_XENSTORE_IDX(ring->rsp_cons++)];
	return true;
}

/* guest_get(), letting the daemon write more while it is incomplete. */
static bool guest_get_wait(void *data, size_t len)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (guest_get(data, len))
			return true;
		io_ring_service(&d, c);
	}
	return false;
}

static void expect_response(uint32_t type, uint32_t req_id, const char *body,
			    uint32_t len)
{
	struct xsd_sockmsg hdr;
	char buf[XENSTORE_PAYLOAD_MAX];

	assert_true(guest_get(&hdr, sizeof(hdr)));
	assert_int_equal(hdr.type, type);
	assert_int_equal(hdr.req_id, req_id);
	assert_int_equal(hdr.len, len);
	assert_true(guest_get(buf, len));
	assert_memory_equal(buf, body, len);
}

static void test_requests_across_the_wrap(void **state)
{
	uint32_t i;

	/* Start near the 32-bit wrap so indices overflow during the test. */
	ring->req_cons = ring->req_prod = 0xfffffff0u;
	ring->rsp_cons = ring->rsp_prod = 0xffffff00u;
	for (i = 0; i < 40; i++) {
		assert_true(guest_request(XS_WRITE, i, "/local/domain/5/k\0v",
					  19));
		assert_false(io_ring_service(&d, c));
		expect_response(XS_WRITE, i, "OK", 3);
	}
	assert_true(ring->req_prod < 0x1000);		/* wrapped */
	assert_true(ring->rsp_prod < 0x1000);
	assert_int_equal(ring->req_cons, ring->req_prod);
	assert_int_equal(ring->error, XENSTORE_ERROR_NONE);
}

/* A 4 KiB value streams through 1 KiB rings in both directions. */
static void test_message_larger_than_ring(void **state)
{
	static char req[16 + 4096];
	struct xsd_sockmsg hdr = { XS_WRITE, 7, 0, 4096 };
	struct xsd_sockmsg rh;
	char big[4096];
	size_t sent = 0, got = 0, n;

	memcpy(req, &hdr, 16);
	memcpy(req + 16, "/local/domain/5/big", 20);
	memset(req + 36, 'x', 4096 - 20);
	while (sent < sizeof(req)) {
		n = XENSTORE_RING_SIZE - (ring->req_prod - ring->req_cons);
		if (n > sizeof(req) - sent)
			n = sizeof(req) - sent;
		assert_true(guest_put(req + sent, n));
		sent += n;
		io_ring_service(&d, c);
	}
	expect_response(XS_WRITE, 7, "OK", 3);
	assert_true(guest_request(XS_READ, 8, "/local/domain/5/big", 20));
	io_ring_service(&d, c);
	assert_true(guest_get(&rh, sizeof(rh)));
	assert_int_equal(rh.type, XS_READ);
	assert_int_equal(rh.len, 4096 - 20);
	while (got < rh.len) {
		n = ring->rsp_prod - ring->rsp_cons;
		assert_true(n > 0);
		assert_true(guest_get(big + got, n));
		got += n;
		io_ring_service(&d, c);		/* as after a notification */
	}
	assert_int_equal(got, 4096 - 20);
	assert_int_equal(big[0], 'x');
	assert_int_equal(big[got - 1], 'x');
}

static void test_hostile_request_indices(void **state)
{
	ring->req_cons = 0;
	ring->req_prod = XENSTORE_RING_SIZE + 1;
	io_ring_service(&d, c);
	assert_true(c->broken);
	assert_int_equal(ring->error, XENSTORE_ERROR_PROTO);
	assert_int_equal(ring->req_cons, 0);		/* nothing consumed */
}

static void test_hostile_response_indices(void **state)
{
	ring->rsp_cons = 5000;
	ring->rsp_prod = 0;
	assert_true(guest_request(XS_READ, 1, "/local\0", 7));
	io_ring_service(&d, c);
	assert_true(c->broken);
	assert_int_equal(ring->rsp_prod, 0);
}

static void test_oversized_header(void **state)
{
	struct xsd_sockmsg hdr = { XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };

	assert_true(guest_put(&hdr, sizeof(hdr)));
	io_ring_service(&d, c);
	assert_true(c->broken);
	assert_int_equal(ring->error, XENSTORE_ERROR_PROTO);
	assert_int_equal(ring->rsp_prod, 0);		/* no reply sent */
}

static void test_budget(void **state)
{
	unsigned int i, replies = 0;
	struct xsd_sockmsg hdr;
	char buf[64];

	/* 64 header-only requests (RESET_WATCHES) fill the ring exactly. */
	for (i = 0; i < 64; i++)
		assert_true(guest_request(XS_RESET_WATCHES, i, "", 0));
	/* Replies (19 bytes each) outgrow the response ring: the guest
	 * drains as it goes, the daemon keeps serving across calls. */
	for (i = 0; i < 200 && replies < 64; i++) {
		io_ring_service(&d, c);
		while (guest_get(&hdr, sizeof(hdr))) {
			assert_true(guest_get_wait(buf, hdr.len));
			assert_int_equal(hdr.req_id, replies);
			replies++;
		}
	}
	assert_int_equal(replies, 64);
	/* A full ring (64 requests) is more than one call's budget: the
	 * rest waits for the next call, which the caller is told about. */
	for (i = 0; i < XENSTORE_RING_SIZE / 16; i++)
		assert_true(guest_request(XS_RESET_WATCHES, i, "", 0));
	d.quota.out_bytes = 1 << 20;
	assert_true(io_ring_service(&d, c));
	assert_int_not_equal(ring->req_cons, ring->req_prod);
}

static void test_unread_replies_stop_reading(void **state)
{
	unsigned int i;

	d.quota.out_bytes = 100;
	/* The guest never reads: the response ring fills, then the queue
	 * passes the quota, then requests are left in the ring. */
	for (i = 0; i < 200; i++) {
		guest_request(XS_READ, i, "/local\0", 7);
		io_ring_service(&d, c);
	}
	assert_true(c->out_bytes <= 100 + 16 + 64);
	assert_int_not_equal(ring->req_cons, ring->req_prod);
	assert_false(c->broken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_requests_across_the_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_larger_than_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_request_indices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_response_indices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unread_replies_stop_reading, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
