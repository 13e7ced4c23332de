/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The structured attackers: domctl children ("child attack=KIND seed=N")
 * that, instead of random arguments, build the shapes the page-type, TLB,
 * descriptor, grant, debug-register and preemption rules exist for, on
 * both of their vCPUs. attack.c holds what the kinds share:
 *
 *  - a pool of our own frames that nothing maps (the top of our memory),
 *    some of them "markers" whose every word is MARKER_HI | their MFN;
 *  - windows: pages of our bss whose L1 entries we point elsewhere;
 *  - vCPU 1, which runs one job (enum v1_job) at a time beside us;
 *  - the oracle: walk_check() reads every page table we can reach or
 *    have pinned and calls breach() if an entry maps a frame we do not
 *    own, a frame is a table and writable at once, or a frame is a table
 *    of two levels. Kinds add checks of their own (a store that had to
 *    fault, a refusal that did not come) and call breach() too.
 *
 * breach() prints "child: BREACH: ..." and reboots the child, which dom0
 * counts as a failure: the hypervisor let a guest out of its memory.
 * Anything else a child suffers (a fault, a crash) is its own business.
 */
#pragma once

#include "lib.h"
#include "domctl.h"
#include <xen/grant_table.h>
#include <xen/memory.h>

/* Frames of the pool (attack.c says which ones and why nothing maps them). */
#define POOL_FRAMES	64
/* MFNs the ownership and writable bitmaps cover (4 GiB of RAM). */
#define TRACK_MFNS	(1UL << 20)

/* The lower-half L4 slots our trees hang from (the builder uses 511 only). */
#define SLOT_TREE	1	/* attack-pt.c's random trees */
#define SLOT_RACE	2	/* the race tree: only marker leaves */
#define SLOT_ROOTS	4	/* what vCPU 1 hooks while vCPU 0 switches roots */
#define SLOT_REPEAT	5	/* attack-batch.c's repeated mappings */
#define SLOT_VA(s)	((unsigned long)(s) << 39)
#define HV_SLOT_FIRST	256	/* L4 slots 256-271 are the hypervisor's */
#define HV_SLOT_LAST	271

#define PTE_RO		(_PAGE_PRESENT | _PAGE_ACCESSED)
#define PTE_RW		(PTE_RO | _PAGE_RW | _PAGE_DIRTY)
#define PTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_MFN(e)	(((e) & PTE_ADDR_MASK) >> PAGE_SHIFT)
#define MADDR(mfn, i)	(((uint64_t)(mfn) << PAGE_SHIFT) + (uint64_t)(i) * 8)

#define MARKER_HI	0x6d61726b00000000UL	/* "mark" */
#define MARKER_MASK	0xffffffff00000000UL
#define FREED_FILL	0xa5a5a5a5a5a5a5a5UL	/* Ward's fill of a freed frame */

/* Windows (attack.c): the walk's four, one for checks, then the kinds'. */
enum window {
	W_WALK1, W_WALK2, W_WALK3, W_WALK4,
	W_CHECK,		/* read-only looks at a frame */
	W_SHARED0, W_SHARED1, W_SHARED2, W_SHARED3,	/* vCPU 1 reads: markers only */
	W_V1A, W_V1B,		/* vCPU 1 stores or remaps through these */
	W_PRIV0, W_PRIV1, W_PRIV2, W_PRIV3, W_PRIV4, W_PRIV5, W_PRIV6, W_PRIV7,
	W_GNT,			/* grant-table frame 0 */
	NR_WINDOWS
};
#define NR_SHARED	4
#define NR_PRIV		8

/* The environment every kind starts from; vCPU 0 owns it. */
struct attack_env {
	unsigned long seed;
	bool longer;
	uint64_t rng;			/* vCPU 0's stream */
	domid_t domid;
	unsigned long root;		/* the builder's L4 (vCPU 1 always runs on it) */
	unsigned long cur_root;		/* vCPU 0's kernel root now */
	unsigned long foreign;		/* a RAM frame that is not ours */
	unsigned long nr_mfns;		/* XENMEM_maximum_ram_page */
	unsigned long shinfo;		/* our shared_info frame */
	unsigned long pool[POOL_FRAMES];
	uint8_t pinned[POOL_FRAMES];	/* the level we pinned it at, or 0 */
};
extern struct attack_env at;
/* A read-only entry for a frame not ours (at.foreign): no validation lets it in. */
extern uint64_t poison;

/* ---- randomness (vCPU 0) ---- */
uint64_t rnd(void);
unsigned long rnd_below(unsigned long n);
bool one_in(unsigned long n);

/* ---- frames ---- */
bool owned(unsigned long mfn);
void set_owned(unsigned long mfn, bool yes);
int pool_index(unsigned long mfn);	/* -1 if not a pool frame */
uint64_t marker_word(unsigned long mfn);
/* Fill @mfn (a frame no one maps as a table) with marker words, by mmu_update. */
long marker_fill(unsigned long mfn);
/* MFN of the L1 holding @va's entry in the builder's tables, and the entry's index. */
unsigned long l1_of(unsigned long va, unsigned int *idx);
/* The MFN our bss page @va started on. */
unsigned long own_mfn(const void *va);

