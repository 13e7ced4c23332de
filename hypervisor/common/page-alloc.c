// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buddy allocator over the frame table. A free block of 2^k frames is
 * aligned to 2^k; its head frame is on free_head[k]'s doubly linked list
 * and records k. Freeing merges with the buddy while the buddy is a free
 * block of the same order. All state is guarded by heap_lock.
 *
 * A frame a guest could map may still be cached in some CPU's TLB when it
 * is freed: freeing stamps it with the TLB-flush clock, and handing it out
 * again first flushes the CPUs that may still cache it (arch tlb-clock),
 * so no frame is reused, by anyone, while a stale translation reaches it.
 */
#include <hv/mm.h>
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <asm/page.h>

#ifdef CONFIG_DEBUG
#define POISON_BYTE 0xa5	/* freed frames are filled so stale users show up */
#endif

/* Owned by this file; guarded by heap_lock after boot. */
static struct page_info *frames;
static mfn_t nr_frames;
static uint32_t free_head[MAX_ORDER + 1];
static uint64_t free_count, total_count;
static DEFINE_SPINLOCK(heap_lock);

struct page_info *mfn_to_page(mfn_t mfn)
{
	BUG_ON(mfn >= nr_frames);
	return &frames[mfn];
}

static void list_push(unsigned int order, mfn_t mfn)
{
	struct page_info *pg = &frames[mfn];

	pg->prev = PAGE_LIST_NONE;
	pg->next = free_head[order];
	if (free_head[order] != PAGE_LIST_NONE)
		frames[free_head[order]].prev = (uint32_t)mfn;
	free_head[order] = (uint32_t)mfn;
	pg->state = PGS_FREE;
	pg->order = (uint8_t)order;
}

static void list_del(unsigned int order, mfn_t mfn)
{
	struct page_info *pg = &frames[mfn];

	if (pg->prev != PAGE_LIST_NONE)
		frames[pg->prev].next = pg->next;
	else
		free_head[order] = pg->next;
	if (pg->next != PAGE_LIST_NONE)
		frames[pg->next].prev = pg->prev;
	pg->state = PGS_FREE_TAIL;
}

void page_alloc_init(struct page_info *table, mfn_t n)
{
	BUG_ON(n > UINT32_MAX);	/* list links are 32-bit frame numbers */
	frames = table;
	nr_frames = n;
	for (mfn_t i = 0; i < n; i++)
		frames[i] = (struct page_info){
			.next = PAGE_LIST_NONE, .prev = PAGE_LIST_NONE,
			.owner = UINT16_MAX, .state = PGS_RESERVED,
		};
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		free_head[o] = PAGE_LIST_NONE;
	free_count = total_count = 0;
}

static void free_block_locked(mfn_t mfn, unsigned int order)
{
	free_count += 1ULL << order;
	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++)
		frames[i].state = PGS_FREE_TAIL;
	while (order < MAX_ORDER) {
		mfn_t buddy = mfn ^ (1ULL << order);

		if (buddy >= nr_frames || frames[buddy].state != PGS_FREE ||
		    frames[buddy].order != order)
			break;
		list_del(order, buddy);
		mfn &= ~(1ULL << order);
		order++;
	}
	list_push(order, mfn);
}

void page_alloc_add_range(mfn_t start, mfn_t end)
{
	unsigned long flags;

	BUG_ON(end > nr_frames || start > end);
	flags = spin_lock_irqsave(&heap_lock);
	while (start < end) {
		unsigned int order = 0;

		/* The largest aligned block that starts here and fits. */
		while (order < MAX_ORDER && !(start & ((2ULL << order) - 1)) &&
		       start + (2ULL << order) <= end)
			order++;
		for (mfn_t i = start; i < start + (1ULL << order); i++)
			BUG_ON(frames[i].state != PGS_RESERVED);
		total_count += 1ULL << order;
		free_block_locked(start, order);
		start += 1ULL << order;
	}
	spin_unlock_irqrestore(&heap_lock, flags);
}

/*
 * Before a block is handed out: flush whoever may still cache a
 * translation of one of its frames from before they were freed. Called
 * without heap_lock: a flush waits for other CPUs, which may want it.
 */
static mfn_t hand_out(mfn_t mfn, unsigned int order)
{
	uint64_t stamp = 0;

	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++) {
		if (frames[i].tlbflush_stamp > stamp)
			stamp = frames[i].tlbflush_stamp;
		frames[i].tlbflush_stamp = 0;
		frames[i].stale_type = 0;
	}
	arch_tlb_flush_stale(stamp);
	return mfn;
}

