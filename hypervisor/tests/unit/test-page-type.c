// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/page-type.c: frame references and types, driven through a model
 * of the PV MMU's page-table validator. The test owns a small frame table
 * and, per frame, an array of "entries" (child frame, RW bit). Validating
 * a frame as Ln takes, for each present entry, a reference on the child
 * plus a type use: L(n-1) for n > 1, writable for an RW L1 entry, none for
 * an RO one. Devalidating drops them again. That is the shape of the real
 * MMU (arch/x86/pv/mm.c), so the cascades the rules promise (rollback on a
 * failed validation, devalidation at the last put) happen here as well.
 *
 * Every use the test itself takes from outside (a pin, a CR3 load, a
 * mapping we do not model) is recorded as a "hold"; check_model() then
 * recomputes each frame's exact reference and type counts from the holds
 * plus the entries of every validated table, and compares.
 *
 * Frames start allocated to DOM (PGC_ALLOCATED). The last cases race two
 * threads on the real atomics: another domain's references and writable
 * uses against the owner giving the frame up or making it a table.
 */
// sources: common/page-type.c tests/unit/tlb-stub.c
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <hv/bug.h>
#include <hv/errno.h>
#include <hv/page-type.h>
#include "tlb-stub.h"

#define DOM		1	/* the guest that owns the frames */
#define OTHER_DOM	2
#define NR_FRAMES	128
#define NR_SLOTS	8	/* entries per model page table */
#define MAX_HOLDS	4096

#define TYPE(t)		((uint32_t)(t) << PGT_TYPE_SHIFT)
#define ALLOC		PGC_ALLOCATED
#define FOREIGN(n)	((uint64_t)(n) << PGC_FOREIGN_SHIFT)

struct entry {
	bool present;
	bool rw;		/* only L1 entries look at it */
	unsigned int child;	/* frame index */
};

struct hold {
	unsigned int f;
	enum page_type type;	/* PGT_none: a reference only */
};

/* Everything the test knows; reset before each case by setup(). */
static struct model {
	struct page_info frames[NR_FRAMES];
	struct entry ents[NR_FRAMES][NR_SLOTS];
	unsigned int validate_calls[NR_FRAMES];
	unsigned int devalidate_calls[NR_FRAMES];
	unsigned int validated[NR_FRAMES];	/* validations not yet undone */
	uint32_t devalidate_saw[NR_FRAMES];	/* type_info inside devalidate */
	unsigned int next_frame;
	struct hold holds[MAX_HOLDS];
	unsigned int nr_holds;
} m;

/*
 * Is frame @a in the state @b is, references, type and owner alike? The
 * TLB-flush stamp is left out: a table validated and then rolled back is
 * stamped (a CPU may have walked it meanwhile), and that is right.
 */
static bool frame_same(const struct page_info *a, const struct page_info *b)
{
	return a->count_info == b->count_info && a->type_info == b->type_info &&
	       a->owner == b->owner && a->state == b->state;
}

static bool frames_same(const struct page_info *a, const struct page_info *b)
{
	for (unsigned int f = 0; f < NR_FRAMES; f++)
		if (!frame_same(&a[f], &b[f]))
			return false;
	return true;
}

static int setup(void **state)
{
	memset(&m, 0, sizeof(m));
	for (unsigned int f = 0; f < NR_FRAMES; f++) {
		m.frames[f].state = PGS_INUSE;
		m.frames[f].owner = DOM;
		m.frames[f].order = 0;
		m.frames[f].count_info = ALLOC;
	}
	return 0;
}

static unsigned int frame_of(const struct page_info *pg)
{
	ptrdiff_t f = pg - m.frames;

	assert_true(f >= 0 && f < NR_FRAMES);
	return (unsigned int)f;
}

static struct page_info *pg_of(unsigned int f)
{
	return &m.frames[f];
}

static uint32_t refs(unsigned int f)
{
	return m.frames[f].count_info & PGC_COUNT_MASK;
}

static unsigned int new_frame(void)
{
	assert_true(m.next_frame < NR_FRAMES);
	return m.next_frame++;
}

static void set_entry(unsigned int f, unsigned int slot, unsigned int child, bool rw)
{
	m.ents[f][slot] = (struct entry){ .present = true, .rw = rw, .child = child };
}

/* The type use an entry of an @type table takes on its child. */
static enum page_type entry_need(enum page_type type, const struct entry *e)
{
	if (type == PGT_l1)
		return e->rw ? PGT_writable : PGT_none;
	return (enum page_type)(type - 1);
}

static int model_validate(struct page_info *pg, enum page_type type, void *ctx);
static void model_devalidate(struct page_info *pg, enum page_type type, void *ctx);

/* What validating one present entry of @pg (an @type table) takes. */
static int entry_get(struct page_info *pg, enum page_type type, const struct entry *e)
{
	struct page_info *child = pg_of(e->child);
	enum page_type need = entry_need(type, e);

	if (!get_page(child, pg->owner))
		return -EINVAL;
	if (need != PGT_none && get_page_type(child, need, model_validate, &m)) {
		put_page(child);
		return -EINVAL;
	}
	return 0;
}

static void entry_put(struct page_info *pg, enum page_type type, const struct entry *e)
{
	struct page_info *child = pg_of(e->child);

	if (entry_need(type, e) != PGT_none)
		put_page_type(child, model_devalidate, &m);
	put_page(child);
}

/* The model validator: every present entry, in order; undo on failure. */
static int model_validate(struct page_info *pg, enum page_type type, void *ctx)
{
	unsigned int f = frame_of(pg);
	unsigned int i;

	assert_ptr_equal(ctx, &m);
	assert_true(page_type_is_table(type));
	/* Already marked: the new type, count 1, validating. */
	assert_int_equal(page_get_type(pg), type);
	assert_int_equal(page_type_count(pg), 1);
	assert_true(pg->type_info & PGT_VALIDATING);
	assert_int_equal(m.validated[f], 0);
	m.validate_calls[f]++;

	for (i = 0; i < NR_SLOTS; i++) {
		if (m.ents[f][i].present && entry_get(pg, type, &m.ents[f][i]))
			goto undo;
	}
	m.validated[f]++;
	return 0;

undo:
	while (i--) {
		if (m.ents[f][i].present)
			entry_put(pg, type, &m.ents[f][i]);
	}
	return -EINVAL;
}

static void model_devalidate(struct page_info *pg, enum page_type type, void *ctx)
{
	unsigned int f = frame_of(pg);

	assert_ptr_equal(ctx, &m);
	assert_true(page_type_is_table(type));
	/* The last use (or a dead table's burial): the type is still set. */
	assert_int_equal(page_get_type(pg), type);
	assert_int_equal(page_type_count(pg), (pg->type_info & PGT_DEAD) ? 0 : 1);
	assert_false(pg->type_info & PGT_VALIDATING);
	assert_int_equal(m.validated[f], 1);
	m.validated[f]--;
	m.devalidate_calls[f]++;
	m.devalidate_saw[f] = pg->type_info;

	for (unsigned int i = NR_SLOTS; i--;) {
		if (m.ents[f][i].present)
			entry_put(pg, type, &m.ents[f][i]);
	}
}

/*
 * mmu_update on one entry: a validated table's new entry is validated and
 * takes its references before the old one's are dropped; any other frame
 * takes a plain store.
 */
static int update_entry(unsigned int f, unsigned int slot, struct entry e)
{
	struct page_info *pg = pg_of(f);
	enum page_type type = page_get_type(pg);
	struct entry old = m.ents[f][slot];

	if (!page_type_is_table(type) || !page_type_count(pg)) {
		m.ents[f][slot] = e;
		return 0;
	}
	if (e.present && entry_get(pg, type, &e))
		return -EINVAL;
	m.ents[f][slot] = e;
	if (old.present)
		entry_put(pg, type, &old);
	return 0;
}

/* A use from outside the model: a reference, plus @type unless none. */
static int hold(unsigned int f, enum page_type type)
{
	struct page_info *pg = pg_of(f);
	int rc;

	if (!get_page(pg, DOM))
		return -EPERM;
	if (type != PGT_none) {
		rc = get_page_type(pg, type, model_validate, &m);
		if (rc) {
			put_page(pg);
			return rc;
		}
	}
	assert_true(m.nr_holds < MAX_HOLDS);
	m.holds[m.nr_holds++] = (struct hold){ .f = f, .type = type };
	return 0;
}

