// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page type and reference rules (hv/page-type.h). The invariants:
 *  - a frame has one type at a time; the type changes only at count 0;
 *  - a page-table type is held only by frames whose every entry validated;
 *  - references never underflow (a hypervisor bug) or overflow (refused);
 *  - a frame with a reference is allocated to its owner (or an orphan):
 *    giving it up and taking a reference exclude each other.
 * While a frame is being validated it already carries its new type with
 * count 1 and PGT_VALIDATING, so an entry pointing back at the frame finds
 * the type taken: a table cannot validate itself as another type.
 *
 * Every change is a compare-and-swap (or, where the header's rules say no
 * other CPU can write the word, a plain atomic store), since other
 * domains' CPUs take references and writable uses without the owner's
 * lock.
 *
 * The TLB-flush clock (hv/arch.h): when a type's last use goes, the frame
 * is stamped (before the count reaches 0, so whoever takes the next type
 * sees the stamp); a frame taking a type other than the one it last had
 * first has every CPU flushed that may still cache a translation from
 * then: a writable one of a frame about to be validated as a table, or a
 * table walk through a frame about to become writable. The stamp is never
 * cleared: once those CPUs have flushed, it asks nothing of them.
 */
#include <hv/page-type.h>
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/errno.h>

static bool cas64(uint64_t *p, uint64_t *old, uint64_t new)
{
	return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

static bool cas32(uint32_t *p, uint32_t *old, uint32_t new)
{
	return __atomic_compare_exchange_n(p, old, new, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

/*
 * Add one reference (@foreign: one foreign as well) if @pg is @owner's
 * allocated frame and neither count is full.
 */
static bool take_ref(struct page_info *pg, uint16_t owner, bool foreign)
{
	uint64_t old = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE), add;

	add = 1 + (foreign ? PGC_FOREIGN_ONE : 0);
	do {
		if (!(old & PGC_ALLOCATED) || READ_ONCE(pg->state) != PGS_INUSE ||
		    READ_ONCE(pg->owner) != owner)
			return false;
		if ((old & PGC_COUNT_MASK) == PGC_COUNT_MASK)
			return false;	/* overflow: refuse rather than wrap */
		if (foreign && ((old >> PGC_FOREIGN_SHIFT) & PGC_FOREIGN_MAX) == PGC_FOREIGN_MAX)
			return false;
	} while (!cas64(&pg->count_info, &old, old + add));
	return true;
}

/* Drop one reference (@foreign: a foreign one); returns the count_info it found. */
static uint64_t drop_ref(struct page_info *pg, bool foreign)
{
	uint64_t old = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE), sub;

	sub = 1 + (foreign ? PGC_FOREIGN_ONE : 0);
	do {
		BUG_ON(!(old & PGC_COUNT_MASK));
		BUG_ON(foreign && !((old >> PGC_FOREIGN_SHIFT) & PGC_FOREIGN_MAX));
	} while (!cas64(&pg->count_info, &old, old - sub));
	return old;
}

bool get_page(struct page_info *pg, uint16_t owner)
{
	return take_ref(pg, owner, false);
}

void put_page(struct page_info *pg)
{
	drop_ref(pg, false);
}

bool get_page_foreign(struct page_info *pg, uint16_t owner)
{
	if (!take_ref(pg, owner, true))
		return false;
	/*
	 * Without the owner's lock, the frame may have been given back and
	 * handed to another domain between our look at the owner and the
	 * CAS, with count_info back at the very value we saw. Now that we
	 * hold a reference it cannot change hands again: look once more.
	 */
	if (READ_ONCE(pg->owner) == owner)
		return true;
	/*
	 * Not the last reference of an orphan: frames become orphans only
	 * after every CPU has left the hypervisor (domain_destroy), and we
	 * have not.
	 */
	BUG_ON(put_page_foreign(pg));
	return false;
}

bool put_page_foreign(struct page_info *pg)
{
	uint64_t old = drop_ref(pg, true);

	return (old & PGC_ORPHAN) && (old & PGC_COUNT_MASK) == 1;
}

bool page_disown(struct page_info *pg)
{
	uint64_t old = PGC_ALLOCATED;

	/* The owner's own transient type uses come with its lock held: none now. */
	if (page_type_count(pg))
		return false;
	/* Only "allocated, nothing else": no reference, not the hypervisor's. */
	return cas64(&pg->count_info, &old, 0);
}

void page_own(struct page_info *pg)
{
	uint64_t old = __atomic_load_n(&pg->count_info, __ATOMIC_RELAXED);

	/* Nobody writes the count of a frame without PGC_ALLOCATED: a store will do. */
	BUG_ON(old & (PGC_ALLOCATED | PGC_ORPHAN | PGC_COUNT_MASK));
	__atomic_store_n(&pg->count_info, old | PGC_ALLOCATED, __ATOMIC_RELEASE);
}

bool page_orphan(struct page_info *pg)
{
	uint64_t old = __atomic_load_n(&pg->count_info, __ATOMIC_ACQUIRE), new, f;

	/*
	 * The owner's own references (its page tables, pins) die with it;
	 * what remains is exactly the foreign ones, counted in the same word,
	 * so no foreign get or put can slip between our look and the change.
	 */
	do {
		BUG_ON(!(old & PGC_ALLOCATED));
		f = (old >> PGC_FOREIGN_SHIFT) & PGC_FOREIGN_MAX;
		new = f ? PGC_ORPHAN | (f << PGC_FOREIGN_SHIFT) | f : 0;
	} while (!cas64(&pg->count_info, &old, new));
	if (!f)
		return true;
	WRITE_ONCE(pg->owner, PAGE_OWNER_NONE);
	return false;
}

/* Before the last use goes: the entry that held it is already written away. */
static void stamp_last_use(struct page_info *pg, enum page_type type)
{
	WRITE_ONCE(pg->stale_type, (uint8_t)type);
	__atomic_store_n(&pg->tlbflush_stamp, arch_tlb_clock_now(), __ATOMIC_RELEASE);
}

int get_page_type(struct page_info *pg, enum page_type type, page_validate_fn validate,
		  void *ctx)
{
	uint32_t old = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE), new;
	int rc;

	/* Callers ask for a real type: "none" is the absence of one. */
	BUG_ON(type == PGT_none || type > PGT_l4);
	for (;;) {
		unsigned int count = old & PGT_COUNT_MASK;
		uint64_t stamp;

		if (old & PGT_DEAD) {
			/* Still valid as what it was (its entries hold): back as it is. */
			if ((enum page_type)(old >> PGT_TYPE_SHIFT) != type)
				return -EBUSY;
			if (cas32(&pg->type_info, &old, (old & ~PGT_DEAD) | 1))
				return 0;
			continue;
		}
		if (count) {
			if ((enum page_type)(old >> PGT_TYPE_SHIFT) != type)
				return -EINVAL;
			if (count == PGT_COUNT_MASK)
				return -EOVERFLOW;
			if (cas32(&pg->type_info, &old, old + 1))
				return 0;
			continue;
		}
		/*
		 * A new type: no CPU may still reach the frame as what it was.
		 * Flushed before the type is visible, and so before validation
		 * reads the contents every later walk will see.
		 */
		stamp = __atomic_load_n(&pg->tlbflush_stamp, __ATOMIC_ACQUIRE);
		if (stamp && READ_ONCE(pg->stale_type) != type)
			arch_tlb_flush_stale(stamp);
		new = ((uint32_t)type << PGT_TYPE_SHIFT) | 1 |
		      (page_type_is_table(type) ? PGT_VALIDATING : 0);
		if (cas32(&pg->type_info, &old, new))
			break;
	}
	if (!page_type_is_table(type))
		return 0;
	/* A table being validated: no other CPU writes its type_info (header). */
	rc = validate(pg, type, ctx);
	if (rc) {
		/* Nothing could walk it meanwhile: no entry pointed at it yet. */
		__atomic_store_n(&pg->type_info, 0, __ATOMIC_RELEASE);
		return rc;
	}
	__atomic_and_fetch(&pg->type_info, ~PGT_VALIDATING, __ATOMIC_RELEASE);
	return 0;
}

