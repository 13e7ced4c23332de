/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the mmu guest's files share: the frames it builds page tables from,
 * helpers that issue one MMU hypercall and check its `done` count, a walker
 * of the builder's page tables, and loads/stores that may fault.
 *
 * Frames (frames.c): the top NR_POOL frames of the guest's memory lie
 * beyond the bootstrap region, so nothing maps them at start of day. Each
 * has a "window", a page of our bss remapped onto it with
 * update_va_mapping: writable while the frame is plain data (its resting
 * state, zeroed), read-only while it is, or is about to become, a page
 * table. pool_reset() at the end of every case unpins what the case
 * pinned, unmaps the scratch pages and checks that every frame takes a
 * writable mapping again, i.e. that no page-table type leaked.
 */
#pragma once

#include "lib.h"
#include <xen/memory.h>

#define PTE_DATA_RW	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_DATA_RO	(_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)

/* L4 slot 1, L3 0, L2 0, L1 5: a lower-half address only the fresh tree maps. */
#define TEST_L4_SLOT	1
#define TEST_L1_IDX	5
#define TEST_VA		((1UL << 39) + TEST_L1_IDX * PAGE_SIZE)
/* L4 slots 256-271 belong to the hypervisor (HYPERVISOR_VIRT_START..END). */
#define HV_SLOT_FIRST	256
#define HV_SLOT_LAST	271
#define HV_IMAGE_SLOT	261	/* Xen's and Ward's image: surely present */
#define GARBAGE_SLOT	260
#define GARBAGE		0x0000000012345000UL	/* not present */
#define LOW_MFN		0x10UL	/* firmware / hypervisor low memory */
#define UNKNOWN_DOMID	0x7000	/* a domain that does not exist */

enum pool_frame {
	F_L4, F_L3, F_L2, F_L1,	/* the fresh tree */
	F_DATA, F_DATA2,	/* data pages */
	F_X, F_Y, F_Z,		/* spares for the refusal cases */
	NR_POOL
};

/* frames.c: start-of-day facts, set by mmu_setup() and then read-only. */
extern bool ref_xen;		/* "ref=xen": running on the reference Xen */
extern const unsigned long *p2m;
extern const uint64_t *boot_l4;	/* the builder's L4, read-only at pt_base */
extern unsigned long boot_l4_mfn;
extern unsigned long ram_page;	/* XENMEM_maximum_ram_page */
extern unsigned long max_guest_mfn;
extern unsigned long beyond_mfn;	/* above all RAM */
extern unsigned long hv_mfn;	/* a frame of the hypervisor's page tables */
extern unsigned long pool_mfn[NR_POOL], pool_pfn[NR_POOL];
extern uint8_t window[NR_POOL][PAGE_SIZE];
extern uint8_t scratch[4][PAGE_SIZE];	/* bss pages the cases remap */
extern void *const bad_ptrs[4];
extern const char *const bad_ptr_names[4];

/* The machine-to-phys table every PV guest may read. */
static const unsigned long *const m2p =
	(const unsigned long *)MACH2PHYS_VIRT_START;

static inline uint64_t pte(unsigned long mfn, uint64_t flags)
{
	return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

static inline unsigned long pte_mfn(uint64_t e)
{
	return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/* Machine address of entry IDX of table frame MFN (an mmu_update ptr). */
static inline uint64_t maddr(unsigned long mfn, unsigned int idx)
{
	return ((uint64_t)mfn << PAGE_SHIFT) + idx * sizeof(uint64_t);
}

static inline uint64_t *win(enum pool_frame f)
{
	return (uint64_t *)window[f];
}

static inline uint64_t pattern(enum pool_frame f, unsigned int i)
{
	return 0x600d000000000000UL | ((uint64_t)f << 16) | i;
}

void mmu_setup(start_info_t *si);

/* One request each; a `done` that disagrees with the rc is a failure. */
long mmu1(uint64_t ptr, uint64_t val);
long mmuext1(unsigned int cmd, unsigned long arg1, unsigned long arg2);
long uvm(const void *va, uint64_t val, unsigned long flags);

/* Windows and pins of the pool frames. */
long win_map(enum pool_frame f, uint64_t flags);
bool win_ro(enum pool_frame f);
bool win_rw(enum pool_frame f, const char *what);
void expect_typed(enum pool_frame f, const char *what);
long pin(unsigned int level, enum pool_frame f);
long unpin(enum pool_frame f);
bool make_table(enum pool_frame f, unsigned int level);
void pool_reset(void);

/* The builder's page tables. */
const uint64_t *table_va(unsigned long mfn);
bool walk(unsigned long va, unsigned int level, uint64_t *ma, uint64_t *entry);
uint64_t l1e_maddr(const void *va);
uint64_t l1e_read(const void *va);
void check_entry(const char *what, uint64_t e, unsigned long mfn,
		 uint64_t flags);

/* Accesses that may fault: try_read()/try_write() (lib.h). */
void expect_read(const char *what, const void *va, uint64_t want);
void expect_pf(const char *what, const void *va, bool write, uint64_t ec);

/* The fresh tree F_L4 -> F_L3 -> F_L2 -> F_L1 -> F_DATA at TEST_VA. */
bool tree_build(void);
void check_hv_slots(const char *what, const uint64_t *l4);

/* refused.c */
void test_writable_table(void);
void test_pin_writable(void);
void test_foreign_frames(void);
void test_outside_memory(void);
void test_l1_and_l2(void);
void test_superpage(void);
void test_hv_slots(void);
void test_pin_misuse(void);
void test_bad_baseptr(void);
void test_batches(void);

/* descriptors.c */
void test_desc_into_tables(void);
void test_desc_stored(void);
void test_desc_errors(void);

/* xen-pages.c */
void test_xen_pages_never_tables(void);
void test_xen_pages_writable(void);

/* memory-op.c */
void test_machphys_mapping(void);
void test_reservations(void);
void test_memory_maps(void);
void test_memory_op_errors(void);
