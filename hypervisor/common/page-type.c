// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page type and reference rules (hv/page-type.h). The invariants:
 *  - a frame has one type at a time; the type changes only at count 0;
 *  - a page-table type is held only by frames whose every entry validated;
 *  - references never underflow (a hypervisor bug) or overflow (refused).
 * While a frame is being validated it already carries its new type with
 * count 1 and PGT_VALIDATING, so an entry pointing back at the frame finds
 * the type taken: a table cannot validate itself as another type.
 */
#include <hv/page-type.h>
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/errno.h>

/*
 * Counts change atomically: another domain's vCPU (dom0 mapping this
 * frame, a grant mapping) may take or drop a reference while the owner's
 * vCPU, under the owner's mm_lock, does the same.
 */
bool get_page(struct page_info *pg, uint16_t owner)
{
	uint32_t old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

	do {
		if (pg->state != PGS_INUSE || pg->owner != owner || (old & PGC_ORPHAN))
			return false;
		if ((old & PGC_COUNT_MASK) == PGC_COUNT_MASK)
			return false;	/* overflow: refuse rather than wrap */
	} while (!__atomic_compare_exchange_n(&pg->count_info, &old, old + 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return true;
}

/* Drop one reference; returns the count_info it found. Underflow is a bug. */
static uint32_t drop_ref(struct page_info *pg)
{
	uint32_t old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

	do {
		BUG_ON(!(old & PGC_COUNT_MASK));
	} while (!__atomic_compare_exchange_n(&pg->count_info, &old, old - 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return old;
}

void put_page(struct page_info *pg)
{
	drop_ref(pg);
}

bool get_page_foreign(struct page_info *pg, uint16_t owner)
{
	uint16_t old = __atomic_load_n(&pg->foreign_refs, __ATOMIC_RELAXED);

	do {
		if (old == PGC_FOREIGN_MAX)
			return false;
	} while (!__atomic_compare_exchange_n(&pg->foreign_refs, &old, old + 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	if (get_page(pg, owner))
		return true;
	__atomic_fetch_sub(&pg->foreign_refs, 1, __ATOMIC_ACQ_REL);
	return false;
}

bool put_page_foreign(struct page_info *pg)
{
	uint32_t old;

	BUG_ON(!__atomic_load_n(&pg->foreign_refs, __ATOMIC_RELAXED));
	__atomic_fetch_sub(&pg->foreign_refs, 1, __ATOMIC_ACQ_REL);
	old = drop_ref(pg);
	return (old & PGC_ORPHAN) && (old & PGC_COUNT_MASK) == 1;
}

bool page_orphan(struct page_info *pg)
{
	uint32_t old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED), new;

	/*
	 * The owner's own references (its page tables, pins) die with it;
	 * what remains is exactly the foreign ones. A racing put_page_foreign
	 * either lands before (we see fewer) or after the exchange (it sees
	 * the orphan bit and frees at the last).
	 */
	do {
		uint16_t f = __atomic_load_n(&pg->foreign_refs, __ATOMIC_ACQUIRE);

		if (!f)
			return true;
		new = PGC_ORPHAN | f;
	} while (!__atomic_compare_exchange_n(&pg->count_info, &old, new, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	pg->owner = PAGE_OWNER_NONE;
	pg->stale_type = (uint8_t)page_get_type(pg);
	pg->type_info = 0;
	pg->tlbflush_stamp = arch_tlb_clock_now();
	return false;
}

int get_page_type(struct page_info *pg, enum page_type type, page_validate_fn validate,
		  void *ctx)
{
	unsigned int count = page_type_count(pg);
	int rc;

	/* Callers ask for a real type: "none" is the absence of one. */
	BUG_ON(type == PGT_none || type > PGT_l4);
	if (pg->type_info & PGT_DEAD) {
		/* Still valid as what it was (its entries hold): back as it is. */
		if (page_get_type(pg) != type)
			return -EBUSY;
		pg->type_info = (pg->type_info & ~PGT_DEAD) | 1;
		return 0;
	}
	if (count) {
		if (page_get_type(pg) != type)
			return -EINVAL;
		if (count == PGT_COUNT_MASK)
			return -EOVERFLOW;
		pg->type_info++;
		return 0;
	}
	/*
	 * A new type: no CPU may still reach the frame as what it was. Its
	 * writable mappings, or its use as a page table (paging-structure
	 * caches), went at the stamp; flush whoever may cache them still.
	 * The contents are read only after that, so validation sees what
	 * every later walk of the table will see. A frame that only goes
	 * back to the type it had needs nothing.
	 */
	if (pg->tlbflush_stamp && pg->stale_type != type) {
		arch_tlb_flush_stale(pg->tlbflush_stamp);
		pg->tlbflush_stamp = 0;
	}
	pg->type_info = ((uint32_t)type << PGT_TYPE_SHIFT) | 1;
	if (page_type_is_table(type)) {
		pg->type_info |= PGT_VALIDATING;
		rc = validate(pg, type, ctx);
		if (rc) {
			pg->type_info = 0;
			return rc;
		}
		pg->type_info &= ~PGT_VALIDATING;
	}
	return 0;
}

/* The type is gone: stamp the frame for the TLB-flush clock. */
static void type_gone(struct page_info *pg, enum page_type type)
{
	pg->type_info = 0;
	/* The entry that held the last use is already written away. */
	pg->stale_type = (uint8_t)type;
	pg->tlbflush_stamp = arch_tlb_clock_now();
}

void put_page_type_deferred(struct page_info *pg, page_devalidate_fn devalidate,
			    page_defer_fn defer, void *ctx)
{
	enum page_type type = page_get_type(pg);

	BUG_ON(!page_type_count(pg) || (pg->type_info & PGT_DEAD));
	if (page_type_count(pg) > 1) {
		pg->type_info--;
		return;
	}
	if (page_type_is_table(type)) {
		if (defer && !defer(pg, type, ctx)) {
			pg->type_info = (pg->type_info & ~(PGT_COUNT_MASK | PGT_PINNED)) |
					PGT_DEAD | PGT_QUEUED;
			return;
		}
		/* Last use: while its entries are released the frame keeps its type. */
		devalidate(pg, type, ctx);
	}
	type_gone(pg, type);
}

void put_page_type(struct page_info *pg, page_devalidate_fn devalidate, void *ctx)
{
	put_page_type_deferred(pg, devalidate, NULL, ctx);
}

void page_type_bury(struct page_info *pg, page_devalidate_fn devalidate, void *ctx)
{
	enum page_type type = page_get_type(pg);

	BUG_ON(!(pg->type_info & PGT_QUEUED));
	pg->type_info &= ~PGT_QUEUED;
	if (!(pg->type_info & PGT_DEAD))
		return;	/* taken again meanwhile: alive, and no longer queued */
	BUG_ON(page_type_count(pg));
	devalidate(pg, type, ctx);
	type_gone(pg, type);
}
