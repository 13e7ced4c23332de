// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/page-alloc.c: the buddy allocator over a frame table the test
 * owns. The "directmap" behind mfn_to_virt() is an anonymous mapping
 * reserved but not committed (MAP_NORESERVE), so a 1 GiB test RAM costs
 * only the pages that are actually written (zeroing and poisoning).
 *
 * The test keeps its own record of every live block; check_heap() then
 * walks the whole frame table and checks it against that record.
 */
// sources: common/page-alloc.c tests/unit/tlb-stub.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <hv/bug.h>
#include <hv/mm.h>
#include <hv/spinlock.h>
#include <asm/page.h>

#define POISON		0xa5	/* what CONFIG_DEBUG fills freed frames with */
#define SMALL_RAM	4100	/* frames: deliberately not a power of two */
#define MAX_LIVE	8192

static struct page_info *table;
static mfn_t nr_frames;
static uint8_t *added;		/* frames handed to the allocator */
static uint8_t *owned;		/* frames inside a live block */

static struct {
	mfn_t mfn;
	unsigned int order;
} live[MAX_LIVE];
static unsigned int nr_live;

static void ram_init(mfn_t n)
{
	size_t bytes = n << PAGE_SHIFT;
	void *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert_true(base != MAP_FAILED);
	shim_ram.base = base;
	shim_ram.nr_frames = n;
	nr_frames = n;
	table = calloc(n, sizeof(*table));
	added = calloc(n, 1);
	owned = calloc(n, 1);
	assert_non_null(table);
	assert_non_null(added);
	assert_non_null(owned);
	nr_live = 0;
	page_alloc_init(table, n);
}

static int setup_small(void **state)
{
	ram_init(SMALL_RAM);
	return 0;
}

static int setup_big(void **state)
{
	ram_init(1ULL << MAX_ORDER);
	return 0;
}

static int teardown(void **state)
{
	munmap(shim_ram.base, shim_ram.nr_frames << PAGE_SHIFT);
	shim_ram.base = NULL;
	shim_ram.nr_frames = 0;
	free(table);
	free(added);
	free(owned);
	return 0;
}

static void add(mfn_t start, mfn_t end)
{
	page_alloc_add_range(start, end);
	memset(added + start, 1, end - start);
	assert_int_equal(shim.locks_held, 0);
}

/* alloc_frames() plus the test's record; checks the block it gets. */
static mfn_t alloc(unsigned int order)
{
	mfn_t mfn = alloc_frames(order);

	assert_int_equal(shim.locks_held, 0);
	if (mfn == INVALID_MFN)
		return mfn;
	if (mfn & ((1ULL << order) - 1) || mfn + (1ULL << order) > nr_frames)
		fail_msg("order-%u block at %#llx: misaligned or past the table", order,
			 (unsigned long long)mfn);
	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++) {
		if (!added[i] || owned[i])
			fail_msg("order-%u block at %#llx: frame %#llx is %s", order,
				 (unsigned long long)mfn, (unsigned long long)i,
				 owned[i] ? "already in use" : "not RAM we added");
		owned[i] = 1;
	}
	assert_true(nr_live < MAX_LIVE);
	live[nr_live].mfn = mfn;
	live[nr_live].order = order;
	nr_live++;
	return mfn;
}

/* Free the @i-th live block (order changes as blocks come and go). */
static void release(unsigned int i)
{
	mfn_t mfn = live[i].mfn;
	unsigned int order = live[i].order;

	free_frames(mfn, order);
	assert_int_equal(shim.locks_held, 0);
	memset(owned + mfn, 0, 1ULL << order);
	live[i] = live[--nr_live];
}

static void release_all(void)
{
	while (nr_live)
		release(nr_live - 1);
}

static uint64_t live_frames(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < nr_live; i++)
		n += 1ULL << live[i].order;
	return n;
}

/*
 * Walk the frame table: every frame is reserved (never added), in a live
 * block, or in exactly one free block; free blocks are aligned, linked
 * consistently and fully merged; the counters agree with all that.
 */