static void release_hold(unsigned int h)
{
	struct hold ho = m.holds[h];

	m.holds[h] = m.holds[--m.nr_holds];
	if (ho.type != PGT_none)
		put_page_type(pg_of(ho.f), model_devalidate, &m);
	put_page(pg_of(ho.f));
}

/* Drop the most recent hold of @f as @type. */
static void release(unsigned int f, enum page_type type)
{
	for (unsigned int h = m.nr_holds; h--;) {
		if (m.holds[h].f == f && m.holds[h].type == type) {
			release_hold(h);
			return;
		}
	}
	fail_msg("no hold of frame %u as type %d", f, type);
}

static void release_all(void)
{
	while (m.nr_holds)
		release_hold(m.nr_holds - 1);
}

static void assert_frame(unsigned int f, uint32_t want_refs, enum page_type type,
			 unsigned int count)
{
	struct page_info *pg = pg_of(f);

	if (refs(f) != want_refs || page_get_type(pg) != type ||
	    page_type_count(pg) != count)
		fail_msg("frame %u: refs %u type %d count %u, want refs %u type %d count %u",
			 f, refs(f), page_get_type(pg), page_type_count(pg), want_refs, type,
			 count);
}

static bool is_validated_table(unsigned int f)
{
	return page_type_is_table(page_get_type(pg_of(f))) && page_type_count(pg_of(f));
}

/*
 * The invariants, exactly: each frame's references and type count are the
 * sum of the test's holds and of the entries of validated tables pointing
 * at it; all those users want the frame's one type (so no frame is both
 * writable in use and a table); count 0 iff type none with no flags; no
 * frame is left validating; a table is validated once per typed lifetime.
 */
static void check_model(void)
{
	uint32_t want_refs[NR_FRAMES] = { 0 };
	uint32_t want_uses[NR_FRAMES] = { 0 };
	uint32_t pointed_at[NR_FRAMES] = { 0 };
	enum page_type want_type[NR_FRAMES] = { 0 };
	unsigned int f, i;

#define WANT(child, need, who) do { \
	if (want_uses[child] && want_type[child] != (need)) \
		fail_msg("frame %u wanted as type %d by %s and as %d before", \
			 child, need, who, want_type[child]); \
	want_type[child] = (need); \
	want_uses[child]++; \
} while (0)

	for (i = 0; i < m.nr_holds; i++) {
		want_refs[m.holds[i].f]++;
		if (m.holds[i].type != PGT_none)
			WANT(m.holds[i].f, m.holds[i].type, "a hold");
	}
	for (f = 0; f < NR_FRAMES; f++) {
		enum page_type type = page_get_type(pg_of(f));

		if (!is_validated_table(f))
			continue;
		for (i = 0; i < NR_SLOTS; i++) {
			const struct entry *e = &m.ents[f][i];
			enum page_type need;

			if (!e->present)
				continue;
			need = entry_need(type, e);
			want_refs[e->child]++;
			pointed_at[e->child]++;
			if (need != PGT_none)
				WANT(e->child, need, "an entry");
		}
	}
#undef WANT

	for (f = 0; f < NR_FRAMES; f++) {
		struct page_info *pg = pg_of(f);
		unsigned int count = page_type_count(pg);

		if (pg->type_info & PGT_VALIDATING)
			fail_msg("frame %u left validating: %#x", f, pg->type_info);
		if (!count && pg->type_info)
			fail_msg("frame %u: count 0 but type_info %#x", f, pg->type_info);
		if (count && page_get_type(pg) == PGT_none)
			fail_msg("frame %u: type none with count %u", f, count);
		if (refs(f) < pointed_at[f])
			fail_msg("frame %u: %u refs for %u entries pointing at it", f, refs(f),
				 pointed_at[f]);
		if (refs(f) != want_refs[f])
			fail_msg("frame %u: %u refs, want %u", f, refs(f), want_refs[f]);
		if (count != want_uses[f])
			fail_msg("frame %u: type count %u, want %u", f, count, want_uses[f]);
		if (count && page_get_type(pg) != want_type[f])
			fail_msg("frame %u: type %d, its users want %d", f, page_get_type(pg),
				 want_type[f]);
		if (m.validated[f] != (is_validated_table(f) ? 1u : 0u))
			fail_msg("frame %u: validated %u times, typed %#x", f, m.validated[f],
				 pg->type_info);
	}
}

/* Every frame back where setup() left it: allocated, no reference, no type. */
static void assert_all_clear(void)
{
	for (unsigned int f = 0; f < NR_FRAMES; f++) {
		if ((m.frames[f].count_info & ~PGC_ALLOCATED) || m.frames[f].type_info)
			fail_msg("frame %u: count_info %#llx type_info %#x", f,
				 (unsigned long long)m.frames[f].count_info,
				 m.frames[f].type_info);
	}
}

/* ---- get_page / put_page ------------------------------------------------ */

static void test_get_page_owner_match(void **state)
{
	unsigned int f = new_frame();

	assert_true(get_page(pg_of(f), DOM));
	assert_true(get_page(pg_of(f), DOM));
	assert_int_equal(m.frames[f].count_info, ALLOC | 2);
	assert_int_equal(m.frames[f].type_info, 0);	/* a reference is no type */
	put_page(pg_of(f));
	put_page(pg_of(f));
	assert_int_equal(m.frames[f].count_info, ALLOC);
}

static void test_get_page_wrong_owner_refused(void **state)
{
	unsigned int f = new_frame();

	m.frames[f].owner = OTHER_DOM;
	m.frames[f].count_info = ALLOC | 3;
	assert_false(get_page(pg_of(f), DOM));
	assert_int_equal(m.frames[f].count_info, ALLOC | 3);
	assert_true(get_page(pg_of(f), OTHER_DOM));
	assert_int_equal(m.frames[f].count_info, ALLOC | 4);
	m.frames[f].owner = 0xffff;	/* DOMID_INVALID: nobody's */
	assert_false(get_page(pg_of(f), DOM));
	assert_int_equal(m.frames[f].count_info, ALLOC | 4);
}

static void test_get_page_frame_not_in_use_refused(void **state)
{
	static const uint8_t states[] = { PGS_RESERVED, PGS_FREE, PGS_FREE_TAIL };
	unsigned int f = new_frame();

	for (unsigned int i = 0; i < sizeof(states); i++) {
		m.frames[f].state = states[i];
		assert_false(get_page(pg_of(f), DOM));
		assert_int_equal(m.frames[f].count_info, ALLOC);
	}
}

/*
 * In use and with an owner, but not allocated to it: being given back, a
 * hypervisor page that once was a domain's, or a frame the owner gave up
 * whose page_info another CPU still looks at. No reference for anybody.
 */
static void test_get_page_needs_allocated(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	pg->count_info = 0;
	assert_false(get_page(pg, DOM));
	assert_false(get_page_foreign(pg, DOM));
	assert_int_equal(pg->count_info, 0);
	pg->count_info = PGC_XEN_HEAP;	/* a shared page nobody owns any more */
	assert_false(get_page(pg, DOM));
	assert_int_equal(pg->count_info, PGC_XEN_HEAP);
	pg->count_info = PGC_XEN_HEAP | ALLOC;	/* shared_info of a live domain */
	assert_true(get_page(pg, DOM));
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | ALLOC | 1);
	put_page(pg);
}

static void test_get_page_count_overflow_refused(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	pg->count_info = ALLOC | (PGC_COUNT_MASK - 1);
	assert_true(get_page(pg, DOM));
	assert_int_equal(pg->count_info, ALLOC | PGC_COUNT_MASK);
	assert_false(get_page(pg, DOM));
	assert_int_equal(pg->count_info, ALLOC | PGC_COUNT_MASK);	/* no wrap to 0 */

	/* The flags are neither references nor lost at the limit. */
	pg->count_info = PGC_XEN_HEAP | ALLOC | (PGC_COUNT_MASK - 1);
	assert_true(get_page(pg, DOM));
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | ALLOC | PGC_COUNT_MASK);
	assert_false(get_page(pg, DOM));
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | ALLOC | PGC_COUNT_MASK);
	put_page(pg);
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | ALLOC | (PGC_COUNT_MASK - 1));

	/* A full count of references is refused to foreign ones too. */
	pg->count_info = ALLOC | PGC_COUNT_MASK;
	assert_false(get_page_foreign(pg, DOM));
	assert_int_equal(pg->count_info, ALLOC | PGC_COUNT_MASK);
}

