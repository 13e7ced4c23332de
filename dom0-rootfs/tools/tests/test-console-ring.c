// SPDX-License-Identifier: GPL-2.0-only
/*
 * console/ring.c against a ring in host memory playing the guest's part:
 * wrap-around, full and empty rings, index overflow and hostile indices.
 */
// sources: console/ring.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "console/ring.h"

static struct xencons_interface ring;

static int reset(void **state)
{
	memset(&ring, 0, sizeof(ring));
	return 0;
}

/* The guest's side: append to out. */
static void guest_write(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		ring.out[MASK_XENCONS_IDX(ring.out_prod++, ring.out)] = s[i];
}

static void test_read_empty(void **state)
{
	char buf[8];

	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 0);
	assert_int_equal(ring.out_cons, 0);
}

static void test_read_basic_and_partial(void **state)
{
	char buf[16];

	guest_write("hello world");
	assert_int_equal(cons_ring_read(&ring, buf, 5), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(ring.out_cons, 5);
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, " world", 6);
	assert_int_equal(ring.out_cons, ring.out_prod);
}

static void test_read_wraps_and_index_overflow(void **state)
{
	char buf[32];

	/* Indices near 2^32 wrap through zero; the slots wrap at 2048. */
	ring.out_cons = ring.out_prod = UINT32_MAX - 3;
	guest_write("0123456789");
	assert_int_equal(ring.out_prod, 6);
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "0123456789", 10);
	assert_int_equal(ring.out_cons, 6);
}

static void test_read_full_ring(void **state)
{
	static char buf[4096];
	unsigned int i;

	for (i = 0; i < sizeof(ring.out); i++)
		ring.out[i] = (char)i;
	ring.out_cons = 100;
	ring.out_prod = 100 + sizeof(ring.out);
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), sizeof(ring.out));
	assert_int_equal(buf[0], (char)100);
	assert_int_equal(ring.out_cons, ring.out_prod);
}

static void test_read_hostile_prod(void **state)
{
	char buf[8];

	ring.out_cons = 10;
	ring.out_prod = 10 + sizeof(ring.out) + 1;
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), -EIO);
	assert_int_equal(ring.out_cons, ring.out_prod);
	/* prod behind cons is a huge distance too. */
	ring.out_cons = 10;
	ring.out_prod = 9;
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), -EIO);
	/* Recovered: next data reads normally. */
	guest_write("ok");
	assert_int_equal(cons_ring_read(&ring, buf, sizeof(buf)), 2);
}

static void test_write_basic_and_full(void **state)
{
	static char big[2048];

	assert_int_equal(cons_ring_write(&ring, "ls\n", 3), 3);
	assert_int_equal(ring.in_prod, 3);
	assert_memory_equal(ring.in, "ls\n", 3);
	/* 1021 more fit, then the ring is full until the guest consumes. */
	memset(big, 'x', sizeof(big));
	assert_int_equal(cons_ring_write(&ring, big, sizeof(big)), 1021);
	assert_int_equal(cons_ring_write(&ring, "y", 1), 0);
	ring.in_cons = 3;
	assert_int_equal(cons_ring_write(&ring, "yz", 2), 2);
	assert_int_equal(ring.in[0], 'y');
	assert_int_equal(ring.in[1], 'z');
	assert_int_equal(ring.in_prod, 1026);
}

static void test_write_hostile_cons(void **state)
{
	ring.in_prod = 5;
	ring.in_cons = 6;	/* consumed more than produced */
	assert_int_equal(cons_ring_write(&ring, "a", 1), -EIO);
	assert_int_equal(ring.in_prod, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_read_empty, reset),
		cmocka_unit_test_setup(test_read_basic_and_partial, reset),
		cmocka_unit_test_setup(test_read_wraps_and_index_overflow, reset),
		cmocka_unit_test_setup(test_read_full_ring, reset),
		cmocka_unit_test_setup(test_read_hostile_prod, reset),
		cmocka_unit_test_setup(test_write_basic_and_full, reset),
		cmocka_unit_test_setup(test_write_hostile_cons, reset),
	};

	return cmocka_run_group_tests_name("tools console ring", tests, NULL, NULL);
}
