/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Frame ownership, reference counts and types: the rules that keep a PV
 * guest's page tables honest. A frame's type is what it is in use as
 * (writable data, or an L1-L4 page table); its type count says how many
 * uses hold that type, and only at count 0 may the type change. So a
 * frame is never both writable-mapped and a page table. Turning a frame
 * into a page table validates every entry first (taking references on what
 * they point to); the last use of the type undoes that. Pure: the
 * validators are callbacks, so the rules are unit-tested on the host.
 *
 * Who may race whom. The owner changes its frames under its mm_lock.
 * Another domain takes and drops references (dom0 mapping a domU's
 * frame, a grant mapping) and writable type uses (a writable such
 * mapping) from its own CPU, without the owner's lock: so every change
 * of count_info and type_info is one compare-and-swap, and the rules are
 * such that each CAS alone decides. In particular:
 *  - Ownership is a bit of the count, PGC_ALLOCATED, held while the owner
 *    owns the frame. get_page() succeeds only while it is set, and the
 *    owner gives a frame up (page_disown()) only by clearing it in the
 *    same CAS that sees no reference: so either the giving up fails (the
 *    frame is in use, the owner keeps it) or every later get_page()
 *    fails; never is a frame freed with a reference on it.
 *  - Another domain takes only writable uses. Taking one is one CAS that
 *    finds the frame untyped or writable, and otherwise fails without a
 *    store; a page-table type is taken by one CAS at type count 0 as well.
 *    So the two never both succeed, and while a frame is a page table
 *    (validating included) no other domain writes its type_info at all:
 *    that is why the owner may validate, devalidate and set PGT_PINNED
 *    of a table under its lock alone.
 */
#pragma once
#include <hv/types.h>
#include <hv/mm.h>

enum page_type {
	PGT_none = 0,
	PGT_writable = 1,
	PGT_l1 = 2,
	PGT_l2 = 3,
	PGT_l3 = 4,
	PGT_l4 = 5,
};

/*
 * page_info.type_info: [31:28] type, [27] pinned, [26] validating, [25]
 * dead, [24] queued, [23:0] count. A dead table lost its last use but its
 * entries still hold their references: releasing them (a whole subtree,
 * maybe) is left to a later, preemptible moment, and the frame is queued
 * for it. Until then it keeps its type: a use of that type brings it back
 * as it is (it is still valid), any other type is refused (-EBUSY).
 */
#define PGT_TYPE_SHIFT		28
#define PGT_PINNED		(1u << 27)
#define PGT_VALIDATING		(1u << 26)
#define PGT_DEAD		(1u << 25)
#define PGT_QUEUED		(1u << 24)
#define PGT_COUNT_MASK		((1u << 24) - 1)
/*
 * page_info.count_info:
 *  [63] a hypervisor page shared with its owner (shared_info, grant frames)
 *  [62] an orphan: its domain is gone but other domains still map it, so it
 *       lives until their last reference
 *  [61] allocated: its owner owns it (see above); clear when it is free,
 *       a hypervisor page nobody may map, being given back, or an orphan
 *  [47:32] of the references, those held by other domains than the owner
 *  [29:0] references
 */
#define PGC_XEN_HEAP		(1ull << 63)
#define PGC_ORPHAN		(1ull << 62)
#define PGC_ALLOCATED		(1ull << 61)
#define PGC_FOREIGN_SHIFT	32
#define PGC_FOREIGN_ONE		(1ull << PGC_FOREIGN_SHIFT)
#define PGC_FOREIGN_MAX		0xffffull
#define PGC_COUNT_MASK		((1ull << 30) - 1)

static inline enum page_type page_get_type(const struct page_info *pg)
{
	return (enum page_type)(pg->type_info >> PGT_TYPE_SHIFT);
}

static inline unsigned int page_type_count(const struct page_info *pg)
{
	return pg->type_info & PGT_COUNT_MASK;
}

static inline bool page_type_is_table(enum page_type t)
{
	return t >= PGT_l1 && t <= PGT_l4;
}

/*
 * A hypervisor page (shared_info, a grant-table frame) handed to domain
 * @owner, which may map it as its own. The hypervisor writes into it
 * itself (event bits, grant flags), so it must never become a page
 * table: from now until page_unshare_xen_heap() it holds one writable
 * type use of its own, so the type count never drops to 0 and no other
 * type can ever be taken. Writable mappings add uses as on any frame.
 */
static inline void page_share_xen_heap(struct page_info *pg, uint16_t owner)
{
	pg->owner = owner;
	pg->count_info = PGC_XEN_HEAP | PGC_ALLOCATED;
	pg->type_info = ((uint32_t)PGT_writable << PGT_TYPE_SHIFT) | 1;
}

/*
 * The page goes back to the hypervisor to be freed. The owner is gone,
 * and with it any mapping it had (whose uses die with its page tables).
 */