static void check_heap(void)
{
	uint64_t free_frames_seen = 0;
	mfn_t mfn = 0;

	while (mfn < nr_frames) {
		const struct page_info *pg = mfn_to_page(mfn);
		mfn_t size;

		switch (pg->state) {
		case PGS_RESERVED:
			if (added[mfn])
				fail_msg("frame %#llx was added but is reserved",
					 (unsigned long long)mfn);
			mfn++;
			continue;
		case PGS_INUSE:
			if (!owned[mfn])
				fail_msg("frame %#llx is in use but we never got it",
					 (unsigned long long)mfn);
			mfn++;
			continue;
		case PGS_FREE:
			break;
		default:
			fail_msg("frame %#llx: state %u outside a free block",
				 (unsigned long long)mfn, pg->state);
		}
		size = 1ULL << pg->order;
		if (pg->order > MAX_ORDER || mfn & (size - 1) || mfn + size > nr_frames)
			fail_msg("free block %#llx order %u is misaligned or too big",
				 (unsigned long long)mfn, pg->order);
		if (pg->order < MAX_ORDER && (mfn ^ size) < nr_frames &&
		    table[mfn ^ size].state == PGS_FREE && table[mfn ^ size].order == pg->order)
			fail_msg("free buddies %#llx and %#llx were not merged",
				 (unsigned long long)mfn, (unsigned long long)(mfn ^ size));
		if (pg->next != PAGE_LIST_NONE &&
		    (table[pg->next].prev != mfn || table[pg->next].state != PGS_FREE ||
		     table[pg->next].order != pg->order))
			fail_msg("free list broken after %#llx", (unsigned long long)mfn);
		if (pg->prev != PAGE_LIST_NONE && table[pg->prev].next != mfn)
			fail_msg("free list broken before %#llx", (unsigned long long)mfn);
		for (mfn_t i = mfn; i < mfn + size; i++) {
			if (!added[i] || owned[i])
				fail_msg("free block %#llx holds frame %#llx, which is %s",
					 (unsigned long long)mfn, (unsigned long long)i,
					 owned[i] ? "in use" : "not RAM we added");
			if (i > mfn && table[i].state != PGS_FREE_TAIL)
				fail_msg("frame %#llx inside free block %#llx has state %u",
					 (unsigned long long)i, (unsigned long long)mfn,
					 table[i].state);
		}
		free_frames_seen += size;
		mfn += size;
	}
	assert_int_equal(free_frames_seen, page_alloc_free_frames());
	assert_int_equal(page_alloc_free_frames() + live_frames(), page_alloc_total_frames());
	assert_int_equal(shim.locks_held, 0);
}

static void test_init_all_reserved(void **state)
{
	assert_int_equal(page_alloc_nr_frames(), nr_frames);
	assert_int_equal(page_alloc_free_frames(), 0);
	assert_int_equal(page_alloc_total_frames(), 0);
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		assert_int_equal(alloc_frames(o), INVALID_MFN);
	for (mfn_t i = 0; i < nr_frames; i++) {
		assert_int_equal(mfn_to_page(i)->state, PGS_RESERVED);
		assert_int_equal(mfn_to_page(i)->owner, UINT16_MAX);
	}
	add(10, 10);		/* empty range: nothing */
	assert_int_equal(page_alloc_total_frames(), 0);
	check_heap();
}

static void test_add_aligned_range(void **state)
{
	add(0, 4096);
	assert_int_equal(page_alloc_total_frames(), 4096);
	assert_int_equal(page_alloc_free_frames(), 4096);
	check_heap();
	assert_int_equal(alloc(13), INVALID_MFN);
	assert_int_equal(alloc(12), 0);
	assert_int_equal(alloc(0), INVALID_MFN);
	assert_int_equal(page_alloc_free_frames(), 0);
	check_heap();
}

/* [3, 1000) is cut into the largest aligned blocks: no order-9 block fits. */
static void test_add_unaligned_range(void **state)
{
	add(3, 1000);
	assert_int_equal(page_alloc_total_frames(), 997);
	check_heap();
	assert_int_equal(alloc(9), INVALID_MFN);
	assert_int_equal(alloc(8) + alloc(8), 256 + 512);	/* in either order */
	assert_int_equal(alloc(8), INVALID_MFN);
	release_all();
	check_heap();

	/* Frame by frame: exactly the 997 frames of the range, each once. */
	while (alloc(0) != INVALID_MFN)
		;
	assert_int_equal(nr_live, 997);
	assert_int_equal(page_alloc_free_frames(), 0);
	check_heap();
	release_all();
	assert_int_equal(page_alloc_free_frames(), 997);
	check_heap();
}

