// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host stand-in for <asm/page.h>: the directmap is a page-aligned buffer
 * the test owns (shim_ram), so frame N lives at shim_ram.base + N *
 * PAGE_SIZE. A translation outside that buffer fails the current test
 * instead of scribbling over the host.
 */
#pragma once
#include <hv/types.h>
#include <hv/bug.h>

struct shim_ram {
	unsigned char *base;
	mfn_t nr_frames;
};
__attribute__((weak)) struct shim_ram shim_ram;

static inline void *mfn_to_virt(mfn_t mfn)
{
	if (!shim_ram.base || mfn >= shim_ram.nr_frames)
		shim_fail("mfn_to_virt: frame outside the test RAM", __FILE__, __LINE__);
	return shim_ram.base + (mfn << PAGE_SHIFT);
}

static inline mfn_t virt_to_mfn(const void *va)
{
	const unsigned char *p = va;

	if (!shim_ram.base || p < shim_ram.base ||
	    p >= shim_ram.base + (shim_ram.nr_frames << PAGE_SHIFT))
		shim_fail("virt_to_mfn: pointer outside the test RAM", __FILE__, __LINE__);
	return (mfn_t)(p - shim_ram.base) >> PAGE_SHIFT;
}

static inline void *maddr_to_virt(paddr_t pa)
{
	return (unsigned char *)mfn_to_virt(pa >> PAGE_SHIFT) + (pa & ~PAGE_MASK);
}

static inline paddr_t virt_to_maddr(const void *va)
{
	return (virt_to_mfn(va) << PAGE_SHIFT) |
	       ((uintptr_t)va & ~PAGE_MASK);
}