static void test_put_page_underflow_is_a_bug(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	expect_bug(put_page(pg));
	assert_int_equal(pg->count_info, ALLOC);

	/* A Xen-heap frame with no references: the flags are not a count. */
	pg->count_info = PGC_XEN_HEAP | ALLOC;
	expect_bug(put_page(pg));
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | ALLOC);

	pg->count_info = ALLOC | 1;
	put_page(pg);
	expect_bug(put_page(pg));
	assert_int_equal(pg->count_info, ALLOC);
}

/* ---- foreign references and orphans ------------------------------------- */

static void test_foreign_refs_counted_apart(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	assert_true(get_page(pg, DOM));			/* the owner's own */
	assert_true(get_page_foreign(pg, DOM));
	assert_true(get_page_foreign(pg, DOM));
	assert_int_equal(pg->count_info, ALLOC | FOREIGN(2) | 3);
	assert_int_equal(page_foreign_refs(pg), 2);
	/* The owner is alive: no put says "free it". */
	assert_false(put_page_foreign(pg));
	assert_int_equal(pg->count_info, ALLOC | FOREIGN(1) | 2);
	assert_int_equal(page_foreign_refs(pg), 1);
	assert_false(put_page_foreign(pg));
	put_page(pg);
	assert_int_equal(pg->count_info, ALLOC);
	assert_int_equal(page_foreign_refs(pg), 0);
}

static void test_foreign_ref_refused_leaves_no_trace(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	assert_false(get_page_foreign(pg, OTHER_DOM));	/* not OTHER_DOM's frame */
	assert_int_equal(pg->count_info, ALLOC);
	pg->count_info = ALLOC | FOREIGN(PGC_FOREIGN_MAX) | PGC_FOREIGN_MAX;
	assert_false(get_page_foreign(pg, DOM));	/* full: refused, no wrap */
	assert_int_equal(pg->count_info, ALLOC | FOREIGN(PGC_FOREIGN_MAX) | PGC_FOREIGN_MAX);
	assert_true(get_page(pg, DOM));			/* the owner's own still fit */
	put_page(pg);
	pg->count_info = ALLOC | 1;			/* one reference, the owner's */
	expect_bug(put_page_foreign(pg));		/* no foreign one to drop */
	assert_int_equal(pg->count_info, ALLOC | 1);
}

static void test_orphan_without_foreign_refs_is_freed_now(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	assert_true(get_page(pg, DOM));
	assert_true(get_page(pg, DOM));
	assert_true(page_orphan(pg));	/* the owner's references die with it */
	assert_int_equal(pg->count_info, 0);
	assert_false(get_page(pg, DOM));	/* the caller frees it: nobody gets it */
}

static void test_orphan_lives_until_last_foreign_ref(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	assert_true(get_page(pg, DOM));
	assert_int_equal(get_page_type(pg, PGT_writable, model_validate, NULL), 0);
	assert_true(get_page_foreign(pg, DOM));
	assert_true(get_page_foreign(pg, DOM));
	assert_false(page_orphan(pg));
	assert_int_equal(pg->count_info, PGC_ORPHAN | FOREIGN(2) | 2);
	assert_int_equal(pg->owner, PAGE_OWNER_NONE);
	/* The type stays: the owner's use is lost with it, foreign ones are dropped. */
	assert_int_equal(pg->type_info, TYPE(PGT_writable) | 1);
	/* Nobody new gets at it, not even under the old owner's id. */
	assert_false(get_page(pg, DOM));
	assert_false(get_page_foreign(pg, DOM));
	pg->owner = DOM;
	assert_false(get_page_foreign(pg, DOM));
	pg->owner = PAGE_OWNER_NONE;
	assert_false(put_page_foreign(pg));
	assert_true(put_page_foreign(pg));	/* the last one: caller frees */
}

/* ---- giving a frame up ---------------------------------------------------- */

static void test_disown_only_when_nothing_holds_it(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);

	/* A reference of the owner's, or of another domain's: refused, unchanged. */
	assert_true(get_page(pg, DOM));
	assert_false(page_disown(pg));
	assert_int_equal(pg->count_info, ALLOC | 1);
	put_page(pg);
	assert_true(get_page_foreign(pg, DOM));
	assert_false(page_disown(pg));
	assert_int_equal(pg->count_info, ALLOC | FOREIGN(1) | 1);
	assert_false(put_page_foreign(pg));
	/* A type use (the owner's own, under its lock): refused as well. */
	assert_int_equal(get_page_type(pg, PGT_writable, model_validate, &m), 0);
	assert_false(page_disown(pg));
	put_page_type(pg, model_devalidate, &m);
	/* A page the hypervisor shares with the owner is not the owner's to give. */
	pg->count_info = PGC_XEN_HEAP | ALLOC;
	assert_false(page_disown(pg));
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | ALLOC);
	pg->count_info = ALLOC;

	/* Nothing holds it: given up, and from now on nobody gets a reference. */
	assert_true(page_disown(pg));
	assert_int_equal(pg->count_info, 0);
	assert_false(get_page(pg, DOM));
	assert_false(get_page_foreign(pg, DOM));
	assert_false(page_disown(pg));		/* named twice: not ours any more */
	assert_int_equal(pg->count_info, 0);

	/* Kept after all (a failed exchange): the owner's again. */
	page_own(pg);
	assert_int_equal(pg->count_info, ALLOC);
	assert_true(get_page(pg, DOM));
	put_page(pg);
	assert_all_clear();
}

static void test_own_and_orphan_need_the_right_state(void **state)
{
	struct page_info *pg = pg_of(new_frame());

	/* Owning a frame that is already owned, or referenced, is a bug. */
	expect_bug(page_own(pg));
	assert_int_equal(pg->count_info, ALLOC);
	pg->count_info = 1;
	expect_bug(page_own(pg));
	pg->count_info = PGC_XEN_HEAP;		/* a new shared page: fine */
	page_own(pg);
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | ALLOC);
	/* Only an allocated frame can be orphaned. */
	pg->count_info = 0;
	expect_bug(page_orphan(pg));
	assert_int_equal(pg->count_info, 0);
}

/* ---- get_page_type / put_page_type -------------------------------------- */

static void test_type_none_to_writable_and_back(void **state)
{
	unsigned int f = new_frame();

	assert_int_equal(hold(f, PGT_writable), 0);
	assert_int_equal(m.frames[f].type_info, TYPE(PGT_writable) | 1);
	assert_frame(f, 1, PGT_writable, 1);
	check_model();
	release(f, PGT_writable);
	assert_int_equal(m.frames[f].type_info, 0);
	assert_frame(f, 0, PGT_none, 0);

	/* At count 0 the type may change: now an (empty) L1, then writable. */
	assert_int_equal(hold(f, PGT_l1), 0);
	assert_frame(f, 1, PGT_l1, 1);
	release(f, PGT_l1);
	assert_int_equal(hold(f, PGT_writable), 0);
	assert_frame(f, 1, PGT_writable, 1);
	release(f, PGT_writable);
	assert_all_clear();
}

static void test_writable_in_use_refuses_l1(void **state)
{
	unsigned int f = new_frame();
	enum page_type t;

	assert_int_equal(hold(f, PGT_writable), 0);
	for (t = PGT_l1; t <= PGT_l4; t++) {
		assert_int_equal(get_page_type(pg_of(f), t, model_validate, &m), -EINVAL);
		assert_int_equal(m.frames[f].type_info, TYPE(PGT_writable) | 1);
		assert_int_equal(hold(f, t), -EINVAL);
	}
	assert_int_equal(m.validate_calls[f], 0);
	check_model();
	release(f, PGT_writable);
	assert_all_clear();
}

static void test_l1_in_use_refuses_writable(void **state)
{
	unsigned int f = new_frame();
	enum page_type t;

	assert_int_equal(hold(f, PGT_l1), 0);
	assert_int_equal(get_page_type(pg_of(f), PGT_writable, model_validate, &m),
			 -EINVAL);
	for (t = PGT_l2; t <= PGT_l4; t++)
		assert_int_equal(get_page_type(pg_of(f), t, model_validate, &m), -EINVAL);
	assert_int_equal(m.frames[f].type_info, TYPE(PGT_l1) | 1);
	assert_int_equal(m.validate_calls[f], 1);
	check_model();
	release(f, PGT_l1);
	assert_int_equal(m.devalidate_calls[f], 1);
	assert_all_clear();
}