mfn_t alloc_frames(unsigned int order)
{
	unsigned long flags;
	unsigned int o;
	mfn_t mfn;

	if (order > MAX_ORDER)
		return INVALID_MFN;
	flags = spin_lock_irqsave(&heap_lock);
	for (o = order; o <= MAX_ORDER && free_head[o] == PAGE_LIST_NONE; o++)
		;
	if (o > MAX_ORDER) {
		spin_unlock_irqrestore(&heap_lock, flags);
		return INVALID_MFN;
	}
	mfn = free_head[o];
	list_del(o, mfn);
	/* Split: keep the lower half, free the upper half at each step. */
	while (o > order) {
		o--;
		list_push(o, mfn + (1ULL << o));
	}
	/*
	 * Only the head frame carries the order; the others get one no block
	 * has, so freeing a frame from inside a live block is caught.
	 */
	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++) {
		frames[i].state = PGS_INUSE;
		frames[i].order = PAGE_ORDER_TAIL;
	}
	frames[mfn].order = (uint8_t)order;
	free_count -= 1ULL << order;
	spin_unlock_irqrestore(&heap_lock, flags);
	return hand_out(mfn, order);
}

mfn_t alloc_frames_below(unsigned int order, mfn_t limit)
{
	unsigned long flags;
	unsigned int o;
	mfn_t mfn = INVALID_MFN;

	if (order > MAX_ORDER)
		return INVALID_MFN;
	flags = spin_lock_irqsave(&heap_lock);
	/*
	 * The lowest 2^order frames of any free block of at least that order
	 * start at the block's head, so a block qualifies when those fit
	 * below @limit. The walk is bounded by the number of free blocks.
	 */
	for (o = order; o <= MAX_ORDER && mfn == INVALID_MFN; o++)
		for (uint32_t b = free_head[o]; b != PAGE_LIST_NONE; b = frames[b].next)
			if ((mfn_t)b + (1ULL << order) <= limit) {
				mfn = b;
				break;
			}
	if (mfn == INVALID_MFN) {
		spin_unlock_irqrestore(&heap_lock, flags);
		return INVALID_MFN;
	}
	o--;
	list_del(o, mfn);
	while (o > order) {
		o--;
		list_push(o, mfn + (1ULL << o));
	}
	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++) {
		frames[i].state = PGS_INUSE;
		frames[i].order = PAGE_ORDER_TAIL;
	}
	frames[mfn].order = (uint8_t)order;
	free_count -= 1ULL << order;
	spin_unlock_irqrestore(&heap_lock, flags);
	return hand_out(mfn, order);
}

void split_frames(mfn_t mfn, unsigned int order)
{
	unsigned long flags;

	BUG_ON(order > MAX_ORDER || mfn >= nr_frames || (mfn & ((1ULL << order) - 1)));
	flags = spin_lock_irqsave(&heap_lock);
	BUG_ON(frames[mfn].state != PGS_INUSE || frames[mfn].order != order);
	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++)
		frames[i].order = 0;
	spin_unlock_irqrestore(&heap_lock, flags);
}

void free_frames(mfn_t mfn, unsigned int order)
{
	unsigned long flags;
	uint64_t stamp = arch_tlb_clock_now();

	BUG_ON(order > MAX_ORDER || mfn >= nr_frames || (mfn & ((1ULL << order) - 1)));
	flags = spin_lock_irqsave(&heap_lock);
	/* A double free or a wrong order is a hypervisor bug, never guest input. */
	BUG_ON(frames[mfn].state != PGS_INUSE || frames[mfn].order != order);
#ifdef CONFIG_DEBUG
	memset(mfn_to_virt(mfn), POISON_BYTE, PAGE_SIZE << order);
#endif
	for (mfn_t i = mfn; i < mfn + (1ULL << order); i++)
		frames[i].tlbflush_stamp = stamp;
	free_block_locked(mfn, order);
	spin_unlock_irqrestore(&heap_lock, flags);
}

mfn_t page_alloc_nr_frames(void)
{
	return nr_frames;
}

uint64_t page_alloc_free_frames(void)
{
	return READ_ONCE(free_count);
}

uint64_t page_alloc_total_frames(void)
{
	return READ_ONCE(total_count);
}

void *alloc_pages(unsigned int order)
{
	mfn_t mfn = alloc_frames(order);
	void *va;

	if (mfn == INVALID_MFN)
		return NULL;
	va = mfn_to_virt(mfn);
	memset(va, 0, PAGE_SIZE << order);
	return va;
}

void free_pages(void *va, unsigned int order)
{
	if (va)
		free_frames(virt_to_mfn(va), order);
}