void put_page_type_deferred(struct page_info *pg, page_devalidate_fn devalidate,
			    page_defer_fn defer, void *ctx)
{
	uint32_t old = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
	enum page_type type;

	for (;;) {
		unsigned int count = old & PGT_COUNT_MASK;

		BUG_ON(!count || (old & PGT_DEAD));
		type = (enum page_type)(old >> PGT_TYPE_SHIFT);
		if (count == 1 && page_type_is_table(type))
			break;
		/* Not a table's last use: the count goes down, at 0 the type goes. */
		if (count == 1)
			stamp_last_use(pg, type);
		if (cas32(&pg->type_info, &old, count > 1 ? old - 1 : 0))
			return;
	}
	/*
	 * Last use of a table (only its owner, under its lock, gets here).
	 * Deferred, it keeps its type and its entries: dead, queued. One still
	 * queued from an earlier death is left to the queue to bury.
	 */
	if ((old & PGT_QUEUED) || (defer && !defer(pg, type, ctx))) {
		__atomic_store_n(&pg->type_info,
				 (old & ~(PGT_COUNT_MASK | PGT_PINNED)) | PGT_DEAD | PGT_QUEUED,
				 __ATOMIC_RELEASE);
		return;
	}
	/* While its entries are released the frame keeps its type. */
	devalidate(pg, type, ctx);
	stamp_last_use(pg, type);
	__atomic_store_n(&pg->type_info, 0, __ATOMIC_RELEASE);
}

void put_page_type(struct page_info *pg, page_devalidate_fn devalidate, void *ctx)
{
	put_page_type_deferred(pg, devalidate, NULL, ctx);
}

void page_type_bury(struct page_info *pg, page_devalidate_fn devalidate, void *ctx)
{
	uint32_t old = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
	enum page_type type = (enum page_type)(old >> PGT_TYPE_SHIFT);

	/* A queued table is its owner's alone: only it, under its lock, types it. */
	BUG_ON(!(old & PGT_QUEUED));
	if (!(old & PGT_DEAD)) {
		/* Taken again meanwhile: alive, and no longer queued. */
		__atomic_and_fetch(&pg->type_info, ~PGT_QUEUED, __ATOMIC_RELEASE);
		return;
	}
	BUG_ON(old & PGT_COUNT_MASK);
	devalidate(pg, type, ctx);
	stamp_last_use(pg, type);
	__atomic_store_n(&pg->type_info, 0, __ATOMIC_RELEASE);
}