/* get_page_writable: the hold the hypervisor takes on a frame it writes into. */
static void test_get_page_writable(void **state)
{
	unsigned int f = new_frame(), t = new_frame();

	assert_true(get_page_writable(pg_of(f), DOM));
	assert_frame(f, 1, PGT_writable, 1);
	assert_true(get_page_writable(pg_of(f), DOM));	/* beside a mapping */
	assert_frame(f, 2, PGT_writable, 2);
	put_page_writable(pg_of(f));
	put_page_writable(pg_of(f));
	assert_frame(f, 0, PGT_none, 0);

	/* A page table, or another domain's frame: refused, nothing taken. */
	assert_int_equal(hold(t, PGT_l1), 0);
	assert_false(get_page_writable(pg_of(t), DOM));
	assert_frame(t, 1, PGT_l1, 1);
	assert_false(get_page_writable(pg_of(f), OTHER_DOM));
	assert_frame(f, 0, PGT_none, 0);
	check_model();
	release(t, PGT_l1);
	assert_all_clear();
}

/* shared_info and grant frames: writable for good, never a page table. */
static void test_xen_heap_page_never_a_table(void **state)
{
	unsigned int f = new_frame();
	struct page_info *pg = pg_of(f);
	enum page_type t;

	page_share_xen_heap(pg, OTHER_DOM);
	assert_int_equal(pg->owner, OTHER_DOM);
	assert_int_equal(pg->count_info, PGC_XEN_HEAP | PGC_ALLOCATED);
	assert_int_equal(pg->type_info, TYPE(PGT_writable) | 1);
	for (t = PGT_l1; t <= PGT_l4; t++)
		assert_int_equal(get_page_type(pg, t, model_validate, &m), -EINVAL);
	assert_int_equal(m.validate_calls[f], 0);
	/* A mapping's use comes and goes; the page's own stays. */
	assert_true(get_page_writable(pg, OTHER_DOM));
	assert_int_equal(pg->type_info, TYPE(PGT_writable) | 2);
	put_page_writable(pg);
	assert_int_equal(pg->type_info, TYPE(PGT_writable) | 1);
	assert_int_equal(get_page_type(pg, PGT_l1, model_validate, &m), -EINVAL);
	page_unshare_xen_heap(pg);
	assert_int_equal(pg->owner, PAGE_OWNER_NONE);
	assert_int_equal(pg->count_info, 0);
	assert_int_equal(pg->type_info, 0);
}

static void test_same_type_increments(void **state)
{
	unsigned int w = new_frame(), t = new_frame();

	for (unsigned int i = 1; i <= 5; i++) {
		assert_int_equal(hold(w, PGT_writable), 0);
		assert_int_equal(hold(t, PGT_l3), 0);
		assert_frame(w, i, PGT_writable, i);
		assert_frame(t, i, PGT_l3, i);
	}
	assert_int_equal(m.validate_calls[t], 1);	/* only at the first use */
	check_model();
	for (unsigned int i = 5; i-- > 1;) {
		release(w, PGT_writable);
		release(t, PGT_l3);
		assert_frame(w, i, PGT_writable, i);
		assert_frame(t, i, PGT_l3, i);
	}
	assert_int_equal(m.devalidate_calls[t], 0);
	release_all();
	assert_int_equal(m.devalidate_calls[t], 1);
	assert_all_clear();
}

static void test_type_count_overflow_refused(void **state)
{
	struct page_info *pg = pg_of(new_frame());

	pg->type_info = TYPE(PGT_l1) | PGT_COUNT_MASK;
	assert_int_equal(get_page_type(pg, PGT_l1, model_validate, &m), -EOVERFLOW);
	assert_int_equal(pg->type_info, TYPE(PGT_l1) | PGT_COUNT_MASK);
	/* A different type is still -EINVAL, whatever the count. */
	assert_int_equal(get_page_type(pg, PGT_writable, model_validate, &m), -EINVAL);

	pg->type_info = TYPE(PGT_writable) | (PGT_COUNT_MASK - 1);
	assert_int_equal(get_page_type(pg, PGT_writable, model_validate, &m), 0);
	assert_int_equal(pg->type_info, TYPE(PGT_writable) | PGT_COUNT_MASK);
	assert_int_equal(get_page_type(pg, PGT_writable, model_validate, &m), -EOVERFLOW);
	assert_int_equal(pg->type_info, TYPE(PGT_writable) | PGT_COUNT_MASK);
	put_page_type(pg, model_devalidate, &m);
	assert_int_equal(pg->type_info, TYPE(PGT_writable) | (PGT_COUNT_MASK - 1));

	/* Reaching the limit must not spill into the flags beside the count. */
	pg->type_info = TYPE(PGT_l2) | PGT_PINNED | (PGT_COUNT_MASK - 1);
	assert_int_equal(get_page_type(pg, PGT_l2, model_validate, &m), 0);
	assert_int_equal(pg->type_info, TYPE(PGT_l2) | PGT_PINNED | PGT_COUNT_MASK);
	assert_int_equal(get_page_type(pg, PGT_l2, model_validate, &m), -EOVERFLOW);
	assert_int_equal(pg->type_info, TYPE(PGT_l2) | PGT_PINNED | PGT_COUNT_MASK);
	for (unsigned int f = 0; f < NR_FRAMES; f++) {
		assert_int_equal(m.validate_calls[f], 0);
		assert_int_equal(m.devalidate_calls[f], 0);
	}
}

static void test_last_put_clears_type(void **state)
{
	unsigned int l2 = new_frame(), w = new_frame();

	assert_int_equal(hold(l2, PGT_l2), 0);
	assert_int_equal(hold(l2, PGT_l2), 0);
	assert_int_equal(hold(w, PGT_writable), 0);
	release(l2, PGT_l2);
	assert_int_equal(m.frames[l2].type_info, TYPE(PGT_l2) | 1);
	release(l2, PGT_l2);
	assert_int_equal(m.frames[l2].type_info, 0);
	release(w, PGT_writable);
	assert_int_equal(m.frames[w].type_info, 0);
	assert_int_equal(m.devalidate_calls[w], 0);
	assert_int_equal(m.devalidate_calls[l2], 1);
	assert_all_clear();
}

static void test_put_page_type_at_zero_is_a_bug(void **state)
{
	struct page_info *pg = pg_of(new_frame());

	expect_bug(put_page_type(pg, model_devalidate, &m));
	assert_int_equal(pg->type_info, 0);

	/* A type with no uses, or only the pinned flag, is still count 0. */
	pg->type_info = TYPE(PGT_l1);
	expect_bug(put_page_type(pg, model_devalidate, &m));
	pg->type_info = PGT_PINNED;
	expect_bug(put_page_type(pg, model_devalidate, &m));
	assert_int_equal(m.devalidate_calls[frame_of(pg)], 0);

	/* After a balanced get/put, one put too many. */
	pg->type_info = 0;
	assert_int_equal(get_page_type(pg, PGT_writable, model_validate, &m), 0);
	put_page_type(pg, model_devalidate, &m);
	expect_bug(put_page_type(pg, model_devalidate, &m));
	assert_int_equal(pg->type_info, 0);
}

/* ---- validation ---------------------------------------------------------- */

/*
 * L4 -> 2 L3 -> 4 L2 -> 8 L1 -> 16 data frames mapped RW, and each L1 also
 * maps the next L1's first data frame read-only (the last wraps around), so
 * even-numbered data frames carry one extra reference.
 */
struct tree {
	unsigned int l4, l3[2], l2[4], l1[8], data[16];
};

static void build_tree(struct tree *t)
{
	unsigned int i;

	t->l4 = new_frame();
	for (i = 0; i < 2; i++) {
		t->l3[i] = new_frame();
		set_entry(t->l4, i, t->l3[i], true);
	}
	for (i = 0; i < 4; i++) {
		t->l2[i] = new_frame();
		set_entry(t->l3[i / 2], i % 2, t->l2[i], true);
	}
	for (i = 0; i < 8; i++) {
		t->l1[i] = new_frame();
		set_entry(t->l2[i / 2], i % 2, t->l1[i], true);
	}
	for (i = 0; i < 16; i++) {
		t->data[i] = new_frame();
		set_entry(t->l1[i / 2], i % 2, t->data[i], true);
	}
	for (i = 0; i < 8; i++)
		set_entry(t->l1[i], 2, t->data[(2 * i + 2) % 16], false);
}

