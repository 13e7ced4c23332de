/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the preempt guest's files share. Each family file (mmu.c,
 * memory.c, gnttab.c) builds huge batches in `big` and checks their
 * results; main.c runs a batch on vCPU 1 while vCPU 0 watches whether
 * anything else gets done meanwhile (run_huge), and bench.c measures.
 */
#pragma once

#include "lib.h"
#include <xen/memory.h>
#include <xen/grant_table.h>

/*
 * Xen's continuation encodings. They are not in the public headers, but a
 * guest sees them in the registers a preempted call is re-entered with:
 * mmu_update/mmuext_op count | MMU_UPDATE_PREEMPTED means "resumed, *pdone
 * holds what is done so far"; memory_op cmd >> MEMOP_EXTENT_SHIFT is the
 * extent to start from (and the call returns the total done).
 */
#define MMU_UPDATE_PREEMPTED	0x80000000u
#define MEMOP_EXTENT_SHIFT	6

#define PTE_RW		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_RO		(_PAGE_PRESENT | _PAGE_ACCESSED)
#define MARK		0x600dcafe00000000UL
#define UNKNOWN_MMUEXT	14	/* no MMUEXT_* has this number */

/* Where every case builds its batch; one case at a time. */
#define BIG_SIZE	(8UL << 20)	/* 512 Ki mmu_update requests */
extern uint8_t big[BIG_SIZE];

/*
 * One huge hypercall. call() issues it; progress() tells from its effects
 * how far it got: 0 before its first element took effect, then a number
 * that only grows (at a coarser grain than elements). @ops is what the
 * call should get through.
 */
struct huge {
	const char *name;
	unsigned long ops;
	long (*call)(void);
	unsigned long (*progress)(void);
};

/* What vCPU 0 saw while vCPU 1 ran a huge call (run_huge). */
struct watch {
	long rc;
	uint64_t ns;		/* the call, on vCPU 1's clock */
	unsigned long ran;	/* one CPU: vCPU 0 got the CPU while it was in flight */
	unsigned long tiny;	/* two CPUs: tiny mmu_updates vCPU 0 made meanwhile */
	unsigned long tiny_inside;	/* ... that began after its start and ended before its end */
	uint64_t max_gap_ns;	/* vCPU 0's longest wait: off the CPU, or in one tiny call */
};

/* main.c: start-of-day facts, then read-only. */
extern unsigned int nr_cpus;	/* host CPUs: 1 (vCPUs take turns) or more */
extern const unsigned long *p2m;
extern unsigned long hv_mfn;	/* a hypervisor frame (not ours) */

uint64_t now(void);
/* Run @h on vCPU 1 while vCPU 0 watches (spinning, if @spin, else yielding). */
long run_huge(const struct huge *h, struct watch *w, bool spin);
/* Fail unless something else got done while @h was in flight (see main.c). */
void check_preempted(const struct huge *h, const struct watch *w);
/* run_huge() and check_preempted() in one. */
long run_checked(const struct huge *h, struct watch *w);
/* run_checked() with the page of big holding byte @off unmapped (an -EFAULT mid-batch). */
long run_holed(const struct huge *h, struct watch *w, unsigned long off);
bool check_done(const char *what, unsigned int done, unsigned long want);

/* mmu.c */
void test_mmu_update(void);
void test_mmu_update_errors(void);
void test_mmuext_op(void);
void test_mmuext_op_errors(void);
void test_multicall(void);
void test_multicall_errors(void);
void test_multicall_huge_mmu(void);
extern const struct huge huge_mmu, huge_mmuext, huge_multicall;
void mmu_bench_prepare(void);
void mmuext_bench_prepare(void);
void multicall_bench_prepare(void);

/* memory.c */
void memory_setup(void);
void test_memory_op(void);
void test_memory_op_errors(void);
extern const struct huge huge_decrease, huge_increase;
void decrease_bench_prepare(void);
void decrease_bench_after(long rc);

/* gnttab.c */
void test_gnttab_copy(void);
void test_gnttab_copy_errors(void);
extern const struct huge huge_gnttab;
void gnttab_bench_prepare(void);

/* tree.c */
void test_tree_pin(void);
extern const struct huge huge_pin, huge_unpin;
void tree_bench_pin_prepare(void);
void tree_bench_pin_after(long rc);
void tree_bench_unpin_prepare(void);

/* bench.c */
void bench_main(void);
