// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant tables: the entry rules (common/grant-rules.c) on entries the test
 * owns, and the table bookkeeping (common/grant-table.c: growth, seeding,
 * maptrack) on the real page allocator and heap over a test RAM.
 *
 * The rules are checked for what the granting guest sees (its entry's
 * flags, GTF_reading/GTF_writing following the pins) and for what the
 * hypervisor keeps (the active record's snapshot and pin counts), on
 * success and on every refusal, which must leave both unchanged.
 */
// sources: common/grant-rules.c common/grant-table.c common/heap.c common/page-alloc.c tests/unit/tlb-stub.c
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <hv/bug.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/grant-table.h>
#include <hv/heap.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <asm/page.h>

#define RAM_FRAMES	4096		/* 16 MiB */
#define GRANTER		3
#define GRANTEE		7
#define FRAME		0x1234u
#define BAD_FRAME	0x999u
#define HOST_RO		(GNT_PIN_HOST)
#define HOST_RW		(GNT_PIN_HOST | GNT_PIN_WRITE)
#define DEV_RO		(GNT_PIN_DEV)
#define DEV_RW		(GNT_PIN_DEV | GNT_PIN_WRITE)

static struct page_info *table;
static unsigned int frame_ok_calls;

/* The granter's RAM is every frame but BAD_FRAME. */
static bool frame_ok(uint32_t frame, void *ctx)
{
	frame_ok_calls++;
	return frame != BAD_FRAME;
}

static void set_entry(grant_entry_v1_t *e, uint16_t flags, domid_t domid, uint32_t frame)
{
	e->flags = flags;
	e->domid = domid;
	e->frame = frame;
}

/* ---- entry rules --------------------------------------------------------- */

static void test_pin_first_rw(void **state)
{
	grant_entry_v1_t e;
	struct grant_active act = { 0 };

	set_entry(&e, GTF_permit_access, GRANTEE, FRAME);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RW, frame_ok, NULL), GNTST_okay);
	assert_int_equal(e.flags, GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(act.frame, FRAME);
	assert_int_equal(act.grantee, GRANTEE);
	assert_int_equal(act.pin[HOST_RW], 1);
	assert_int_equal(gnt_pins(&act), 1);
	gnt_unpin(&e, &act, HOST_RW);
	assert_int_equal(e.flags, GTF_permit_access);
	assert_int_equal(gnt_pins(&act), 0);
}

static void test_pin_readonly(void **state)
{
	grant_entry_v1_t e;
	struct grant_active act = { 0 };

	/* A read-only grant: read pins only. */
	set_entry(&e, GTF_permit_access | GTF_readonly, GRANTEE, FRAME);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RW, frame_ok, NULL),
			 GNTST_general_error);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, DEV_RW, frame_ok, NULL),
			 GNTST_general_error);
	assert_int_equal(e.flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(gnt_pins(&act), 0);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL), GNTST_okay);
	assert_int_equal(e.flags, GTF_permit_access | GTF_readonly | GTF_reading);
	/* Still no writing on top of a read pin. */
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RW, frame_ok, NULL),
			 GNTST_general_error);
	assert_int_equal(e.flags, GTF_permit_access | GTF_readonly | GTF_reading);
	gnt_unpin(&e, &act, HOST_RO);
	assert_int_equal(e.flags, GTF_permit_access | GTF_readonly);
}