static void assert_tree_validated(const struct tree *t)
{
	unsigned int i;

	assert_frame(t->l4, 1, PGT_l4, 1);
	for (i = 0; i < 2; i++)
		assert_frame(t->l3[i], 1, PGT_l3, 1);
	for (i = 0; i < 4; i++)
		assert_frame(t->l2[i], 1, PGT_l2, 1);
	for (i = 0; i < 8; i++)
		assert_frame(t->l1[i], 1, PGT_l1, 1);
	/* One RW mapping (a writable use); even ones also have an RO mapping. */
	for (i = 0; i < 16; i++)
		assert_frame(t->data[i], i % 2 ? 1 : 2, PGT_writable, 1);
	for (unsigned int f = t->l4; f < t->data[0]; f++)
		assert_int_equal(m.validate_calls[f], 1);
	for (i = 0; i < 16; i++)
		assert_int_equal(m.validate_calls[t->data[i]], 0);
	check_model();
}

static void test_valid_four_level_tree(void **state)
{
	struct tree t;

	build_tree(&t);
	assert_int_equal(hold(t.l4, PGT_l4), 0);
	assert_tree_validated(&t);
	/* A second use of the root: no second validation. */
	assert_int_equal(hold(t.l4, PGT_l4), 0);
	assert_frame(t.l4, 2, PGT_l4, 2);
	assert_int_equal(m.validate_calls[t.l4], 1);
	check_model();
	release(t.l4, PGT_l4);
	release(t.l4, PGT_l4);
	assert_all_clear();
}

static void test_devalidation_returns_counts_to_zero(void **state)
{
	struct tree t;
	unsigned int f;

	build_tree(&t);
	assert_int_equal(hold(t.l4, PGT_l4), 0);
	assert_tree_validated(&t);
	release(t.l4, PGT_l4);
	assert_all_clear();
	check_model();
	for (f = t.l4; f < t.data[0]; f++)
		assert_int_equal(m.devalidate_calls[f], 1);
	for (f = t.data[0]; f <= t.data[15]; f++)
		assert_int_equal(m.devalidate_calls[f], 0);

	/* Every former table may now become writable (Linux does this). */
	for (f = t.l4; f <= t.data[15]; f++)
		assert_int_equal(hold(f, PGT_writable), 0);
	check_model();
	release_all();
	/* And the tree validates again from scratch. */
	assert_int_equal(hold(t.l4, PGT_l4), 0);
	assert_frame(t.l3[1], 1, PGT_l3, 1);
	assert_int_equal(m.validate_calls[t.l1[7]], 2);
	release_all();
	assert_all_clear();
}

static void test_deep_failure_rolls_back_everything(void **state)
{
	struct page_info before[NR_FRAMES];
	struct tree t;
	unsigned int bad_targets[2];
	unsigned int f, i;

	build_tree(&t);
	/* Start from non-zero counts, so "rolled back" is not just "zero". */
	assert_int_equal(hold(t.data[0], PGT_writable), 0);
	assert_int_equal(hold(t.l1[3], PGT_none), 0);
	assert_int_equal(hold(t.data[15], PGT_none), 0);

	/*
	 * The last L1 to validate maps an L2 RW: first its own parent (still
	 * validating), then one validated earlier in the other L3's subtree.
	 */
	bad_targets[0] = t.l2[3];
	bad_targets[1] = t.l2[0];
	for (i = 0; i < 2; i++) {
		memset(m.validate_calls, 0, sizeof(m.validate_calls));
		memset(m.devalidate_calls, 0, sizeof(m.devalidate_calls));
		set_entry(t.l1[7], 3, bad_targets[i], true);
		memcpy(before, m.frames, sizeof(before));

		assert_int_equal(hold(t.l4, PGT_l4), -EINVAL);
		if (!frames_same(before, m.frames)) {
			for (f = 0; f < NR_FRAMES; f++) {
				if (!frame_same(&before[f], &m.frames[f]))
					fail_msg("frame %u changed: count %#llx->%#llx type %#x->%#x",
						 f, (unsigned long long)before[f].count_info,
						 (unsigned long long)m.frames[f].count_info,
						 before[f].type_info, m.frames[f].type_info);
			}
		}
		check_model();
		/* Everything validated on the way was devalidated on the way back. */
		for (f = t.l4; f < t.data[0]; f++)
			assert_int_equal(m.validate_calls[f], 1);
		for (f = t.l4; f < t.data[0]; f++) {
			bool on_path = f == t.l4 || f == t.l3[1] || f == t.l2[3] ||
				       f == t.l1[7];

			assert_int_equal(m.devalidate_calls[f], on_path ? 0 : 1);
		}
	}

	/* Drop the bad entry: the same tree now validates. */
	m.ents[t.l1[7]][3].present = false;
	assert_int_equal(hold(t.l4, PGT_l4), 0);
	assert_frame(t.data[0], 3, PGT_writable, 2);
	check_model();
	release_all();
	assert_all_clear();
}

static void test_table_pointing_to_itself_refused(void **state)
{
	struct page_info before[NR_FRAMES];
	enum page_type t;

	for (t = PGT_l2; t <= PGT_l4; t++) {
		unsigned int f = new_frame(), child = new_frame(), data = new_frame();

		/* A good entry first, so that refusing means undoing it. */
		set_entry(f, 0, child, true);
		if (t == PGT_l2)
			set_entry(child, 0, data, true);
		set_entry(f, 1, f, true);
		memcpy(before, m.frames, sizeof(before));

		assert_int_equal(hold(f, t), -EINVAL);
		assert_true(frames_same(before, m.frames));
		assert_int_equal(m.validate_calls[f], 1);
		assert_int_equal(m.validate_calls[child], 1);
		assert_int_equal(m.devalidate_calls[child], 1);
		check_model();
		assert_all_clear();
	}
}

static void test_l1_maps_itself_read_only_only(void **state)
{
	struct page_info before[NR_FRAMES];
	unsigned int f = new_frame();

	set_entry(f, 0, f, false);
	assert_int_equal(hold(f, PGT_l1), 0);
	assert_frame(f, 2, PGT_l1, 1);	/* the hold, and its own RO entry */
	check_model();
	release(f, PGT_l1);
	assert_int_equal(m.devalidate_calls[f], 1);
	assert_all_clear();

	set_entry(f, 0, f, true);
	memcpy(before, m.frames, sizeof(before));
	assert_int_equal(hold(f, PGT_l1), -EINVAL);
	assert_true(frames_same(before, m.frames));
	check_model();
	assert_all_clear();
}

static void test_two_l2s_share_one_l1(void **state)
{
	unsigned int l3 = new_frame(), l2a = new_frame(), l2b = new_frame();
	unsigned int l1 = new_frame(), data = new_frame();

	set_entry(l3, 0, l2a, true);
	set_entry(l3, 1, l2b, true);
	set_entry(l2a, 0, l1, true);
	set_entry(l2b, 5, l1, true);
	set_entry(l1, 0, data, true);

	assert_int_equal(hold(l3, PGT_l3), 0);
	assert_frame(l1, 2, PGT_l1, 2);
	assert_frame(data, 1, PGT_writable, 1);
	assert_int_equal(m.validate_calls[l1], 1);
	check_model();

	/* mmu_update drops l3's first entry: l2a goes, the L1 stays. */
	assert_int_equal(update_entry(l3, 0, (struct entry){ 0 }), 0);
	assert_frame(l2a, 0, PGT_none, 0);
	assert_frame(l1, 1, PGT_l1, 1);
	assert_int_equal(m.devalidate_calls[l2a], 1);
	assert_int_equal(m.devalidate_calls[l1], 0);
	check_model();

	release(l3, PGT_l3);
	assert_int_equal(m.devalidate_calls[l1], 1);
	assert_int_equal(m.devalidate_calls[l2b], 1);
	assert_all_clear();
}

