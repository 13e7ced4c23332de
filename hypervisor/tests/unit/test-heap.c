// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/heap.c on top of the real common/page-alloc.c, over a test RAM
 * of RAM_FRAMES frames (see test-page-alloc.c for the shim directmap).
 */
// sources: common/heap.c common/page-alloc.c tests/unit/tlb-stub.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <hv/bug.h>
#include <hv/heap.h>
#include <hv/mm.h>
#include <hv/spinlock.h>
#include <asm/page.h>

#define RAM_FRAMES	4096		/* 16 MiB */
#define ALIGN		16
#define HDR		16		/* per-block header */

static struct page_info *table;

static int setup(void **state)
{
	void *base = mmap(NULL, (size_t)RAM_FRAMES << PAGE_SHIFT, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(base != MAP_FAILED);
	shim_ram.base = base;
	shim_ram.nr_frames = RAM_FRAMES;
	table = calloc(RAM_FRAMES, sizeof(*table));
	assert_non_null(table);
	page_alloc_init(table, RAM_FRAMES);
	page_alloc_add_range(0, RAM_FRAMES);
	heap_init();
	return 0;
}

static int teardown(void **state)
{
	munmap(shim_ram.base, (size_t)RAM_FRAMES << PAGE_SHIFT);
	shim_ram.base = NULL;
	shim_ram.nr_frames = 0;
	free(table);
	return 0;
}

/* xmalloc() that must succeed, with the checks every block deserves. */
static void *must_alloc(size_t size)
{
	uint8_t *p = xmalloc(size);
	uint8_t *ram = shim_ram.base;

	if (!p)
		fail_msg("xmalloc(%zu) failed", size);
	if ((uintptr_t)p % ALIGN)
		fail_msg("xmalloc(%zu) = %p is not %d-byte aligned", size, (void *)p, ALIGN);
	if (p < ram + HDR || p + size > ram + ((size_t)RAM_FRAMES << PAGE_SHIFT))
		fail_msg("xmalloc(%zu) = %p is outside the heap's RAM", size, (void *)p);
	assert_int_equal(shim.locks_held, 0);
	return p;
}

static const size_t sizes[] = {
	1, 15, 16, 17, 31, 32, 33, 48, 100, 112, 113, 240, 500, 1000, 2000,
	4096 - HDR,		/* the largest small block */
	4096 - HDR + 1,		/* the smallest page-backed one */
	5000, 8192, 100000, (size_t)1 << 20,
};

static void test_sizes_across_classes(void **state)
{
	void *p[ARRAY_SIZE(sizes)];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = must_alloc(sizes[i]);
		memset(p[i], 0x77, sizes[i]);	/* all of it is ours */
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		xfree(p[i]);
	assert_int_equal(shim.locks_held, 0);
}

static void test_zero_and_huge_sizes(void **state)
{
	uint64_t before = page_alloc_free_frames();

	assert_null(xmalloc(0));
	assert_null(xzalloc(0));
	assert_null(xmalloc(SIZE_MAX));
	assert_null(xmalloc(SIZE_MAX - HDR + 1));	/* size + header wraps */
	assert_null(xmalloc(SIZE_MAX / 2));
	assert_null(xmalloc((PAGE_SIZE << MAX_ORDER) - HDR + 1));	/* > MAX_ORDER */
	assert_null(xmalloc((size_t)RAM_FRAMES << PAGE_SHIFT));	/* more than there is */
	assert_int_equal(page_alloc_free_frames(), before);
	assert_int_equal(shim.locks_held, 0);
}

/* Many blocks of mixed sizes never overlap: each keeps its own pattern. */
static void test_blocks_are_distinct(void **state)
{
	enum { N = 400 };
	uint8_t *p[N];
	size_t len[N];

	for (unsigned int i = 0; i < N; i++) {
		len[i] = sizes[(i * 7) % ARRAY_SIZE(sizes)] % 20000 + 1;
		p[i] = must_alloc(len[i]);
		memset(p[i], (uint8_t)i, len[i]);
	}
	for (unsigned int i = 0; i < N; i++) {
		for (size_t k = 0; k < len[i]; k++)
			if (p[i][k] != (uint8_t)i)
				fail_msg("block %u (%zu bytes) overwritten at %zu", i, len[i], k);
		for (unsigned int j = 0; j < i; j++)
			if (p[i] < p[j] + len[j] + HDR && p[j] < p[i] + len[i] + HDR)
				fail_msg("blocks %u and %u overlap (headers included)", i, j);
	}
	for (unsigned int i = 0; i < N; i += 2)
		xfree(p[i]);
	for (unsigned int i = 1; i < N; i += 2)
		xfree(p[i]);
}

static void test_xzalloc_zeroes(void **state)
{
	static const size_t zs[] = { 24, 200, 3000, 10000 };

	for (size_t i = 0; i < ARRAY_SIZE(zs); i++) {
		uint8_t *p = must_alloc(zs[i]), *q;

		memset(p, 0xff, zs[i]);
		xfree(p);
		q = xzalloc(zs[i]);
		assert_non_null(q);
		if (zs[i] <= 4096 - HDR)
			assert_ptr_equal(q, p);	/* the dirty block came back ... */
		for (size_t k = 0; k < zs[i]; k++)
			if (q[k])
				fail_msg("xzalloc(%zu): byte %zu is %#x", zs[i], k, q[k]);
		xfree(q);
	}
}

/* A freed small block is the next one handed out in its class. */
static void test_free_then_reuse(void **state)
{
	void *a = must_alloc(40), *b = must_alloc(40), *c;

	assert_ptr_not_equal(a, b);
	xfree(a);
	c = must_alloc(33);		/* same class (64 bytes with header) */
	assert_ptr_equal(c, a);
	xfree(b);
	xfree(c);
	xfree(NULL);
	assert_int_equal(shim.locks_held, 0);
}

/* Small classes take one page at a time; big blocks get their own pages back to the allocator. */
static void test_page_usage(void **state)
{
	uint64_t start = page_alloc_free_frames();
	void *p[4096 / 32 + 1];
	void *big;

	for (size_t i = 0; i < 4096 / 32; i++)	/* 128 32-byte blocks: one page */
		p[i] = must_alloc(16);
	assert_int_equal(page_alloc_free_frames(), start - 1);
	p[4096 / 32] = must_alloc(1);
	assert_int_equal(page_alloc_free_frames(), start - 2);
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		xfree(p[i]);
	assert_int_equal(page_alloc_free_frames(), start - 2);	/* kept by the heap */

	big = must_alloc(3 * PAGE_SIZE);	/* 3 pages + header: an order-2 block */
	assert_int_equal(page_alloc_free_frames(), start - 2 - 4);
	xfree(big);
	assert_int_equal(page_alloc_free_frames(), start - 2);
}

static void test_out_of_memory(void **state)
{
	void *p;

	while (alloc_frames(0) != INVALID_MFN)
		;
	assert_null(xmalloc(16));
	assert_null(xzalloc(1000));
	assert_null(xmalloc(5000));
	assert_int_equal(shim.locks_held, 0);

	free_frames(0, 0);		/* one page: the small class can refill */
	p = xmalloc(16);
	assert_non_null(p);
	xfree(p);
}

static void test_double_free_is_a_bug(void **state)
{
	void *small = must_alloc(64), *big = must_alloc(20000);

	xfree(small);
	expect_bug_about(xfree(small), "HEAP_MAGIC_USED");
	xfree(big);
	expect_bug_about(xfree(big), "HEAP_MAGIC_USED");
}

static void test_bad_pointers_are_bugs(void **state)
{
	uint8_t *p = must_alloc(100);
	static uint8_t not_ours[64] __aligned(16);

	expect_bug_about(xfree(p + 8), "HEAP_ALIGN");		/* misaligned */
	expect_bug_about(xfree(p + 16), "HEAP_MAGIC_USED");	/* inside a block */
	expect_bug_about(xfree(not_ours + 32), "HEAP_MAGIC_USED");
	xfree(p);
}

/* A write into a free block's header is caught when the block is handed out. */
static void test_corrupted_free_block_is_a_bug(void **state)
{
	uint8_t *p = must_alloc(100);

	xfree(p);
	memset(p - HDR, 0, 4);		/* a stale pointer scribbles on the header */
	expect_bug_about(xmalloc(100), "HEAP_MAGIC_FREE");
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_sizes_across_classes),
		TEST(test_zero_and_huge_sizes),
		TEST(test_blocks_are_distinct),
		TEST(test_xzalloc_zeroes),
		TEST(test_free_then_reuse),
		TEST(test_page_usage),
		TEST(test_out_of_memory),
		TEST(test_double_free_is_a_bug),
		TEST(test_bad_pointers_are_bugs),
		TEST(test_corrupted_free_block_is_a_bug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