/* Ranges added separately merge with free neighbours into bigger blocks. */
static void test_adjacent_ranges_merge(void **state)
{
	add(0, 3);
	add(5, 8);
	assert_int_equal(alloc(2), INVALID_MFN);
	add(3, 5);
	check_heap();
	assert_int_equal(alloc(3), 0);
	assert_int_equal(page_alloc_total_frames(), 8);
	check_heap();
}

static void test_alignment_of_every_order(void **state)
{
	add(1, SMALL_RAM);
	for (unsigned int round = 0; round < 3; round++) {
		for (unsigned int o = 0; o <= 8; o++)
			assert_int_not_equal(alloc(o), INVALID_MFN);	/* alloc() checks */
		check_heap();
	}
	release_all();
	check_heap();
}

static void test_exhaustion_and_full_coalescing(void **state)
{
	uint64_t total;

	add(0, SMALL_RAM);
	total = page_alloc_total_frames();
	assert_int_equal(total, SMALL_RAM);
	while (alloc(0) != INVALID_MFN)
		;
	assert_int_equal(nr_live, total);
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		assert_int_equal(alloc(o), INVALID_MFN);
	check_heap();

	/* Free every other frame first: nothing can merge until the rest go. */
	for (unsigned int i = nr_live; i-- > 0;)
		if (live[i].mfn & 1)
			release(i);
	assert_int_equal(alloc(1), INVALID_MFN);
	check_heap();
	release_all();
	assert_int_equal(page_alloc_free_frames(), total);
	check_heap();
	assert_int_equal(alloc(12), 0);
}

static void test_order_above_max_refused(void **state)
{
	add(0, 1024);
	assert_int_equal(alloc_frames(MAX_ORDER + 1), INVALID_MFN);
	assert_int_equal(alloc_frames(64), INVALID_MFN);
	assert_int_equal(alloc_frames(~0U), INVALID_MFN);
	assert_int_equal(page_alloc_free_frames(), 1024);
	check_heap();
	expect_bug_about(free_frames(0, MAX_ORDER + 1), "MAX_ORDER");
}

/* Mixed orders split a 1 GiB block; freeing them all rebuilds it. */
static void test_max_order_block_comes_back(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	add(0, 1ULL << MAX_ORDER);
	assert_int_equal(page_alloc_total_frames(), 1ULL << MAX_ORDER);
	for (unsigned int i = 0; i < 600; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		assert_int_not_equal(alloc(seed % 9), INVALID_MFN);
	}
	assert_int_equal(alloc(MAX_ORDER), INVALID_MFN);
	check_heap();
	while (nr_live) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		release(seed % nr_live);
	}
	assert_int_equal(page_alloc_free_frames(), page_alloc_total_frames());
	check_heap();
	/* Not freed again: poisoning 1 GiB would commit it all. */
	assert_int_equal(alloc(MAX_ORDER), 0);
	assert_int_equal(alloc(0), INVALID_MFN);
}

/* Random allocations and frees over two ranges with a hole between them. */
static void test_random_stress(void **state)
{
	uint64_t seed = 0x0123456789abcdefULL, total;
	unsigned int fails = 0;

	add(1, 1500);
	add(2000, SMALL_RAM);
	total = page_alloc_total_frames();
	check_heap();
	for (unsigned int step = 0; step < 20000; step++) {
		uint64_t r;

		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		r = seed >> 11;
		if (nr_live && (r % 100 < 45 || nr_live == MAX_LIVE)) {
			release((r >> 8) % nr_live);
		} else {
			/* Mostly small orders, now and then a big one. */
			unsigned int order = r % 16 ? (r >> 8) % 5 : (r >> 8) % 12;
			uint64_t before = page_alloc_free_frames();

			if (alloc(order) == INVALID_MFN) {
				fails++;
				assert_int_equal(page_alloc_free_frames(), before);
			}
		}
		if (step % 16 == 0)
			check_heap();
	}
	assert_true(fails > 0);		/* the heap did run dry now and then */
	check_heap();
	release_all();
	assert_int_equal(page_alloc_free_frames(), total);
	check_heap();
}

