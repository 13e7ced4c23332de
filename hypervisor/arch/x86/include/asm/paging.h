/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's own page tables. */
#pragma once
#include <hv/types.h>

/* The idle page table's root, as a CR3 value (below 4 GiB: APs load it). */
extern uint64_t idle_pg_table_cr3;

/*
 * Map @size bytes of device memory at machine address @pa, uncached and
 * non-executable, in the ioremap window. Returns NULL when the window is
 * full. Mappings are never torn down (devices are found once at boot).
 */
void *ioremap(paddr_t pa, size_t size);

/* Same, write-back cached, for firmware tables (ACPI) outside the directmap. */
void *ioremap_cached(paddr_t pa, size_t size);

/* Make the page at @va not present (stack guard pages). */
void paging_unmap_page(unsigned long va);

/* Permissions for paging_map_page(): hypervisor-only, never executable. */
enum paging_perm { PAGING_RO, PAGING_RW };

/* Map one 4 KiB frame at @va in the hypervisor's shared slots (any CPU, any time). */
void paging_map_page(unsigned long va, mfn_t mfn, enum paging_perm perm);

/* Map a frame read-only for guests too (user-accessible path): the RO M2P only. */
void paging_map_page_guest_ro(unsigned long va, mfn_t mfn);

/* The idle L4, whose slots 256-271 every guest L4 shares. */
uint64_t *idle_l4_table(void);