/* Each refused entry: status, and nothing changed. */
static void test_pin_refused(void **state)
{
	static const struct {
		uint16_t flags;
		domid_t domid;
		uint32_t frame;
		domid_t asker;
		unsigned int how;
		int16_t want;
	} cases[] = {
		{ GTF_invalid, GRANTEE, FRAME, GRANTEE, HOST_RO, GNTST_general_error },
		{ GTF_accept_transfer, GRANTEE, FRAME, GRANTEE, HOST_RO, GNTST_general_error },
		{ GTF_transitive, GRANTEE, FRAME, GRANTEE, HOST_RO, GNTST_general_error },
		{ GTF_permit_access | GTF_sub_page, GRANTEE, FRAME, GRANTEE, HOST_RO,
		  GNTST_general_error },
		/* Granted to someone else: privilege does not matter here. */
		{ GTF_permit_access, GRANTEE, FRAME, 0, HOST_RO, GNTST_general_error },
		{ GTF_permit_access, GRANTEE, FRAME, GRANTEE + 1, DEV_RO, GNTST_general_error },
		{ GTF_permit_access | GTF_readonly, GRANTEE, FRAME, GRANTEE, HOST_RW,
		  GNTST_general_error },
		{ GTF_permit_access, GRANTEE, BAD_FRAME, GRANTEE, HOST_RW, GNTST_bad_page },
		{ GTF_permit_access, GRANTEE, BAD_FRAME, GRANTEE, DEV_RO, GNTST_bad_page },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		grant_entry_v1_t e;
		struct grant_active act = { 0 };

		set_entry(&e, cases[i].flags, cases[i].domid, cases[i].frame);
		assert_int_equal(gnt_pin(&e, &act, cases[i].asker, cases[i].how, frame_ok, NULL),
				 cases[i].want);
		assert_int_equal(e.flags, cases[i].flags);
		assert_int_equal(e.domid, cases[i].domid);
		assert_int_equal(gnt_pins(&act), 0);
	}
}

/* GTF_writing follows the write pins, GTF_reading all pins. */
static void test_pin_counting(void **state)
{
	grant_entry_v1_t e;
	struct grant_active act = { 0 };
	const uint16_t rw = GTF_permit_access | GTF_reading | GTF_writing;
	const uint16_t ro = GTF_permit_access | GTF_reading;

	set_entry(&e, GTF_permit_access, GRANTEE, FRAME);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL), GNTST_okay);
	assert_int_equal(e.flags, ro);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RW, frame_ok, NULL), GNTST_okay);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, DEV_RW, frame_ok, NULL), GNTST_okay);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, DEV_RO, frame_ok, NULL), GNTST_okay);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RW, frame_ok, NULL), GNTST_okay);
	assert_int_equal(e.flags, rw);
	assert_int_equal(gnt_pins(&act), 5);
	/* Only the first pin looked at the frame. */
	assert_int_equal(frame_ok_calls, 1);
	gnt_unpin(&e, &act, HOST_RW);
	gnt_unpin(&e, &act, DEV_RW);
	assert_int_equal(e.flags, rw);	/* one write pin left */
	gnt_unpin(&e, &act, HOST_RW);
	assert_int_equal(e.flags, ro);
	gnt_unpin(&e, &act, HOST_RO);
	assert_int_equal(e.flags, ro);
	gnt_unpin(&e, &act, DEV_RO);
	assert_int_equal(e.flags, GTF_permit_access);
	/* One unpin too many is a hypervisor bug. */
	expect_bug(gnt_unpin(&e, &act, DEV_RO));
	expect_bug(gnt_pin(&e, &act, GRANTEE, GNT_PIN_NR, frame_ok, NULL));
}

static int reset_calls(void **state)
{
	frame_ok_calls = 0;
	return 0;
}

/* The guest rewrites its entry while it is pinned: the snapshot holds. */
static void test_snapshot(void **state)
{
	grant_entry_v1_t e;
	struct grant_active act = { 0 };

	set_entry(&e, GTF_permit_access, GRANTEE, FRAME);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL), GNTST_okay);
	e.frame = BAD_FRAME;
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL), GNTST_okay);
	assert_int_equal(act.frame, FRAME);
	/* Handed to another grantee meanwhile: neither gets a new pin. */
	e.domid = GRANTEE + 1;
	assert_int_equal(gnt_pin(&e, &act, GRANTEE + 1, HOST_RO, frame_ok, NULL),
			 GNTST_general_error);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL),
			 GNTST_general_error);
	/* Revoked by force (Linux never does: reading is set): no new pins. */
	e.domid = GRANTEE;
	e.flags = 0;
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL),
			 GNTST_general_error);
	assert_int_equal(gnt_pins(&act), 2);
	gnt_unpin(&e, &act, HOST_RO);
	gnt_unpin(&e, &act, HOST_RO);
	assert_int_equal(e.flags, 0);
}

static void test_pin_overflow(void **state)
{
	grant_entry_v1_t e;
	struct grant_active act = { 0 };

	set_entry(&e, GTF_permit_access, GRANTEE, FRAME);
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL), GNTST_okay);
	act.pin[HOST_RO] = GNT_PIN_MAX;
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL),
			 GNTST_general_error);
	assert_int_equal(act.pin[HOST_RO], GNT_PIN_MAX);
	/* Other counters are separate. */
	assert_int_equal(gnt_pin(&e, &act, GRANTEE, DEV_RO, frame_ok, NULL), GNTST_okay);
}

