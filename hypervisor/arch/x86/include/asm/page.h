/* SPDX-License-Identifier: GPL-2.0-only */
/* Address translation between machine addresses and hypervisor pointers. */
#pragma once
#include <hv/types.h>
#include <asm/layout.h>
#include <asm/cpu-defs.h>

#define PTE_ADDR_MASK	0x000ffffffffff000ULL
#define L1_SHIFT	12
#define L2_SHIFT	21
#define L3_SHIFT	30
#define L4_SHIFT	39
#define PT_ENTRIES	512
#define PT_INDEX(va, shift)	(((va) >> (shift)) & (PT_ENTRIES - 1))

/* Every RAM frame is reachable through the directmap. */
static inline void *maddr_to_virt(paddr_t pa)
{
	return (void *)(DIRECTMAP_VIRT_START + pa);
}

static inline paddr_t virt_to_maddr(const void *va)
{
	unsigned long v = (unsigned long)va;

	if (v >= IMAGE_VIRT_BASE && v < DIRECTMAP_VIRT_START)
		return v - IMAGE_VIRT_BASE;
	return v - DIRECTMAP_VIRT_START;
}

static inline void *mfn_to_virt(mfn_t mfn) { return maddr_to_virt(mfn << 12); }
static inline mfn_t virt_to_mfn(const void *va) { return virt_to_maddr(va) >> 12; }

/* Image symbols from the linker script. */
extern char __image_start[], __image_end[];
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];