/* alloc_frames_below(): every frame of the block lies below the limit. */
static mfn_t alloc_below(unsigned int order, mfn_t limit)
{
	mfn_t mfn = alloc_frames_below(order, limit);

	assert_int_equal(shim.locks_held, 0);
	if (mfn == INVALID_MFN)
		return mfn;
	if (mfn + (1ULL << order) > limit || mfn & ((1ULL << order) - 1))
		fail_msg("order-%u block at %#llx: not below %#llx or misaligned", order,
			 (unsigned long long)mfn, (unsigned long long)limit);
	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++) {
		assert_true(added[i] && !owned[i]);
		owned[i] = 1;
	}
	live[nr_live].mfn = mfn;
	live[nr_live].order = order;
	nr_live++;
	return mfn;
}

static void test_alloc_below_limit(void **state)
{
	mfn_t a;

	add(256, 1024);
	/* Nothing lies below 256 + 8: no order-3 block fits under 263. */
	assert_int_equal(alloc_below(3, 263), INVALID_MFN);
	assert_int_equal(alloc_below(3, 264), 256);
	/* The big free blocks lie higher; below 300 only small ones remain. */
	a = alloc_below(2, 300);
	assert_true(a != INVALID_MFN && a + 4 <= 300);
	assert_int_equal(alloc_below(6, 300), INVALID_MFN);
	assert_true(alloc_below(6, 1024) != INVALID_MFN);
	assert_int_equal(alloc_frames_below(MAX_ORDER + 1, ~0ULL), INVALID_MFN);
	assert_int_equal(alloc_below(0, 0), INVALID_MFN);
	check_heap();
	/* Exhaust below 512, then only frames above it come back. */
	while (alloc_below(0, 512) != INVALID_MFN)
		;
	a = alloc_below(0, 1024);
	assert_true(a >= 512 && a < 1024);
	check_heap();
	release_all();
	assert_int_equal(page_alloc_free_frames(), 768);
	check_heap();
}

static void test_split_block_frees_frame_by_frame(void **state)
{
	mfn_t a;

	add(0, 64);
	a = alloc_frames(4);
	assert_true(a != INVALID_MFN);
	split_frames(a, 4);
	/* The whole block's order is gone: freeing it as one is a bug now. */
	expect_bug_about(free_frames(a, 4), "order");
	for (mfn_t i = a; i < a + 16; i++)
		free_frames(i, 0);
	assert_int_equal(page_alloc_free_frames(), 64);
	check_heap();
	assert_int_equal(alloc_frames(6), 0);	/* fully merged again */
	free_frames(0, 6);
	/* Splitting what is not an allocated block of that order is a bug. */
	expect_bug_about(split_frames(0, 0), "PGS_INUSE");
	a = alloc_frames(2);
	expect_bug_about(split_frames(a, 3), "order");
	expect_bug_about(split_frames(a + 1, 0), "order");
	free_frames(a, 2);
	check_heap();
}

static void test_double_free_is_a_bug(void **state)
{
	mfn_t a, b;

	add(0, 64);
	a = alloc(0);
	b = alloc(3);
	release(0);		/* a */
	expect_bug_about(free_frames(a, 0), "PGS_INUSE");
	release(0);		/* b, moved into slot 0 */
	expect_bug_about(free_frames(b, 3), "PGS_INUSE");
	check_heap();
}

static void test_free_with_wrong_order_is_a_bug(void **state)
{
	mfn_t m;

	add(0, 64);
	m = alloc(2);
	expect_bug_about(free_frames(m, 1), "frames[mfn].order");
	expect_bug_about(free_frames(m, 3), "frames[mfn].order");
	expect_bug_about(free_frames(m, 0), "frames[mfn].order");
	release(0);		/* the right order still works */
	check_heap();
}

