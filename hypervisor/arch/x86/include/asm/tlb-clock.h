/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TLB-flush clock: when may a CPU still hold a translation that was
 * taken away? Every CR3 load flushes the whole TLB here (guest entries are
 * never global, and there is no PCID), so a CPU's TLB is no older than its
 * last CR3 load. The clock is a global counter advanced by each CR3 load;
 * each CPU remembers the value it took for its last one. A frame is
 * stamped with the clock when its last mapping or type use goes; before
 * the frame changes type or is handed out again, exactly the CPUs whose
 * last flush is not newer than the stamp are flushed (and none when the
 * stamp is 0: nothing to fear). This is what lets the PV MMU leave TLB
 * maintenance to the guest, as hardware and Xen do, while no frame is ever
 * both a page table and reachable through a stale writable translation.
 */
#pragma once
#include <hv/types.h>

/* Load @cr3 (a full flush of this CPU's TLB) and advance the clock. */
void tlb_load_cr3(unsigned long cr3);

/* Flush this CPU's TLB (reload CR3). */
void tlb_flush_local(void);

/* A stamp for something taken away just now (its PTE already written). */
uint64_t tlb_clock_now(void);

/* Flush every CPU that may hold a translation older than @stamp; 0: none. */
void tlb_flush_stale(uint64_t stamp);

/* CR3 loads on this CPU since boot (for measurements: issue 15). */
uint64_t tlb_cr3_loads(unsigned int cpu);
