// SPDX-License-Identifier: GPL-2.0-only
/*
 * The machine-to-phys table, one unsigned long per machine frame. It is
 * mapped twice: writable for the hypervisor at RDWR_MPT_VIRT_START, and
 * read-only, user-accessible at RO_MPT_VIRT_START (the ABI's
 * MACH2PHYS_VIRT_START), which every guest L4 shares through slot 256.
 * Frames no domain owns read as M2P_INVALID.
 */
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <asm/layout.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>

#define ENTRIES_PER_PAGE	(PAGE_SIZE / sizeof(unsigned long))

/* Written only at init; read-only afterwards. */
static unsigned long nr_entries;
static unsigned long *m2p_rw = (unsigned long *)RDWR_MPT_VIRT_START;

void m2p_init(void)
{
	unsigned long pages;

	nr_entries = page_alloc_nr_frames();
	pages = DIV_ROUND_UP(nr_entries, ENTRIES_PER_PAGE);
	BUG_ON(pages * PAGE_SIZE > RO_MPT_VIRT_END - RO_MPT_VIRT_START);
	for (unsigned long i = 0; i < pages; i++) {
		unsigned long *p = alloc_pages(0);

		if (!p)
			panic("out of memory for the machine-to-phys table");
		memset(p, 0xff, PAGE_SIZE);	/* M2P_INVALID */
		paging_map_page(RDWR_MPT_VIRT_START + i * PAGE_SIZE, virt_to_mfn(p), PAGING_RW);
		paging_map_page_guest_ro(RO_MPT_VIRT_START + i * PAGE_SIZE, virt_to_mfn(p));
	}
	pr_info("M2P: %lu entries, %lu KiB, guest-readable at %#lx\n", nr_entries,
		pages * PAGE_SIZE >> 10, (unsigned long)RO_MPT_VIRT_START);
}

void m2p_set(mfn_t mfn, unsigned long pfn)
{
	BUG_ON(mfn >= nr_entries);
	m2p_rw[mfn] = pfn;
}

unsigned long m2p_get(mfn_t mfn)
{
	return mfn < nr_entries ? m2p_rw[mfn] : M2P_INVALID;
}

unsigned long m2p_entries(void)
{
	return nr_entries;
}
