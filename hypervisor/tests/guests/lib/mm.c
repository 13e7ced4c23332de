// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory helpers. Everything here works on the bootstrap region the builder
 * mapped (pv-abi-core.md 2.1): VA = VIRT_BASE + (pfn << 12), and the p2m at
 * start_info->mfn_list gives each PFN's machine frame.
 */
#include "lib.h"

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