static void test_pin_keeps_type_across_put(void **state)
{
	unsigned int l3 = new_frame(), l2 = new_frame(), l1 = new_frame();
	unsigned int data = new_frame();

	set_entry(l3, 0, l2, true);
	set_entry(l2, 0, l1, true);
	set_entry(l1, 0, data, true);

	/* Pin the L2: one more use, and the flag the MMU keeps beside it. */
	assert_int_equal(hold(l2, PGT_l2), 0);
	m.frames[l2].type_info |= PGT_PINNED;
	assert_int_equal(hold(l3, PGT_l3), 0);
	assert_frame(l2, 2, PGT_l2, 2);
	assert_int_equal(m.validate_calls[l2], 1);
	check_model();

	release(l3, PGT_l3);
	assert_int_equal(m.frames[l2].type_info, TYPE(PGT_l2) | PGT_PINNED | 1);
	assert_frame(l1, 1, PGT_l1, 1);
	assert_int_equal(m.devalidate_calls[l2], 0);
	assert_int_equal(m.devalidate_calls[l1], 0);
	assert_int_equal(hold(l2, PGT_writable), -EINVAL);
	assert_int_equal(hold(l1, PGT_writable), -EINVAL);
	/* Used again while pinned: no new validation. */
	assert_int_equal(hold(l3, PGT_l3), 0);
	assert_int_equal(m.validate_calls[l2], 1);
	release(l3, PGT_l3);
	check_model();

	/* Unpin: the last use devalidates the whole subtree. */
	m.frames[l2].type_info &= ~PGT_PINNED;
	release(l2, PGT_l2);
	assert_int_equal(m.devalidate_calls[l2], 1);
	assert_int_equal(m.devalidate_calls[l1], 1);
	assert_all_clear();
	assert_int_equal(hold(l2, PGT_writable), 0);
	release_all();
	assert_all_clear();
}

static void test_validate_not_called_for_writable_or_none(void **state)
{
	unsigned int f = new_frame(), foreign = new_frame();
	struct page_info *pg = pg_of(f);
	int rc;

	/* Contents that could never validate: the callback must not look. */
	m.frames[foreign].owner = OTHER_DOM;
	for (unsigned int i = 0; i < NR_SLOTS; i++)
		set_entry(f, i, foreign, true);

	assert_int_equal(hold(f, PGT_writable), 0);
	assert_int_equal(hold(f, PGT_writable), 0);
	release_all();
	assert_int_equal(m.validate_calls[f], 0);
	assert_int_equal(m.devalidate_calls[f], 0);

	/* "None" is not a type one can take: asking for it is a BUG. */
	expect_bug(rc = get_page_type(pg, PGT_none, model_validate, &m));
	(void)rc;
	assert_int_equal(m.validate_calls[f], 0);
	assert_int_equal(m.devalidate_calls[f], 0);
	assert_int_equal(pg->type_info, 0);

	/* As an L1, though, those contents are refused. */
	assert_int_equal(hold(f, PGT_l1), -EINVAL);
	assert_int_equal(m.validate_calls[f], 1);
	assert_all_clear();
}

static void test_devalidate_once_with_type_still_set(void **state)
{
	unsigned int l2 = new_frame(), l1 = new_frame(), data = new_frame();

	set_entry(l2, 0, l1, true);
	set_entry(l1, 0, data, true);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(hold(l2, PGT_l2), 0);
	release(l2, PGT_l2);
	release(l2, PGT_l2);
	assert_int_equal(m.devalidate_calls[l2], 0);
	release(l2, PGT_l2);
	assert_int_equal(m.devalidate_calls[l2], 1);
	assert_int_equal(m.devalidate_calls[l1], 1);
	assert_int_equal(m.devalidate_calls[data], 0);
	/* model_devalidate also checked the type, count 1 and no VALIDATING. */
	assert_int_equal(m.devalidate_saw[l2], TYPE(PGT_l2) | 1);
	assert_int_equal(m.devalidate_saw[l1], TYPE(PGT_l1) | 1);
	assert_all_clear();
}

/* The defer callback the dead-table tests give: counts, answers as told. */
static unsigned int defer_calls;
static bool defer_now;
static bool model_defer(struct page_info *pg, enum page_type type, void *ctx)
{
	assert_ptr_equal(ctx, &m);
	assert_true(page_type_is_table(type));
	defer_calls++;
	return defer_now;
}

/* Take one use of @f as @type straight (no hold record: the test drops it). */
static void take(unsigned int f, enum page_type type)
{
	assert_true(get_page(pg_of(f), DOM));
	assert_int_equal(get_page_type(pg_of(f), type, model_validate, &m), 0);
}

/* Drop that use, letting the last one of a table be deferred. */
static void drop_deferred(unsigned int f)
{
	put_page_type_deferred(pg_of(f), model_devalidate, model_defer, &m);
	put_page(pg_of(f));
}

static void test_dead_table_keeps_its_entries_until_buried(void **state)
{
	unsigned int l2 = new_frame(), l1 = new_frame(), data = new_frame();
	struct page_info *pg = pg_of(l2);

	set_entry(l2, 0, l1, true);
	set_entry(l1, 0, data, true);
	defer_calls = 0;
	defer_now = false;
	take(l2, PGT_l2);
	drop_deferred(l2);
	/* Dead: nothing released yet, the type kept, no use counted. */
	assert_int_equal(defer_calls, 1);
	assert_int_equal(m.devalidate_calls[l2], 0);
	assert_int_equal(pg->type_info, TYPE(PGT_l2) | PGT_DEAD | PGT_QUEUED);
	assert_int_equal(page_type_count(pg_of(l1)), 1);
	assert_int_equal(page_type_count(pg_of(data)), 1);
	/* No other type while its entries hold their references. */
	assert_int_equal(get_page_type(pg, PGT_writable, model_validate, &m), -EBUSY);
	assert_int_equal(get_page_type(pg, PGT_l1, model_validate, &m), -EBUSY);
	assert_int_equal(pg->type_info, TYPE(PGT_l2) | PGT_DEAD | PGT_QUEUED);
	/* Buried: released (the l1 below the normal way), type gone, stamped. */
	tlb_stub_reset();
	page_type_bury(pg, model_devalidate, &m);
	assert_int_equal(m.devalidate_calls[l2], 1);
	assert_int_equal(m.devalidate_calls[l1], 1);
	assert_int_equal(pg->type_info, 0);
	assert_true(pg->tlbflush_stamp != 0);
	assert_int_equal(pg->stale_type, PGT_l2);
	assert_all_clear();
}

static void test_dead_table_taken_again_comes_back_as_it_is(void **state)
{
	unsigned int l2 = new_frame(), l1 = new_frame();
	struct page_info *pg = pg_of(l2);

	set_entry(l2, 0, l1, false);
	defer_now = false;
	take(l2, PGT_l2);
	drop_deferred(l2);
	/* The same type: back without validating again, still queued. */
	take(l2, PGT_l2);
	assert_int_equal(m.validate_calls[l2], 1);
	assert_int_equal(pg->type_info, TYPE(PGT_l2) | PGT_QUEUED | 1);
	/* Buried while alive: only taken off the queue. */
	page_type_bury(pg, model_devalidate, &m);
	assert_int_equal(pg->type_info, TYPE(PGT_l2) | 1);
	assert_int_equal(m.devalidate_calls[l2], 0);
	/* Dead again, queued again; bury twice is a bug (queued once only). */
	drop_deferred(l2);
	assert_int_equal(pg->type_info, TYPE(PGT_l2) | PGT_DEAD | PGT_QUEUED);
	page_type_bury(pg, model_devalidate, &m);
	assert_int_equal(m.devalidate_calls[l2], 1);
	expect_bug(page_type_bury(pg, model_devalidate, &m));
	assert_all_clear();
}

static void test_defer_declined_devalidates_at_once(void **state)
{
	unsigned int l2 = new_frame(), l1 = new_frame();

	set_entry(l2, 0, l1, true);
	defer_calls = 0;
	defer_now = true;
	take(l2, PGT_l2);
	drop_deferred(l2);
	assert_int_equal(defer_calls, 1);
	assert_int_equal(m.devalidate_calls[l2], 1);
	assert_int_equal(pg_of(l2)->type_info, 0);
	/* Writable frames are never offered to the queue. */
	take(l1, PGT_writable);
	drop_deferred(l1);
	assert_int_equal(defer_calls, 1);
	assert_all_clear();
}

