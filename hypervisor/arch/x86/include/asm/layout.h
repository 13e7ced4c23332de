/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ward's virtual address layout. Everything the hypervisor maps lives in
 * L4 slots 256-271 (HYPERVISOR_VIRT_START..END of the 64-bit PV ABI), so
 * the same slots can later be copied into every guest L4 while slots
 * 0-255 and 272-511 belong to the guest.
 *
 *   slot 256  0xffff800000000000  read-only machine-to-phys table (PV ABI),
 *             0xffff804000000000  and its writable alias for the hypervisor
 *   slot 257  0xffff808000000000  per-CPU GDT windows (guest frames + ours)
 *   slot 260  0xffff820000000000  ioremap window (device MMIO, uncached)
 *   slot 261  0xffff828000000000  the hypervisor image, at +its physical address
 *   slot 262+ 0xffff830000000000  directmap of all RAM (1:1 offset, NX)
 *
 * This header is included by C, assembly and the linker script, so it
 * holds plain constants only.
 */
#pragma once

#define L4_SLOT_SHIFT		39
#define L4_SLOT_VA(s)		(0xffff000000000000 + ((s) << L4_SLOT_SHIFT))

/*
 * Guest addresses: the canonical lower half up to here, and the upper
 * half from HYPERVISOR_VIRT_END (guest_range_ok, entry.S's fast paths).
 */
#define GUEST_LOW_END		0x0000800000000000

#define HV_SLOT_FIRST		256
#define HV_SLOT_LAST		271

#define RO_MPT_VIRT_START	0xffff800000000000
#define RO_MPT_VIRT_END		0xffff804000000000
#define RDWR_MPT_VIRT_START	0xffff804000000000
#define RDWR_MPT_VIRT_END	0xffff808000000000
#define GDT_WINDOW_VIRT_START	0xffff808000000000
#define GDT_WINDOW_SIZE		(16 * 4096)	/* 14 guest pages, ours, a guard */
#define IOREMAP_SLOT		260
#define IMAGE_SLOT		261
#define DIRECTMAP_SLOT		262
#define DIRECTMAP_SLOTS		10

#define IOREMAP_VIRT_START	0xffff820000000000
#define IOREMAP_VIRT_SIZE	0x0000008000000000
#define IMAGE_VIRT_BASE		0xffff828000000000
#define DIRECTMAP_VIRT_START	0xffff830000000000
#define DIRECTMAP_VIRT_END	0xffff880000000000

/* Where boot loaders put the image: physical 2 MiB, linked at base + 2 MiB. */
#define IMAGE_PHYS_START	0x200000

/*
 * Per-CPU stack block: STACK_SIZE bytes aligned to STACK_SIZE, so that
 * "rsp | (STACK_SIZE - 1)" finds the block's top from any stack in it,
 * including the IST stacks. Layout, page by page:
 *   0: #DF IST   1: NMI IST   2: #MC IST   3: #DB IST   4: guard (unmapped)
 *   5-15: the normal stack, with struct cpu_info at its very top.
 */
#define STACK_ORDER		4
#define STACK_SIZE		(4096 << STACK_ORDER)
#define STACK_IST_DF_TOP	(1 * 4096)
#define STACK_IST_NMI_TOP	(2 * 4096)
#define STACK_IST_MC_TOP	(3 * 4096)
#define STACK_IST_DB_TOP	(4 * 4096)
#define STACK_GUARD_PAGE	4

/* Real-mode trampoline for application processors (must be below 1 MiB). */
#define TRAMPOLINE_PHYS		0x8000