static void test_free_bad_frame_is_a_bug(void **state)
{
	add(0, 64);
	alloc(2);
	expect_bug_about(free_frames(1, 1), "mfn &");		/* misaligned */
	expect_bug_about(free_frames(nr_frames, 0), "nr_frames");
	expect_bug_about(free_frames(~0ULL, 0), "nr_frames");
	expect_bug_about(free_frames(100, 0), "PGS_INUSE");	/* never added */
	expect_bug_about(free_frames(32, 0), "PGS_INUSE");	/* free already */
}

/*
 * Tail frames of an allocated block are PGS_INUSE too and keep a stale
 * order, so free_frames() cannot tell them from a block head: a frame
 * freed twice goes unnoticed once it has become the tail of a new block,
 * and that block's second frame is then handed out again while it is live.
 */
static void test_double_free_of_a_reused_frame_is_a_bug(void **state)
{
	add(0, 8);
	assert_int_equal(alloc(0) + alloc(0), 1);	/* frames 0 and 1 */
	release_all();					/* all merges back */
	assert_int_equal(alloc(1), 0);			/* frame 1 is its tail */
	expect_bug_about(free_frames(1, 0), "PGS_INUSE");	/* freed already */
}

static void test_add_range_bugs(void **state)
{
	add(0, 16);
	expect_bug_about(page_alloc_add_range(8, 24), "PGS_RESERVED");	/* again */
	expect_bug_about(page_alloc_add_range(16, nr_frames + 1), "nr_frames");
	expect_bug_about(page_alloc_add_range(40, 30), "start > end");
}

static void test_frame_table_limits(void **state)
{
	expect_bug_about(mfn_to_page(nr_frames), "nr_frames");
	assert_ptr_equal(mfn_to_page(nr_frames - 1), &table[nr_frames - 1]);
	/* List links are 32-bit: a bigger table is refused before it is touched. */
	expect_bug_about(page_alloc_init(NULL, (mfn_t)UINT32_MAX + 1), "UINT32_MAX");
	page_alloc_init(table, nr_frames);
}

static bool all_bytes(const void *p, uint8_t v, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

/* alloc_pages() hands out zeroed memory; freed frames are poisoned (debug build). */
static void test_pages_zeroed_then_poisoned(void **state)
{
	uint8_t *p, *q;

	add(0, 64);
	p = alloc_pages(1);
	assert_non_null(p);
	assert_int_equal(virt_to_mfn(p) & 1, 0);
	assert_ptr_equal(mfn_to_virt(virt_to_mfn(p)), p);
	assert_true(all_bytes(p, 0, 2 * PAGE_SIZE));
	memset(p, 0x3c, 2 * PAGE_SIZE);
	free_pages(p, 1);
	assert_true(all_bytes(p, POISON, 2 * PAGE_SIZE));
	assert_int_equal(page_alloc_free_frames(), 64);

	q = alloc_pages(1);
	assert_ptr_equal(q, p);		/* the same frames come back ... */
	assert_true(all_bytes(q, 0, 2 * PAGE_SIZE));	/* ... zeroed again */
	free_pages(q, 1);
	free_pages(NULL, 3);		/* no-op */
	assert_int_equal(page_alloc_free_frames(), 64);

	while (alloc_frames(0) != INVALID_MFN)
		;
	assert_null(alloc_pages(0));
}

#define SMALL(f) cmocka_unit_test_setup_teardown(f, setup_small, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		SMALL(test_init_all_reserved),
		SMALL(test_add_aligned_range),
		SMALL(test_add_unaligned_range),
		SMALL(test_adjacent_ranges_merge),
		SMALL(test_alignment_of_every_order),
		SMALL(test_exhaustion_and_full_coalescing),
		SMALL(test_order_above_max_refused),
		cmocka_unit_test_setup_teardown(test_max_order_block_comes_back, setup_big,
						teardown),
		SMALL(test_random_stress),
		SMALL(test_alloc_below_limit),
		SMALL(test_split_block_frees_frame_by_frame),
		SMALL(test_double_free_is_a_bug),
		SMALL(test_free_with_wrong_order_is_a_bug),
		SMALL(test_free_bad_frame_is_a_bug),
		SMALL(test_double_free_of_a_reused_frame_is_a_bug),
		SMALL(test_add_range_bugs),
		SMALL(test_frame_table_limits),
		SMALL(test_pages_zeroed_then_poisoned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