/* ---- hypercall wrappers, each one request ---- */
long mmu_write(uint64_t maddr, uint64_t val);
long mmuext(unsigned int cmd, unsigned long arg1, unsigned long arg2);
long pin(unsigned int level, unsigned long mfn);
long unpin(unsigned long mfn);
long uvm(unsigned long va, uint64_t pte, unsigned long flags);
long gnttab(unsigned int cmd, void *uop, unsigned int count);
long reservation(unsigned int cmd, xen_pfn_t *list, unsigned long n);

/* ---- windows ---- */
unsigned long win_va(enum window w);
/* Point @w at @mfn with @flags (0: unmap); tracks our writable windows. */
long win_map(enum window w, unsigned long mfn, uint64_t flags, unsigned long uvmf);
void win_restore(enum window w);
unsigned long win_mfn(enum window w);	/* what @w maps now, 0 if nothing */
/* Record what @w maps after something other than win_map() changed it. */
void win_note(enum window w, unsigned long mfn, uint64_t flags);
/* Frames our windows map writable: a pin of one must fail. */
bool win_writable(unsigned long mfn);
/* @mfn mapped read-only at W_CHECK (kept until the next look), or NULL. */
const volatile uint64_t *look(unsigned long mfn);
/* Read word @i of @mfn through W_CHECK; false if it cannot be mapped. */
bool peek(unsigned long mfn, unsigned int i, uint64_t *v);

/* ---- probes: loads and stores that may fault ---- */
bool try_load(unsigned long va, uint64_t *v);
bool try_store(unsigned long va, uint64_t v);

/* ---- vCPU 1 ---- */
enum v1_job {
	V1_IDLE,	/* yield until stopped */
	V1_STORE,	/* store a0 then a1 at a2, over and over */
	V1_LOAD,	/* load a2 + i pages (i < a3): markers or faults only */
	V1_REMAP,	/* map a2 to a0 writable, store 0 at a2+a3, unmap unflushed, store a1 */
	V1_MMU,		/* mmu_update a0 := a1, then := 0 */
	V1_CALL,	/* hypercall a0(a1, a2, a3, DOMID_SELF), over and over */
	V1_GNT_MAP,	/* map gref a0 at a2 (flags a1), store a3 through it, unmap */
	V1_DBG,		/* DR0 = a2, DR7 = a0; hypercall a1(a2, a3, 0, DOMID_SELF); disarm */
};
bool v1_up(void);	/* false if vCPU 1 cannot run: the kind then stays on one */
void v1_start(enum v1_job job, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
/* Stop the job and wait for it; false if vCPU 1 did not come back. */
bool v1_stop(void);
unsigned long v1_iterations(void);	/* of the job just stopped */
bool v1_running(void);

/* ---- faults we take on purpose ---- */
extern struct jmp_ctx recover_ctx[2];
extern volatile bool recover_armed[2];
unsigned int this_vcpu(void);
/*
 * if (TRY()) { ...may fault...; END_TRY(); } else { ...it faulted... }
 * A fault anywhere in the braces resumes in the else branch.
 */
#define TRY()		(ctx_save(&recover_ctx[this_vcpu()]) == 0 && \
			 (recover_armed[this_vcpu()] = true))
#define END_TRY()	(recover_armed[this_vcpu()] = false)
extern volatile unsigned long traps_taken[2];

/* ---- the oracle ---- */
void walk_check(const char *when);
/* The level the last walk_check() found @mfn a table of, or 0. */
unsigned int walked_level(unsigned long mfn);
void __noreturn breach(const char *fmt, ...) __printf(1, 2);
/* System time (shared_info, vCPU 0's clock). */
uint64_t now_ns(void);
/* Spin a little (vCPU 1 gets to run a few of its loop). */
void dawdle(unsigned int rounds);

/* ---- frames of every kind (attack-desc.c), for desc and grant ---- */
struct target {
	const char *name;
	unsigned long mfn;
	bool table;	/* a page table now: nothing but validated entries may land */
	bool ours;
};
enum { T_WRITABLE, T_DATA, T_L1, T_L2, T_L3, T_L4, T_ROOT, T_BUILDER_L1, T_START_INFO,
       T_CONSOLE, T_GDT, T_FOREIGN, T_ZERO, T_BEYOND, NR_TARGETS };
extern struct target targets[NR_TARGETS];
/* Make the targets from pool frames 0-6 (7-10 stay free for the kinds). */
void build_targets(void);

/* ---- the kinds ---- */
void attack_pt(void);
void attack_desc(void);
void attack_xenheap(void);
void attack_grant(void);
void attack_dbg(void);
void attack_batch(void);