static void test_validation_refuses_bad_targets(void **state)
{
	struct page_info before[NR_FRAMES];
	unsigned int l2 = new_frame(), l1 = new_frame(), data = new_frame();
	unsigned int foreign = new_frame(), freed = new_frame(), busy = new_frame();
	struct {
		unsigned int parent;
		enum page_type type;
		unsigned int child;
		bool rw;
	} rows[] = {
		{ l1, PGT_l1, foreign, true },	/* another domain's frame, RW */
		{ l1, PGT_l1, foreign, false },	/* ... or RO */
		{ l1, PGT_l1, freed, false },	/* a frame nobody owns */
		{ l2, PGT_l2, foreign, true },	/* another domain's table */
		{ l2, PGT_l2, busy, true },	/* in use as writable: no L1 */
		{ l2, PGT_l2, data, true },	/* RW-mapped by the good L1 below */
	};

	m.frames[foreign].owner = OTHER_DOM;
	m.frames[freed].state = PGS_FREE;
	m.frames[freed].owner = 0xffff;
	assert_int_equal(hold(busy, PGT_writable), 0);

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned int good = new_frame();

		/* A good entry in slot 0, the bad one in slot 4. */
		memset(m.ents[rows[i].parent], 0, sizeof(m.ents[0]));
		if (rows[i].type == PGT_l1) {
			set_entry(rows[i].parent, 0, good, true);
		} else {
			memset(m.ents[l1], 0, sizeof(m.ents[0]));
			set_entry(rows[i].parent, 0, l1, true);
			set_entry(l1, 0, data, true);
		}
		set_entry(rows[i].parent, 4, rows[i].child, rows[i].rw);
		memcpy(before, m.frames, sizeof(before));
		if (hold(rows[i].parent, rows[i].type) != -EINVAL)
			fail_msg("row %u: not refused", i);
		if (!frames_same(before, m.frames))
			fail_msg("row %u: refusal left a trace", i);
		check_model();
	}
	release_all();
	assert_all_clear();
}

static void test_validation_rolls_back_on_child_overflow(void **state)
{
	struct page_info before[NR_FRAMES];
	unsigned int l2 = new_frame(), l1a = new_frame(), l1b = new_frame();
	unsigned int data = new_frame();

	set_entry(l2, 0, l1a, true);
	set_entry(l2, 1, l1b, true);
	set_entry(l1a, 0, data, true);

	/* The second child's type count is full. */
	m.frames[l1b].type_info = TYPE(PGT_l1) | PGT_COUNT_MASK;
	memcpy(before, m.frames, sizeof(before));
	assert_int_equal(hold(l2, PGT_l2), -EINVAL);
	assert_true(frames_same(before, m.frames));
	assert_int_equal(m.devalidate_calls[l1a], 1);

	/* The second child's references are full. */
	m.frames[l1b].type_info = 0;
	m.frames[l1b].count_info = ALLOC | PGC_COUNT_MASK;
	memcpy(before, m.frames, sizeof(before));
	assert_int_equal(hold(l2, PGT_l2), -EINVAL);
	assert_true(frames_same(before, m.frames));
	assert_int_equal(m.validate_calls[l1b], 0);
	assert_int_equal(m.devalidate_calls[l1a], 2);

	m.frames[l1b].count_info = ALLOC;
	assert_int_equal(hold(l2, PGT_l2), 0);
	check_model();
	release_all();
	assert_all_clear();
}

/* ---- two CPUs: another domain against the owner --------------------------- */

#define RACE_ROUNDS	200000		/* attempts each side makes at least */
#define RACE_WINS	1000		/* ... and until each side won this often */
#define RACE_SECONDS	5		/* ... or this long, at most */

/* Shared by the two threads of one race; reset by race_run(). */
static struct race {
	struct page_info *pg;
	pthread_barrier_t start;
	unsigned int holders;		/* of the other domain's kind, now */
	unsigned long wins[2];		/* successes of each side */
	unsigned long violations;
	time_t deadline;
} race;

/* Go on with the race? Also spaces attempts out a little, irregularly. */
static bool race_on(unsigned int i, uint32_t *seed)
{
	struct timespec now;

	*seed = *seed * 1103515245u + 12345u;
	for (unsigned int k = (*seed >> 16) % 64; k; k--)
		__asm__ __volatile__("" ::: "memory");
	if (i < RACE_ROUNDS)
		return true;
	if (__atomic_load_n(&race.wins[0], __ATOMIC_RELAXED) >= RACE_WINS &&
	    __atomic_load_n(&race.wins[1], __ATOMIC_RELAXED) >= RACE_WINS)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < race.deadline;
}

static void race_run(void *(*owner)(void *), void *(*other)(void *))
{
	struct timespec now;
	pthread_t a, b;

	clock_gettime(CLOCK_MONOTONIC, &now);
	race.deadline = now.tv_sec + RACE_SECONDS;
	race.holders = 0;
	race.wins[0] = race.wins[1] = 0;
	race.violations = 0;
	race.pg = pg_of(new_frame());
	pthread_barrier_init(&race.start, NULL, 2);
	assert_int_equal(pthread_create(&a, NULL, owner, (void *)1), 0);
	assert_int_equal(pthread_create(&b, NULL, other, (void *)2), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	pthread_barrier_destroy(&race.start);
}

static void race_check(bool (*holding_ok)(void))
{
	if (!holding_ok())
		__atomic_add_fetch(&race.violations, 1, __ATOMIC_SEQ_CST);
}

static bool allocated_now(void)
{
	return __atomic_load_n(&race.pg->count_info, __ATOMIC_SEQ_CST) & PGC_ALLOCATED;
}

/* dom0 on its CPU: a foreign reference, which must find the frame allocated. */
static void *foreign_mapper(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg;

	pthread_barrier_wait(&race.start);
	for (unsigned int i = 0; race_on(i, &seed); i++) {
		if (!get_page_foreign(race.pg, DOM))
			continue;
		__atomic_add_fetch(&race.holders, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&race.wins[1], 1, __ATOMIC_RELAXED);
		race_check(allocated_now);
		__atomic_sub_fetch(&race.holders, 1, __ATOMIC_SEQ_CST);
		assert_false(put_page_foreign(race.pg));
	}
	return NULL;
}

static bool nobody_holds(void)
{
	return !__atomic_load_n(&race.holders, __ATOMIC_SEQ_CST);
}

/* The owner on its CPU: give the frame up, look, take it back. */
static void *owner_disowning(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg;

	pthread_barrier_wait(&race.start);
	for (unsigned int i = 0; race_on(i, &seed); i++) {
		if (!page_disown(race.pg))
			continue;
		__atomic_add_fetch(&race.wins[0], 1, __ATOMIC_RELAXED);
		/* As good as freed: nobody may hold it, nor get it now. */
		for (unsigned int k = 0; k < 8; k++) {
			race_check(nobody_holds);
			if (__atomic_load_n(&race.pg->count_info, __ATOMIC_SEQ_CST))
				__atomic_add_fetch(&race.violations, 1, __ATOMIC_SEQ_CST);
		}
		page_own(race.pg);
	}
	return NULL;
}

static void test_race_disown_against_foreign_ref(void **state)
{
	race_run(owner_disowning, foreign_mapper);
	print_message("# disowned %lu times, %lu foreign references, %lu violations\n",
		      race.wins[0], race.wins[1], race.violations);
	assert_int_equal(race.violations, 0);
	assert_true(race.wins[0] > 0 && race.wins[1] > 0);
	assert_int_equal(race.pg->count_info, ALLOC);
}

static bool writable_now(void)
{
	return page_get_type(race.pg) == PGT_writable && page_type_count(race.pg);
}

/* dom0 on its CPU: a writable mapping of the owner's frame. */
static void *foreign_writer(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg;

	pthread_barrier_wait(&race.start);
	for (unsigned int i = 0; race_on(i, &seed); i++) {
		if (get_page_type(race.pg, PGT_writable, NULL, NULL))
			continue;
		__atomic_add_fetch(&race.holders, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&race.wins[1], 1, __ATOMIC_RELAXED);
		race_check(writable_now);
		__atomic_sub_fetch(&race.holders, 1, __ATOMIC_SEQ_CST);
		put_page_type(race.pg, NULL, NULL);
	}
	return NULL;
}

/* Validation takes a while, and nobody may write the frame meanwhile. */
static int race_validate(struct page_info *pg, enum page_type type, void *ctx)
{
	for (unsigned int k = 0; k < 8; k++)
		race_check(nobody_holds);
	return 0;
}

static void race_devalidate(struct page_info *pg, enum page_type type, void *ctx)
{
	race_check(nobody_holds);
}

static bool l1_now(void)
{
	return page_get_type(race.pg) == PGT_l1 && page_type_count(race.pg) == 1;
}

/* The owner on its CPU: pin the frame as an L1 and unpin it. */
static void *owner_pinning(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg;

	pthread_barrier_wait(&race.start);
	for (unsigned int i = 0; race_on(i, &seed); i++) {
		if (get_page_type(race.pg, PGT_l1, race_validate, NULL))
			continue;
		__atomic_add_fetch(&race.wins[0], 1, __ATOMIC_RELAXED);
		race_check(l1_now);
		race_check(nobody_holds);
		__atomic_or_fetch(&race.pg->type_info, PGT_PINNED, __ATOMIC_SEQ_CST);
		__atomic_and_fetch(&race.pg->type_info, ~PGT_PINNED, __ATOMIC_SEQ_CST);
		put_page_type(race.pg, race_devalidate, NULL);
	}
	return NULL;
}

static void test_race_table_against_foreign_writable(void **state)
{
	race_run(owner_pinning, foreign_writer);
	print_message("# %lu L1 pins, %lu writable uses, %lu violations\n", race.wins[0],
		      race.wins[1], race.violations);
	assert_int_equal(race.violations, 0);
	assert_true(race.wins[0] > 0 && race.wins[1] > 0);
	assert_int_equal(race.pg->type_info, 0);
}

/* ---- randomized ---------------------------------------------------------- */

#define STRESS_OWN	40	/* frames 0..39 are the guest's */
#define STRESS_FOREIGN	42	/* 40..41 another domain's */
#define STRESS_FRAMES	44	/* 42..43 free */
#define STRESS_SLOTS	4
#define STRESS_STEPS	30000

static uint64_t rng = 0x5eed0f7a9e7e5eedULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 16) % n);
}