static inline void page_unshare_xen_heap(struct page_info *pg)
{
	pg->owner = PAGE_OWNER_NONE;
	pg->count_info = 0;
	pg->type_info = 0;
}

/* The references of @pg that other domains than its owner hold. */
static inline unsigned int page_foreign_refs(const struct page_info *pg)
{
	return (unsigned int)((pg->count_info >> PGC_FOREIGN_SHIFT) & PGC_FOREIGN_MAX);
}

/*
 * A reference on @pg for its owner @owner: false if it is not @owner's
 * (allocated) frame. The caller is @owner or holds @owner's mm_lock, so
 * the frame cannot change hands meanwhile.
 */
bool get_page(struct page_info *pg, uint16_t owner);
void put_page(struct page_info *pg);

/*
 * A reference that another domain than @owner holds (dom0 mapping a
 * domU's frame, a grant mapping), from any CPU without @owner's lock:
 * counted apart as well, so that when @owner is destroyed the frame
 * outlives it exactly as long as such references remain. put_page_foreign()
 * returns true when it dropped the last reference of an orphan: the caller
 * then frees the frame.
 */
bool get_page_foreign(struct page_info *pg, uint16_t owner);
bool put_page_foreign(struct page_info *pg);

/*
 * The owner gives @pg up (decrease_reservation, memory exchange): clear
 * PGC_ALLOCATED if nothing references or types the frame, else change
 * nothing. True if it did: from then on no get_page() of it succeeds, and
 * the caller frees it (or page_own()s it back). False for a hypervisor
 * page or a frame still in use.
 */
bool page_disown(struct page_info *pg);

/*
 * @pg, which nobody references, becomes the owner's that page_info.owner
 * names (a new frame, or one disowned and kept after all). A hypervisor
 * page shared with a domain is owned too, with PGC_XEN_HEAP.
 */
void page_own(struct page_info *pg);

/*
 * The owner is being destroyed: keep @pg only for the foreign references
 * it still has. Returns true when there are none (the caller frees it
 * now); otherwise the frame becomes an orphan with no owner. Its type
 * stays: the writable uses other domains hold are dropped as ever, the
 * owner's die with it, and freeing the orphan resets it.
 */
bool page_orphan(struct page_info *pg);

/*
 * Validate a frame's contents as @type, taking the references its entries
 * need; on failure undo everything and return -EINVAL. Devalidate drops
 * them. Both are given the @ctx the caller passed.
 */
typedef int (*page_validate_fn)(struct page_info *pg, enum page_type type, void *ctx);
typedef void (*page_devalidate_fn)(struct page_info *pg, enum page_type type, void *ctx);

/*
 * At a table's last use: release its entries now (return true, after
 * calling what devalidation does), or queue the frame to be buried later
 * (return false; page_type_bury() then runs @devalidate). Only a queue
 * that does not already hold the frame (PGT_QUEUED clear) takes it.
 */
typedef bool (*page_defer_fn)(struct page_info *pg, enum page_type type, void *ctx);

/*
 * Take a use of @pg as @type. At type count 0 the frame takes the type
 * (validated first when it is a page table); otherwise the type must
 * already be @type. -EINVAL when it is in use as something else, or its
 * contents do not validate; -EOVERFLOW when the count is full. A table
 * type only under the owner's mm_lock; a writable use from anywhere.
 */
int get_page_type(struct page_info *pg, enum page_type type, page_validate_fn validate,
		  void *ctx);

/* Drop a use; the last one devalidates a page table and clears the type. */
void put_page_type(struct page_info *pg, page_devalidate_fn devalidate, void *ctx);

/*
 * As put_page_type, but the last use of a table may be deferred: @defer
 * decides; a deferred table becomes dead (see PGT_DEAD) and queued.
 */
void put_page_type_deferred(struct page_info *pg, page_devalidate_fn devalidate,
			    page_defer_fn defer, void *ctx);

/*
 * Taken off the queue: a still-dead table has its entries released now
 * (@devalidate) and loses its type; one brought back meanwhile is left.
 */
void page_type_bury(struct page_info *pg, page_devalidate_fn devalidate, void *ctx);

/*
 * A reference and a writable type use of @pg for @owner: what the
 * hypervisor holds on a frame while it writes into it on @owner's behalf
 * (or for as long as it keeps writing there), so that the frame can never
 * be a page table meanwhile. False if it is not @owner's or is in use as
 * a page table. The writable type needs no validation callbacks.
 */
static inline bool get_page_writable(struct page_info *pg, uint16_t owner)
{
	if (!get_page(pg, owner))
		return false;
	if (get_page_type(pg, PGT_writable, NULL, NULL)) {
		put_page(pg);
		return false;
	}
	return true;
}

static inline void put_page_writable(struct page_info *pg)
{
	put_page_type(pg, NULL, NULL);
	put_page(pg);
}
