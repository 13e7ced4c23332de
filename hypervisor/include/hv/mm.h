/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Machine frames: the frame table (one struct page_info per frame up to the
 * highest RAM address) and the buddy allocator over it. Issue 4 extends
 * page_info with ownership, type and reference counts.
 */
#pragma once
#include <hv/types.h>

#define INVALID_MFN	(~(mfn_t)0)
#define PAGE_LIST_NONE	UINT32_MAX
/* page_info.owner of a frame no domain owns (free, or an orphan). */
#define PAGE_OWNER_NONE	UINT16_MAX
/* Largest block: 2^18 frames = 1 GiB. */
#define MAX_ORDER	18
/* page_info.order of an allocated frame that is not a block's head. */
#define PAGE_ORDER_TAIL	0xff

enum page_state {
	PGS_RESERVED = 0,	/* not RAM, or RAM we never hand out (image, modules) */
	PGS_FREE,		/* head frame of a free buddy block of page->order */
	PGS_FREE_TAIL,		/* inside a free block, not its head */
	PGS_INUSE,		/* allocated; the head frame records the order */
};

struct page_info {
	uint32_t next, prev;	/* free-list links (frame numbers) while free */
	/* Ownership, references and foreign references, one atomic word (hv/page-type.h). */
	uint64_t count_info;
	uint32_t type_info;	/* page type and type count (PV MMU, issue 4) */
	uint16_t owner;		/* domid of the owner, DOMID_INVALID when none */
	uint8_t state;		/* enum page_state */
	uint8_t order;		/* block order, on the head frame */
	uint8_t stale_type;	/* enum page_type the frame last held (hv/page-type.h) */
	uint8_t pad[3];
	/*
	 * The TLB-flush clock when the frame's last type use or its owner's
	 * last reference went (freed); 0 when no CPU can cache a stale
	 * translation of it. Before it takes another type, or is handed out
	 * again, the CPUs that may are flushed (arch tlb-clock).
	 */
	uint64_t tlbflush_stamp;
};

/*
 * Set up the allocator over @table, which covers frames [0, @nr_frames),
 * all initially reserved. Not thread-safe: boot CPU only.
 */
void page_alloc_init(struct page_info *table, mfn_t nr_frames);

/* Hand the frames [start, end) to the allocator. */
void page_alloc_add_range(mfn_t start, mfn_t end);

/* Allocate 2^order contiguous frames; INVALID_MFN when none are free. */
mfn_t alloc_frames(unsigned int order);

/*
 * Allocate 2^order contiguous frames that all lie below frame @limit (for
 * devices that address only so many bits); INVALID_MFN when none are free.
 */
mfn_t alloc_frames_below(unsigned int order, mfn_t limit);

/*
 * Turn an allocated block of 2^order frames into as many separate
 * single-frame allocations, each then freed with free_frames(mfn, 0).
 */
void split_frames(mfn_t mfn, unsigned int order);

/* Free a block that alloc_frames() returned, with the same order. */
void free_frames(mfn_t mfn, unsigned int order);

/* Frames currently free, and frames ever handed to the allocator. */
uint64_t page_alloc_free_frames(void);
uint64_t page_alloc_total_frames(void);

struct page_info *mfn_to_page(mfn_t mfn);

/* Frames the frame table covers: every valid MFN is below this. */
mfn_t page_alloc_nr_frames(void);

/* Allocate zeroed hypervisor pages, returned as directmap pointers. */
void *alloc_pages(unsigned int order);
void free_pages(void *va, unsigned int order);