/* Each frame leans towards one role: data (0) or an L1-L4 table. */
static unsigned int role(unsigned int f)
{
	return f % 5;
}

static unsigned int random_frame_of_role(unsigned int r)
{
	unsigned int f;

	do
		f = rnd(STRESS_OWN);
	while (role(f) != r);
	return f;
}

static struct entry random_entry(unsigned int parent)
{
	struct entry e = { .present = rnd(3) != 0, .rw = rnd(2) };
	unsigned int r = role(parent);

	if (r && rnd(8))
		e.child = random_frame_of_role(r - 1);
	else
		e.child = rnd(STRESS_FRAMES);
	return e;
}

static enum page_type random_type(unsigned int f)
{
	unsigned int dice = rnd(20);

	if (dice < 3)
		return PGT_none;
	if (dice < 6)
		return (enum page_type)(PGT_writable + rnd(5));
	return role(f) ? (enum page_type)(PGT_writable + role(f)) : PGT_writable;
}

/*
 * An independent oracle for the outcome of taking @type on @f (with a
 * reference, as @owner): the same rules on plain arrays. A failure
 * anywhere fails the whole attempt, so the partial state is thrown away.
 */
struct shadow {
	enum page_type type[NR_FRAMES];
	uint32_t count[NR_FRAMES];
};

static bool shadow_take(struct shadow *s, unsigned int f, enum page_type type,
			uint16_t owner)
{
	if (m.frames[f].state != PGS_INUSE || m.frames[f].owner != owner)
		return false;
	if (type == PGT_none)
		return true;
	if (s->count[f]) {
		s->count[f]++;
		return s->type[f] == type;
	}
	s->type[f] = type;
	s->count[f] = 1;
	if (!page_type_is_table(type))
		return true;
	for (unsigned int i = 0; i < NR_SLOTS; i++) {
		const struct entry *e = &m.ents[f][i];

		if (e->present && !shadow_take(s, e->child, entry_need(type, e), owner))
			return false;
	}
	return true;
}

static bool predict(unsigned int f, enum page_type type)
{
	static struct shadow s;

	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		s.type[i] = page_get_type(pg_of(i));
		s.count[i] = page_type_count(pg_of(i));
	}
	return shadow_take(&s, f, type, DOM);
}

static void test_random_stress(void **state)
{
	struct page_info before[NR_FRAMES];
	unsigned int ok_tables = 0, refused = 0, deep_ok = 0, updates_ok = 0;
	unsigned int f, i;

	for (f = STRESS_OWN; f < STRESS_FOREIGN; f++)
		m.frames[f].owner = OTHER_DOM;
	for (; f < STRESS_FRAMES; f++) {
		m.frames[f].state = PGS_FREE;
		m.frames[f].owner = 0xffff;
	}
	for (f = STRESS_FRAMES; f < NR_FRAMES; f++)
		m.frames[f].state = PGS_RESERVED;
	for (f = 0; f < STRESS_FRAMES; f++) {
		for (i = 0; i < STRESS_SLOTS; i++)
			m.ents[f][i] = random_entry(f);
	}

	for (unsigned int step = 0; step < STRESS_STEPS; step++) {
		unsigned int dice = rnd(100);
		bool want, got;

		f = rnd(STRESS_FRAMES);
		memcpy(before, m.frames, sizeof(before));
		if (dice < 40) {
			/* Take a use from outside: pin, CR3, an RW mapping. */
			enum page_type type = random_type(f);

			want = predict(f, type);
			got = hold(f, type) == 0;
			if (want != got)
				fail_msg("step %u: taking frame %u as type %d %s, oracle says %s",
					 step, f, type, got ? "worked" : "failed",
					 want ? "yes" : "no");
			if (got && page_type_is_table(type)) {
				ok_tables++;
				deep_ok += type >= PGT_l3;
			}
		} else if (dice < 75) {
			if (!m.nr_holds)
				continue;
			release_hold(rnd(m.nr_holds));
			got = true;
		} else {
			/* mmu_update of one entry (a plain store off tables). */
			unsigned int slot = rnd(STRESS_SLOTS);
			struct entry e = random_entry(f);
			enum page_type type = page_get_type(pg_of(f));

			/* Only a validated table checks the entry (as DOM's). */
			want = !is_validated_table(f) || !e.present ||
			       predict(e.child, entry_need(type, &e));
			got = update_entry(f, slot, e) == 0;
			if (want != got)
				fail_msg("step %u: entry %u of frame %u -> %u %s, oracle says %s",
					 step, slot, f, e.child, got ? "taken" : "refused",
					 want ? "yes" : "no");
			updates_ok += got && is_validated_table(f);
		}
		if (!got) {
			refused++;
			if (!frames_same(before, m.frames))
				fail_msg("step %u: a refused operation left a trace", step);
		}
		check_model();
	}

	/* The run must have exercised both outcomes, deep trees included. */
	if (ok_tables < 500 || deep_ok < 100 || refused < 500 || updates_ok < 100)
		fail_msg("weak run: %u tables (%u L3/L4), %u refused, %u table updates",
			 ok_tables, deep_ok, refused, updates_ok);

	while (m.nr_holds) {
		release_hold(rnd(m.nr_holds));
		check_model();
	}
	assert_all_clear();
}

#define CASE(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_get_page_owner_match),
		CASE(test_get_page_wrong_owner_refused),
		CASE(test_get_page_frame_not_in_use_refused),
		CASE(test_get_page_needs_allocated),
		CASE(test_get_page_count_overflow_refused),
		CASE(test_put_page_underflow_is_a_bug),
		CASE(test_foreign_refs_counted_apart),
		CASE(test_foreign_ref_refused_leaves_no_trace),
		CASE(test_orphan_without_foreign_refs_is_freed_now),
		CASE(test_orphan_lives_until_last_foreign_ref),
		CASE(test_disown_only_when_nothing_holds_it),
		CASE(test_own_and_orphan_need_the_right_state),
		CASE(test_type_none_to_writable_and_back),
		CASE(test_writable_in_use_refuses_l1),
		CASE(test_l1_in_use_refuses_writable),
		CASE(test_get_page_writable),
		CASE(test_xen_heap_page_never_a_table),
		CASE(test_same_type_increments),
		CASE(test_type_count_overflow_refused),
		CASE(test_last_put_clears_type),
		CASE(test_put_page_type_at_zero_is_a_bug),
		CASE(test_valid_four_level_tree),
		CASE(test_devalidation_returns_counts_to_zero),
		CASE(test_deep_failure_rolls_back_everything),
		CASE(test_table_pointing_to_itself_refused),
		CASE(test_l1_maps_itself_read_only_only),
		CASE(test_two_l2s_share_one_l1),
		CASE(test_pin_keeps_type_across_put),
		CASE(test_validate_not_called_for_writable_or_none),
		CASE(test_devalidate_once_with_type_still_set),
		CASE(test_dead_table_keeps_its_entries_until_buried),
		CASE(test_dead_table_taken_again_comes_back_as_it_is),
		CASE(test_defer_declined_devalidates_at_once),
		CASE(test_validation_refuses_bad_targets),
		CASE(test_validation_rolls_back_on_child_overflow),
		CASE(test_race_disown_against_foreign_ref),
		CASE(test_race_table_against_foreign_writable),
		CASE(test_random_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
