// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory helpers. Everything here works on the bootstrap region the builder
 * mapped (pv-abi-core.md 2.1): VA = VIRT_BASE + (pfn << 12), and the p2m at
 * start_info->mfn_list gives each PFN's machine frame.
 */
#include "lib.h"
#include <xen/memory.h>

/* A page of our image that shared_info replaces; owned by map_shared_info. */
static uint8_t shared_info_slot[PAGE_SIZE] __page_aligned;
shared_info_t *shared_info;

unsigned long virt_to_pfn(const void *va)
{
	return ((unsigned long)va - VIRT_BASE) >> PAGE_SHIFT;
}

unsigned long virt_to_mfn(const void *va)
{
	const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;

	return p2m[virt_to_pfn(va)];
}

/*
 * shared_info is a hypervisor page the guest maps itself, as Linux does with
 * update_va_mapping (2.5). The L1 entry of shared_info_slot exists (it maps
 * our bss), so the hypercall only has to accept the shared_info frame.
 */
shared_info_t *map_shared_info(long *rc)
{
	uint64_t pte = (start_info->shared_info & PAGE_MASK) | _PAGE_PRESENT |
		       _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;

	if (shared_info)
		return shared_info;
	*rc = HYPERVISOR_update_va_mapping((unsigned long)shared_info_slot,
					   pte, UVMF_INVLPG | UVMF_LOCAL);
	if (*rc)
		return NULL;
	shared_info = (shared_info_t *)shared_info_slot;
	return shared_info;
}

long unmap_page(void *va)
{
	return HYPERVISOR_update_va_mapping((unsigned long)va, 0,
					    UVMF_INVLPG | UVMF_LOCAL);
}

/* The bootstrap-region VA of the frame a page-table entry names, or NULL. */
static volatile uint64_t *bootstrap_table(uint64_t e)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
	const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
	unsigned long mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT, pfn;

	if (!(e & _PAGE_PRESENT))
		return NULL;
	pfn = m2p[mfn];
	if (pfn >= start_info->nr_pages || p2m[pfn] != mfn)
		return NULL;
	return (volatile uint64_t *)(VIRT_BASE + (pfn << PAGE_SHIFT));
}

volatile uint64_t *bootstrap_entry(const void *va, unsigned int level, uint64_t *maddr)
{
	volatile uint64_t *t = (volatile uint64_t *)start_info->pt_base;
	unsigned int lvl, idx = 0;

	for (lvl = 4;; lvl--) {
		idx = ((unsigned long)va >> (PAGE_SHIFT + 9 * (lvl - 1))) & (PT_ENTRIES - 1);
		if (lvl == level)
			break;
		t = bootstrap_table(t[idx]);
		if (!t)
			return NULL;
	}
	if (maddr)
		*maddr = mfn_maddr(virt_to_mfn((const void *)t), idx);
	return &t[idx];
}

unsigned long take_free_pfn(void)
{
	static unsigned long next;	/* pfns from here up are taken; vCPU 0 only */
	volatile uint64_t *e;

	if (!next)
		next = start_info->nr_pages;
	next--;
	e = bootstrap_entry((void *)(VIRT_BASE + (next << PAGE_SHIFT)), 1, NULL);
	if (e && (*e & _PAGE_PRESENT))
		test_error("pfn %lx is mapped: no free frames left", next);
	return next;
}