/*
 * A guest vCPU rewriting its entry without pause: every pin attempt ends
 * (the cmpxchg retries are bounded) with okay or general_error, and an
 * okay one snapshotted the grantee the entry named (the guest's stores
 * may clear GTF_reading again: that is its own business).
 */
static volatile bool stop_flipper, flipper_running;

static void *flipper(void *arg)
{
	grant_entry_v1_t *e = arg;
	uint32_t *w = (uint32_t *)e;
	uint32_t a = GTF_permit_access | ((uint32_t)GRANTEE << 16);
	uint32_t b = GTF_permit_access | ((uint32_t)(GRANTEE + 1) << 16);

	flipper_running = true;
	while (!stop_flipper) {
		__atomic_store_n(w, a, __ATOMIC_SEQ_CST);
		__atomic_store_n(w, b, __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(w, a, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_racing_guest(void **state)
{
	grant_entry_v1_t e;
	pthread_t t;
	unsigned int ok = 0, refused = 0;

	set_entry(&e, GTF_permit_access, GRANTEE, FRAME);
	stop_flipper = false;
	flipper_running = false;
	assert_int_equal(pthread_create(&t, NULL, flipper, &e), 0);
	while (!flipper_running)
		sched_yield();
	/* Until both outcomes were seen (scheduling decides when), or a cap. */
	for (unsigned int i = 0; i < 2000000 && (ok < 100 || refused < 100); i++) {
		struct grant_active act = { 0 };
		int16_t st = gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL);

		if (st == GNTST_okay) {
			ok++;
			assert_int_equal(act.grantee, GRANTEE);
			gnt_unpin(&e, &act, HOST_RO);
		} else {
			assert_int_equal(st, GNTST_general_error);
			refused++;
		}
	}
	stop_flipper = true;
	pthread_join(t, NULL);
	/* The guest stopped on a valid entry: pinning works again. */
	{
		struct grant_active act = { 0 };

		assert_int_equal(gnt_pin(&e, &act, GRANTEE, HOST_RO, frame_ok, NULL), GNTST_okay);
		assert_int_equal(e.flags, GTF_permit_access | GTF_reading);
		gnt_unpin(&e, &act, HOST_RO);
		assert_int_equal(e.flags, GTF_permit_access);
	}
	print_message("# racing guest: %u pinned, %u refused\n", ok, refused);
}

static void test_index_nospec(void **state)
{
	assert_int_equal(array_index_nospec(0, 1), 0);
	assert_int_equal(array_index_nospec(5, 6), 5);
	assert_int_equal(array_index_nospec(6, 6), 0);
	assert_int_equal(array_index_nospec(0xffffffffUL, 512), 0);
	assert_int_equal(array_index_nospec(~0UL, ~0UL), 0);
	assert_int_equal(array_index_nospec(0, 0), 0);
}

/* ---- table bookkeeping --------------------------------------------------- */

static struct domain dom;

static int setup_ram(void **state)
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
	memset(&dom, 0, sizeof(dom));
	dom.domain_id = GRANTER;
	return 0;
}

static int teardown_ram(void **state)
{
	munmap(shim_ram.base, (size_t)RAM_FRAMES << PAGE_SHIFT);
	shim_ram.base = NULL;
	shim_ram.nr_frames = 0;
	free(table);
	return 0;
}

static void test_table_grow(void **state)
{
	struct grant_table *gt;
	grant_entry_v1_t *f0;
	mfn_t mfns[GNTTAB_DEFAULT_MAX_FRAMES];

	assert_int_equal(grant_table_init(&dom), 0);
	gt = dom.grant_table;
	assert_non_null(gt);
	assert_int_equal(gt->nr_frames, 0);
	assert_int_equal(gt->max_frames, GNTTAB_DEFAULT_MAX_FRAMES);
	assert_int_equal(gt->version, 1);
	assert_int_equal(gnttab_nr_entries(gt), 0);

	assert_int_equal(gnttab_grow(gt, GRANTER, 1), GNTST_okay);
	assert_int_equal(gt->nr_frames, 1);
	f0 = gt->shared[0];
	/*
	 * A hypervisor page its owner may map: owner set, PGC_XEN_HEAP, a
	 * writable type use of its own (never a page table), zeroed.
	 */
	{
		struct page_info *pg = mfn_to_page(virt_to_mfn(f0));

		assert_int_equal(pg->owner, GRANTER);
		assert_true(pg->count_info & PGC_XEN_HEAP);
		assert_int_equal(pg->count_info & PGC_COUNT_MASK, 0);
		assert_int_equal(page_get_type(pg), PGT_writable);
		assert_int_equal(page_type_count(pg), 1);
		for (size_t i = 0; i < GNTTAB_ENTRIES_PER_FRAME; i++)
			assert_int_equal(f0[i].flags, 0);
	}
	/* Growing keeps the frames there are; asking for fewer changes nothing. */
	assert_int_equal(gnttab_grow(gt, GRANTER, 3), GNTST_okay);
	assert_ptr_equal(gt->shared[0], f0);
	assert_int_equal(gnttab_grow(gt, GRANTER, 2), GNTST_okay);
	assert_int_equal(gt->nr_frames, 3);
	assert_int_equal(gnttab_nr_entries(gt), 3 * 512);
	/* Entry addressing across frames. */
	assert_ptr_equal(gnttab_entry(gt, 511), &gt->shared[0][511]);
	assert_ptr_equal(gnttab_entry(gt, 512), &gt->shared[1][0]);
	assert_ptr_equal(gnttab_active(gt, 1535), &gt->active[2][511]);
	expect_bug(gnttab_entry(gt, 1536));
	expect_bug(gnttab_active(gt, 1536));
	/* Up to the maximum, not beyond. */
	assert_int_equal(gnttab_grow(gt, GRANTER, GNTTAB_DEFAULT_MAX_FRAMES + 1),
			 GNTST_general_error);
	assert_int_equal(gt->nr_frames, 3);
	assert_int_equal(gnttab_grow(gt, GRANTER, GNTTAB_DEFAULT_MAX_FRAMES), GNTST_okay);
	assert_int_equal(gt->nr_frames, GNTTAB_DEFAULT_MAX_FRAMES);
	for (unsigned int i = 0; i < GNTTAB_DEFAULT_MAX_FRAMES; i++)
		mfns[i] = virt_to_mfn(gt->shared[i]);

	/* The shared frames go back to the allocator, without an owner. */
	grant_table_destroy(&dom);
	assert_null(dom.grant_table);
	for (unsigned int i = 0; i < GNTTAB_DEFAULT_MAX_FRAMES; i++) {
		struct page_info *pg = mfn_to_page(mfns[i]);

		assert_int_not_equal(pg->state, PGS_INUSE);
		assert_int_equal(pg->owner, UINT16_MAX);
		assert_int_equal(pg->count_info, 0);
	}
	grant_table_destroy(&dom);	/* no table: nothing to do */
}

static void test_table_gen(void **state)
{
	struct domain other = { .domain_id = GRANTER };
	uint64_t g1, g2;

	assert_int_equal(grant_table_init(&dom), 0);
	g1 = dom.grant_table->gen;
	grant_table_destroy(&dom);
	/* A new domain at the same domid gets a new generation. */
	assert_int_equal(grant_table_init(&other), 0);
	g2 = other.grant_table->gen;
	assert_true(g1 != g2);
	grant_table_destroy(&other);
}

static void test_seed(void **state)
{
	struct grant_table *gt;

	assert_int_equal(grant_table_init(&dom), 0);
	gt = dom.grant_table;
	assert_int_equal(grant_table_seed(&dom, GNTTAB_RESERVED_CONSOLE, 0, 0x4321,
					  GTF_permit_access), 0);
	assert_int_equal(grant_table_seed(&dom, GNTTAB_RESERVED_XENSTORE, 0, 0x4322,
					  GTF_permit_access | GTF_readonly), 0);
	assert_int_equal(gt->nr_frames, 1);
	assert_int_equal(gnttab_entry(gt, 0)->flags, GTF_permit_access);
	assert_int_equal(gnttab_entry(gt, 0)->domid, 0);
	assert_int_equal(gnttab_entry(gt, 0)->frame, 0x4321);
	assert_int_equal(gnttab_entry(gt, 1)->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(gnttab_entry(gt, 1)->frame, 0x4322);
	/* A seeded entry is what pins check. */
	{
		struct grant_active act = { 0 };

		assert_int_equal(gnt_pin(gnttab_entry(gt, 0), &act, 0, HOST_RW, frame_ok, NULL),
				 GNTST_okay);
		gnt_unpin(gnttab_entry(gt, 0), &act, HOST_RW);
	}
	/* Seeding a later ref grows the table. */
	assert_int_equal(grant_table_seed(&dom, 600, 1, 5, GTF_permit_access), 0);
	assert_int_equal(gt->nr_frames, 2);
	/* Refused. */
	assert_int_equal(grant_table_seed(&dom, 2, 0, 5, GTF_accept_transfer), -EINVAL);
	assert_int_equal(grant_table_seed(&dom, 2, 0, 5, GTF_permit_access | GTF_reading),
			 -EINVAL);
	assert_int_equal(grant_table_seed(&dom, 2, 0, 5, 0), -EINVAL);
	assert_int_equal(grant_table_seed(&dom, 2, 0, 1UL << 32, GTF_permit_access), -EINVAL);
	assert_int_equal(grant_table_seed(&dom, GNTTAB_DEFAULT_MAX_FRAMES * 512, 0, 5,
					  GTF_permit_access), -EINVAL);
	assert_int_equal(gnttab_entry(gt, 2)->flags, 0);
	grant_table_destroy(&dom);
	assert_int_equal(grant_table_seed(&dom, 0, 0, 5, GTF_permit_access), -EINVAL);
}

static void test_maptrack(void **state)
{
	struct grant_table *gt;
	unsigned int max = MAPTRACK_MAX_PAGES * MAPTRACK_PER_PAGE;
	uint32_t h;

	assert_int_equal(grant_table_init(&dom), 0);
	gt = dom.grant_table;
	assert_null(maptrack_lookup(gt, 0));
	assert_null(maptrack_lookup(gt, 0xffffffff));
	/* Handles come out lowest first; a record in use is found by lookup. */
	for (uint32_t i = 0; i < 3; i++) {
		h = maptrack_get(gt);
		assert_int_equal(h, i);
		maptrack_at(gt, h)->flags = GNTMAP_host_map;
	}
	assert_non_null(maptrack_lookup(gt, 1));
	assert_null(maptrack_lookup(gt, 3));	/* allocated page, free record */
	maptrack_put(gt, 1);
	assert_null(maptrack_lookup(gt, 1));
	assert_int_equal(maptrack_get(gt), 1);	/* reused */
	maptrack_at(gt, 1)->flags = GNTMAP_device_map;
	assert_int_equal(gt->maptrack_used, 3);
	/* Fill it: then no handle, and nothing broken. */
	for (unsigned int i = 3; i < max; i++) {
		h = maptrack_get(gt);
		assert_int_equal(h, i);
		maptrack_at(gt, h)->flags = GNTMAP_host_map;
	}
	assert_int_equal(maptrack_get(gt), MAPTRACK_NONE);
	assert_int_equal(gt->maptrack_pages, MAPTRACK_MAX_PAGES);
	assert_null(maptrack_lookup(gt, max));
	expect_bug(maptrack_at(gt, max));
	for (unsigned int i = 0; i < max; i++)
		maptrack_put(gt, i);
	assert_int_equal(gt->maptrack_used, 0);
	expect_bug(maptrack_put(gt, 0));
	grant_table_destroy(&dom);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pin_first_rw, reset_calls),
		cmocka_unit_test_setup(test_pin_readonly, reset_calls),
		cmocka_unit_test_setup(test_pin_refused, reset_calls),
		cmocka_unit_test_setup(test_pin_counting, reset_calls),
		cmocka_unit_test_setup(test_snapshot, reset_calls),
		cmocka_unit_test_setup(test_pin_overflow, reset_calls),
		cmocka_unit_test_setup(test_racing_guest, reset_calls),
		cmocka_unit_test(test_index_nospec),
		cmocka_unit_test_setup_teardown(test_table_grow, setup_ram, teardown_ram),
		cmocka_unit_test_setup_teardown(test_table_gen, setup_ram, teardown_ram),
		cmocka_unit_test_setup_teardown(test_seed, setup_ram, teardown_ram),
		cmocka_unit_test_setup_teardown(test_maptrack, setup_ram, teardown_ram),
	};

	return cmocka_run_group_tests_name("grant", tests, NULL, NULL);
}
