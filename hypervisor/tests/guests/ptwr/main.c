// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writable page tables (pv-abi-core.md 4.6, VMASST_TYPE_writable_pagetables,
 * on from the start because our FEATURES note says "!writable_page_tables").
 * The guest stores into its own L1 entries with ordinary instructions,
 * through the read-only mapping the builder gave every bootstrap page
 * table; the hypervisor must decode the store, validate the new entry like
 * mmu_update (4.5 rule 4) and perform it, or bounce the #PF.
 *
 * The L1 that maps `victim` is found portably: walk from the L4 at
 * start_info->pt_base, turning each entry's MFN into a PFN with the
 * read-only M2P and the PFN into its bootstrap-region VA. Each case remaps
 * `victim` onto `other` (or elsewhere) and reads through it after an
 * INVLPG of its own, as a guest must on hardware, then restores the entry.
 *
 * "Gap" checks (design 4.6 and Xen agree, Ward's emulator is known to
 * fall short): strict with ref=xen; on Ward a miss skips the case with a
 * note instead of failing, and turns into a strict check once Ward
 * emulates the store.
 *
 * Confirmed against Xen 4.17 as dom0 (QEMU TCG): mov/xchg/lock cmpxchg
 * are emulated with U/S forced (and Xen's bit 52 kept), cmpxchg sets every
 * arithmetic flag as the CPU does, movl/lock btrq/lock andb are emulated
 * on one field of the entry; RW mappings of the L1 itself, misaligned
 * stores, stores to an L2, unowned RAM (MFN 0x100) and MFNs beyond
 * MAXPHYADDR give #PF(P|W) at the store with CR2 = the entry; dom0 may map
 * MFN 0x10 and MFN XENMEM_maximum_ram_page (I/O memory). Xen ignores
 * vm_assist(disable, writable_pagetables) for the hardware domain (its
 * read-only-MMIO path emulates anyway): that check is skipped with ref=xen.
 */
#include "lib.h"
#include <xen/memory.h>

const char test_title[] = "ptwr: guest stores into its own L1 page tables";

#ifndef PTE_ADDR_MASK
#define PTE_ADDR_MASK	0x000ffffffffff000UL	/* bits 12-51 */
#endif
#ifndef PT_ENTRIES
#define PT_ENTRIES	512
#endif
#define PTE_NX		(1UL << 63)
#define M2P		((const unsigned long *)MACH2PHYS_VIRT_START)
#define PFEC_PW		(PFEC_PRESENT | PFEC_WRITE)
#define PAGE_WORDS	(PAGE_SIZE / sizeof(uint64_t))

static uint64_t victim[PAGE_WORDS] __page_aligned;
static uint64_t other[PAGE_WORDS] __page_aligned;

/* Found by find_tables(). */
static volatile uint64_t *pte;		/* victim's L1 entry (read-only VA) */
static volatile uint64_t *l1;		/* that L1 table */
static volatile uint64_t *l2e;		/* the L2 entry pointing at l1 */
static uint64_t orig;			/* victim's entry as the builder made it */
static unsigned long victim_mfn, other_mfn, l1_mfn;
static bool ref_xen;

#define VICTIM_TAG	0x56494354494d0000UL	/* "VICTIM" */
#define OTHER_TAG	0x4f54484552000000UL	/* "OTHER" */

static uint64_t pattern(uint64_t tag, size_t i)
{
	return tag ^ (i * 0x9e3779b97f4a7c15UL);
}

static void fill(uint64_t *page, uint64_t tag)
{
	for (size_t i = 0; i < PAGE_WORDS; i++)
		page[i] = pattern(tag, i);
}

/* Does `victim` show TAG's pattern? First, a middle and the last word. */
static bool victim_shows(uint64_t tag)
{
	static const size_t idx[] = { 0, PAGE_WORDS / 2 + 3, PAGE_WORDS - 1 };

	for (size_t i = 0; i < ARRAY_SIZE(idx); i++)
		if (READ_ONCE(victim[idx[i]]) != pattern(tag, idx[i]))
			return false;
	return true;
}

static bool owned_mfn(unsigned long mfn)
{
	const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
	unsigned long pfn = M2P[mfn];

	return pfn < start_info->nr_pages && p2m[pfn] == mfn;
}

/* The bootstrap-region VA of the table an entry points to. */
static volatile uint64_t *table_of(uint64_t e, const char *what)
{
	unsigned long mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

	if (!(e & _PAGE_PRESENT))
		test_error("%s entry %lx is not present", what, e);
	if (!owned_mfn(mfn))
		test_error("%s entry %lx: MFN %lx is not ours by the M2P/p2m",
			   what, e, mfn);
	return (volatile uint64_t *)(VIRT_BASE + (M2P[mfn] << PAGE_SHIFT));
}

static unsigned int pt_index(unsigned long va, unsigned int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static void find_tables(void)
{
	unsigned long va = (unsigned long)victim;
	volatile uint64_t *l4 = (volatile uint64_t *)start_info->pt_base;
	volatile uint64_t *l3 = table_of(l4[pt_index(va, 4)], "L4");
	volatile uint64_t *l2 = table_of(l3[pt_index(va, 3)], "L3");

	l2e = &l2[pt_index(va, 2)];
	l1 = table_of(*l2e, "L2");
	l1_mfn = (*l2e & PTE_ADDR_MASK) >> PAGE_SHIFT;
	pte = &l1[pt_index(va, 1)];
	orig = *pte;
	victim_mfn = virt_to_mfn(victim);
	other_mfn = virt_to_mfn(other);
	if ((orig & PTE_ADDR_MASK) >> PAGE_SHIFT != victim_mfn ||
	    (orig & (_PAGE_PRESENT | _PAGE_RW)) != (_PAGE_PRESENT | _PAGE_RW))
		test_error("victim's L1 entry %lx does not map MFN %lx RW",
			   orig, victim_mfn);
	printk("victim %p MFN %lx, other MFN %lx, L1 MFN %lx at %p, entry %lx at %p\n",
	       (void *)victim, victim_mfn, other_mfn, l1_mfn, (void *)l1, orig,
	       (void *)pte);
}

/* A present RW entry for MFN with victim's other attributes (NX). */
static uint64_t entry_for(unsigned long mfn, uint64_t flags)
{
	return (mfn << PAGE_SHIFT) | flags | (orig & PTE_NX);
}

#define MAP_RW	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)
#define MAP_RO	(_PAGE_PRESENT | _PAGE_ACCESSED)

/* The guest's own INVLPG: mmuext_op(MMUEXT_INVLPG_LOCAL) on victim. */
static void flush_victim(void)
{
	struct mmuext_op op = {
		.cmd = MMUEXT_INVLPG_LOCAL,
		.arg1.linear_addr = (unsigned long)victim,
	};

	check_rc("mmuext_op(INVLPG_LOCAL, victim)",
		 HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
}

/*
 * Does entry E (read back) carry WANT as the hypervisor stores it: same
 * address, P and RW, the U/S bit forced on (4.5 rule 4); A/D may be set.
 */
static bool entry_is(uint64_t e, uint64_t want)
{
	uint64_t keep = PTE_ADDR_MASK | _PAGE_PRESENT | _PAGE_RW;

	return (e & keep) == (want & keep) && (e & _PAGE_USER);
}

/* Back to the builder's entry by hypercall, whatever the cases did. */
static void restore_by_hypercall(void)
{
	if ((*pte & ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY)) ==
	    (orig & ~(uint64_t)(_PAGE_ACCESSED | _PAGE_DIRTY)))
		return;
	if (HYPERVISOR_update_va_mapping((unsigned long)victim, orig,
					 UVMF_INVLPG | UVMF_LOCAL))
		test_abort("cannot restore victim's entry %lx by update_va_mapping",
			   orig);
}

/* ---- The stores. Each may fault; *RIP gets the store's address. ---- */

/* movq %reg, (p) */
static void st_mov(volatile uint64_t *p, uint64_t val, unsigned long *rip)
{
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: movq %[val], (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip)
		     : [p] "r"(p), [val] "r"(val)
		     : "memory");
}

/* movq %r11, 8(%base,%index,8) with index 2: a SIB byte and a disp8. */
static void st_mov_sib(volatile uint64_t *p, uint64_t val, unsigned long *rip)
{
	register uint64_t r11 asm("r11");

	trap_reset();
	r11 = val;	/* after the call, which clobbers it */
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: movq %[val], 8(%[base],%[idx],8)\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip)
		     : [base] "r"((unsigned long)p - 24), [idx] "r"(2UL),
		       [val] "r"(r11)
		     : "memory");
}

/* movq $0, (p): Linux's pte_clear. */
static void st_mov_zero(volatile uint64_t *p, unsigned long *rip)
{
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: movq $0, (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip)
		     : [p] "r"(p)
		     : "memory");
}

/* xchg %r9, (p): Linux's ptep_get_and_clear. Returns the new %r9. */
static uint64_t st_xchg(volatile uint64_t *p, uint64_t val, unsigned long *rip)
{
	register uint64_t r9 asm("r9");

	trap_reset();
	r9 = val;	/* after the call, which clobbers it */
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: xchg %[val], (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip), [val] "+r"(r9)
		     : [p] "r"(p)
		     : "memory");
	return r9;
}

#define FLAGS_PRIME	(X86_EFLAGS_ARITH | X86_EFLAGS_MBS)

/*
 * lock cmpxchg %r10, (p) with RAX = *RAX, all arithmetic flags set before
 * it; *RAX and *FLAGS get RAX and RFLAGS after.
 */
static void st_cmpxchg(volatile uint64_t *p, uint64_t *rax, uint64_t val,
		       unsigned long *rip, unsigned long *flags)
{
	register uint64_t r10 asm("r10");
	uint64_t a = *rax;

	trap_reset();
	r10 = val;	/* after the call, which clobbers it */
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "pushq %[prime]\n\t"
		     "popfq\n\t"
		     "1: lock cmpxchg %[val], (%[p])\n\t"
		     "2: pushfq\n\t"
		     "popq %[fl]\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip), "+a"(a), [fl] "=r"(*flags)
		     : [p] "r"(p), [val] "r"(r10), [prime] "i"(FLAGS_PRIME)
		     : "memory", "cc");
	*rax = a;
}

/* The same on ordinary memory: what the CPU does with these values. */
static unsigned long native_cmpxchg_flags(uint64_t cur, uint64_t rax,
					  uint64_t val)
{
	uint64_t mem = cur;
	unsigned long fl;

	asm volatile("pushq %[prime]\n\t"
		     "popfq\n\t"
		     "lock cmpxchg %[val], %[mem]\n\t"
		     "pushfq\n\t"
		     "popq %[fl]\n\t"
		     : [mem] "+m"(mem), "+a"(rax), [fl] "=r"(fl)
		     : [val] "r"(val), [prime] "i"(FLAGS_PRIME)
		     : "cc");
	return fl;
}

/* movl %reg, (p): a 4-byte store into the low half of an entry. */
static void st_movl(volatile uint64_t *p, uint32_t val, unsigned long *rip)
{
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: movl %[val], (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip)
		     : [p] "r"(p), [val] "r"(val)
		     : "memory");
}

/* lock btrq $5, (p): Linux's ptep_test_and_clear_young. Returns CF. */
static bool st_btr_accessed(volatile uint64_t *p, unsigned long *rip)
{
	unsigned long fl;

	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: lock btrq $5, (%[p])\n\t"
		     "2: pushfq\n\t"
		     "popq %[fl]\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip), [fl] "=r"(fl)
		     : [p] "r"(p)
		     : "memory", "cc");
	return fl & X86_EFLAGS_CF;
}

/* lock andb $~RW, (p): Linux's ptep_set_wrprotect (constant clear_bit). */
static void st_andb_wrprotect(volatile uint64_t *p, unsigned long *rip)
{
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: lock andb %[mask], (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip)
		     : [p] "r"(p), [mask] "i"((uint8_t)~_PAGE_RW)
		     : "memory");
}

/* Read or write victim[0]; a fault is recorded in last_trap. */
static uint64_t read_victim(unsigned long *rip)
{
	uint64_t v = 0;

	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: movq (%[p]), %[v]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip), [v] "+r"(v)
		     : [p] "r"(victim)
		     : "memory");
	return v;
}

static void write_victim(uint64_t v, unsigned long *rip)
{
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: movq %[v], (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(*rip)
		     : [p] "r"(victim), [v] "r"(v)
		     : "memory");
}

/* ---- Checks ---- */

/* The store was emulated: no fault. */
static bool emulated(const char *what)
{
	if (!last_trap.count)
		return true;
	test_fail("%s: raised vector %u (error 0x%lx, CR2 %lx) instead of being emulated",
		  what, last_trap.vector, last_trap.error_code, last_trap.cr2);
	return false;
}

/* The store was refused: #PF(P|W) at it, CR2 = TARGET, entry unchanged. */
static void refused(const char *what, unsigned long rip, unsigned long target,
		    volatile uint64_t *entry, uint64_t before)
{
	if (check_trap(what, X86_EXC_PF, rip, PFEC_PW))
		CHECK(last_trap.cr2 == target, "%s: CR2 %lx, expected %lx",
		      what, last_trap.cr2, target);
	CHECK(*entry == before, "%s: entry changed from %lx to %lx", what,
	      before, *entry);
}

/*
 * The store should have been performed (design and Xen agree) but a known
 * gap in Ward raised a #PF instead: a failure with ref=xen, a note and a
 * skipped case on Ward. WHY names the rule. True if it was performed.
 */
static bool gap_performed(const char *what, const char *why)
{
	if (!last_trap.count)
		return true;
	if (ref_xen || last_trap.vector != X86_EXC_PF) {
		emulated(what);
		return false;
	}
	printk("  Ward gap: %s raised #PF (error 0x%lx); %s\n", what,
	       last_trap.error_code, why);
	case_skip("%s: Ward gap", what);
	return false;
}

#define WHY_EMUL	"design 4.6 and Xen emulate it"
#define WHY_IO		"dom0 may map I/O memory (design 4.5 rule 4, Xen)"

/* Victim shows TAG after the guest's own INVLPG. */
static void check_victim(const char *what, uint64_t tag, const char *name)
{
	flush_victim();
	if (!(*pte & _PAGE_PRESENT)) {
		test_fail("%s: victim is not mapped (entry %lx)", what, *pte);
		return;
	}
	CHECK(victim_shows(tag), "%s: victim does not show %s's pattern (word 0 %lx)",
	      what, name, READ_ONCE(victim[0]));
}

/* ---- Cases ---- */

static void test_mov(void)
{
	uint64_t new = entry_for(other_mfn, MAP_RW), e;
	unsigned long rip;

	restore_by_hypercall();
	st_mov(pte, new, &rip);
	if (!emulated("movq %reg, (pte) -> other"))
		return;
	e = *pte;
	CHECK(entry_is(e, new), "movq -> other: entry %lx, expected %lx with U/S forced",
	      e, new);
	check_victim("movq -> other", OTHER_TAG, "other");
	/* The new mapping is writable: a store through victim lands in other. */
	write_victim(0x1234abcd5678ef90UL, &rip);
	if (emulated("write through the remapped victim"))
		CHECK(READ_ONCE(other[0]) == 0x1234abcd5678ef90UL,
		      "write through the remapped victim: other[0] is %lx",
		      READ_ONCE(other[0]));
	other[0] = pattern(OTHER_TAG, 0);

	/* Back with a SIB + disp8 form from a REX.R register (r11). */
	st_mov_sib(pte, orig, &rip);
	if (!emulated("movq %r11, 8(%base,%idx,8) -> original"))
		return;
	e = *pte;
	CHECK(entry_is(e, orig), "movq (SIB) -> original: entry %lx, expected %lx",
	      e, orig);
	check_victim("movq (SIB) -> original", VICTIM_TAG, "victim");
}

static void test_mov_imm_zero(void)
{
	unsigned long rip;
	uint64_t e;

	restore_by_hypercall();
	st_mov_zero(pte, &rip);
	if (!emulated("movq $0, (pte)"))
		return;
	e = *pte;
	CHECK(e == 0, "movq $0: entry %lx, expected 0 (not present, as given)", e);
	flush_victim();
	/* Not present now: a read is #PF with error code 0 (kernel read). */
	read_victim(&rip);
	if (check_trap("read of the cleared victim", X86_EXC_PF, rip, 0))
		CHECK(last_trap.cr2 == (unsigned long)victim,
		      "read of the cleared victim: CR2 %lx", last_trap.cr2);
	st_mov(pte, orig, &rip);
	if (!emulated("movq %reg, (pte) of the original into the empty slot"))
		return;
	CHECK(entry_is(*pte, orig), "movq -> original: entry %lx", *pte);
	check_victim("movq -> original after clearing", VICTIM_TAG, "victim");
}

static void test_xchg(void)
{
	uint64_t new = entry_for(other_mfn, MAP_RW), old;
	unsigned long rip;

	restore_by_hypercall();
	old = st_xchg(pte, new, &rip);
	if (!emulated("xchg %r9, (pte) -> other"))
		return;
	CHECK(entry_is(old, orig), "xchg -> other: returned %lx, expected the old entry %lx",
	      old, orig);
	CHECK(entry_is(*pte, new), "xchg -> other: entry %lx, expected %lx", *pte,
	      new);
	check_victim("xchg -> other", OTHER_TAG, "other");

	old = st_xchg(pte, orig, &rip);
	if (!emulated("xchg %r9, (pte) -> original"))
		return;
	CHECK(entry_is(old, new), "xchg -> original: returned %lx, expected %lx",
	      old, new);
	CHECK(entry_is(*pte, orig), "xchg -> original: entry %lx, expected %lx",
	      *pte, orig);
	check_victim("xchg -> original", VICTIM_TAG, "victim");
}

static void test_cmpxchg(void)
{
	uint64_t new = entry_for(other_mfn, MAP_RW), cur, rax, after;
	unsigned long rip, fl;

	restore_by_hypercall();
	/* Success: RAX = the current entry; ZF set, RAX kept, entry replaced. */
	cur = *pte;
	rax = cur;
	st_cmpxchg(pte, &rax, new, &rip, &fl);
	if (!emulated("lock cmpxchg (success) -> other"))
		return;
	CHECK(fl & X86_EFLAGS_ZF, "lock cmpxchg (success): ZF clear (RFLAGS %lx)", fl);
	CHECK(rax == cur, "lock cmpxchg (success): RAX %lx, expected %lx", rax, cur);
	after = *pte;
	CHECK(entry_is(after, new), "lock cmpxchg (success): entry %lx, expected %lx",
	      after, new);
	check_victim("lock cmpxchg (success)", OTHER_TAG, "other");

	/* Failure: a stale RAX gets the current entry; ZF clear, no store. */
	rax = orig;
	st_cmpxchg(pte, &rax, entry_for(victim_mfn, MAP_RO), &rip, &fl);
	if (!emulated("lock cmpxchg (failure)"))
		return;
	CHECK(!(fl & X86_EFLAGS_ZF), "lock cmpxchg (failure): ZF set (RFLAGS %lx)", fl);
	CHECK(rax == after, "lock cmpxchg (failure): RAX %lx, expected the current entry %lx",
	      rax, after);
	CHECK(*pte == after, "lock cmpxchg (failure): entry changed from %lx to %lx",
	      after, *pte);
	check_victim("lock cmpxchg (failure)", OTHER_TAG, "other");

	/* And back. */
	rax = after;
	st_cmpxchg(pte, &rax, orig, &rip, &fl);
	if (!emulated("lock cmpxchg (success) -> original"))
		return;
	CHECK(fl & X86_EFLAGS_ZF, "lock cmpxchg -> original: ZF clear");
	CHECK(entry_is(*pte, orig), "lock cmpxchg -> original: entry %lx", *pte);
	check_victim("lock cmpxchg -> original", VICTIM_TAG, "victim");
}

/* An emulated cmpxchg leaves every arithmetic flag as the CPU would. */
static void test_cmpxchg_flags(void)
{
	uint64_t new = entry_for(other_mfn, MAP_RW), cur, rax;
	unsigned long rip, fl, want;

	restore_by_hypercall();
	cur = *pte;
	rax = cur;
	want = native_cmpxchg_flags(cur, rax, new);
	st_cmpxchg(pte, &rax, new, &rip, &fl);
	if (!emulated("lock cmpxchg (success)"))
		return;
	restore_by_hypercall();
	flush_victim();
	if ((fl ^ want) & X86_EFLAGS_ARITH) {
		if (ref_xen) {
			test_fail("lock cmpxchg (success): RFLAGS %lx, the CPU gives %lx",
				  fl, want);
		} else {
			printk("  Ward gap: lock cmpxchg (success) left RFLAGS %lx, the CPU gives %lx\n",
			       fl, want);
			case_skip("Ward sets only ZF after an emulated cmpxchg");
		}
	}

	cur = *pte;
	rax = cur ^ 0x8000000000000000UL;	/* stale: compares unequal */
	want = native_cmpxchg_flags(cur, rax, new);
	st_cmpxchg(pte, &rax, new, &rip, &fl);
	if (!emulated("lock cmpxchg (failure)"))
		return;
	if ((fl ^ want) & X86_EFLAGS_ARITH) {
		if (ref_xen) {
			test_fail("lock cmpxchg (failure): RFLAGS %lx, the CPU gives %lx",
				  fl, want);
		} else {
			printk("  Ward gap: lock cmpxchg (failure) left RFLAGS %lx, the CPU gives %lx\n",
			       fl, want);
			case_skip("Ward clears only ZF after a failed emulated cmpxchg");
		}
	}
}

/* Entries the hypervisor must refuse; each store is #PF(P|W), no change. */
static void test_illegal(void)
{
	unsigned long rip, addr;
	uint64_t before, val;

	restore_by_hypercall();

	/* Rule 1/5: a page table is never mapped writable... */
	before = *pte;
	st_mov(pte, entry_for(l1_mfn, MAP_RW), &rip);
	refused("L1 frame mapped RW", rip, (unsigned long)pte, pte, before);

	/* ...but read-only it may be: victim then shows the L1 itself. */
	st_mov(pte, entry_for(l1_mfn, MAP_RO), &rip);
	if (emulated("L1 frame mapped RO")) {
		flush_victim();
		CHECK(READ_ONCE(victim[0]) == l1[0] &&
		      READ_ONCE(victim[pt_index((unsigned long)victim, 1)]) ==
		      *pte, "L1 frame mapped RO: victim does not show the L1");
		st_mov(pte, orig, &rip);
		emulated("movq -> original after the RO mapping");
		check_victim("movq -> original after the RO mapping", VICTIM_TAG,
			     "victim");
	}
	restore_by_hypercall();

	/* Not naturally aligned: straddles entries 0 and 1 (same bytes). */
	val = (l1[0] >> 32) | (l1[1] << 32);
	addr = (unsigned long)l1 + 4;
	before = l1[0];
	st_mov((volatile uint64_t *)addr, val, &rip);
	refused("misaligned 8-byte store", rip, addr, l1, before);

	/* Only L1 tables are emulated: an L2 entry stored unchanged. */
	before = *l2e;
	st_mov(l2e, before, &rip);
	refused("store to an L2 entry", rip, (unsigned long)l2e, l2e, before);
}

/* The first frame from MFN 0x100 (1 MiB, RAM on a PC) that is not ours. */
static unsigned long foreign_ram_mfn(void)
{
	unsigned long mfn = 0x100;

	while (owned_mfn(mfn))
		mfn++;
	return mfn;
}

/* MAXPHYADDR from CPUID 0x80000008 (run natively: the host's value). */
static unsigned int phys_addr_bits(void)
{
	uint32_t a = 0x80000000, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (a < 0x80000008)
		return 36;
	a = 0x80000008;
	c = 0;
	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return a & 0xff;
}

/*
 * Frames the guest does not own and that are not I/O memory it could be
 * given: a RAM frame of the hypervisor's (or free), read-write and
 * read-only, and the first frame beyond MAXPHYADDR.
 */
static void test_foreign(void)
{
	unsigned int bits = phys_addr_bits();
	const struct {
		const char *what;
		unsigned long mfn;
		uint64_t flags;
	} bad[] = {
		{ "RW mapping of a RAM frame we do not own", foreign_ram_mfn(), MAP_RW },
		{ "RO mapping of a RAM frame we do not own", foreign_ram_mfn(), MAP_RO },
		{ "RW mapping of the first MFN beyond MAXPHYADDR",
		  bits < 52 ? 1UL << (bits - PAGE_SHIFT) : 0, MAP_RW },
	};
	unsigned long rip;

	restore_by_hypercall();
	printk("RAM frame not ours: MFN %lx; MAXPHYADDR %u\n", bad[0].mfn, bits);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t before = *pte;

		if (!bad[i].mfn)
			continue;	/* MAXPHYADDR 52: no such frame */
		st_mov(pte, entry_for(bad[i].mfn, bad[i].flags), &rip);
		refused(bad[i].what, rip, (unsigned long)pte, pte, before);
		restore_by_hypercall();
	}
	flush_victim();
}

/*
 * The hardware domain may map I/O memory it does not own: the low 1 MiB
 * (MFN 0x10) and frames above RAM (MFN XENMEM_maximum_ram_page). Xen 4.17
 * accepts both (pv-abi-core.md 4.5 rule 4 allows it for dom0), and so does
 * Ward since issue 6 (arch/x86/pv/io-mem.c).
 */
static void test_dom0_io(void)
{
	long max_ram = hypercall2(__HYPERVISOR_memory_op,
				  XENMEM_maximum_ram_page, NULL);
	unsigned long rip, mfns[2] = { 0x10, (unsigned long)max_ram };
	const char *names[2] = { "I/O frame MFN 0x10 (low 1 MiB)",
				 "I/O frame MFN maximum_ram_page" };
	char what[96];

	restore_by_hypercall();
	printk("XENMEM_maximum_ram_page: 0x%lx\n", max_ram);
	if (max_ram <= 0)
		test_fail("XENMEM_maximum_ram_page: rc %ld %s", max_ram,
			  errno_name(max_ram));
	for (unsigned int i = 0; i < (max_ram > 0 ? 2 : 1); i++) {
		uint64_t before = *pte, want = entry_for(mfns[i], MAP_RW), e;

		snprintf(what, sizeof(what), "RW mapping of %s", names[i]);
		st_mov(pte, want, &rip);
		e = *pte;
		if (gap_performed(what, WHY_IO)) {
			CHECK(entry_is(e, want), "%s: entry %lx, expected %lx",
			      what, e, want);
		} else {
			CHECK(e == before, "%s refused, but the entry changed to %lx",
			      what, e);
		}
		restore_by_hypercall();
	}
	flush_victim();
}

static void test_narrow_and_bitops(void)
{
	uint64_t new = entry_for(other_mfn, MAP_RW), e;
	unsigned long rip;
	bool cf;

	restore_by_hypercall();
	/*
	 * movl into the low half: the entry keeps its high half, whose address
	 * bits (32-51) must already be other's (they are 0 below 16 TiB).
	 */
	if (((new ^ orig) & PTE_ADDR_MASK) >> 32) {
		case_skip("other's MFN %lx differs from victim's %lx above bit 31",
			  other_mfn, victim_mfn);
		return;
	}
	st_movl(pte, (uint32_t)new, &rip);
	if (gap_performed("movl %reg, (pte) -> other", WHY_EMUL)) {
		e = *pte;
		CHECK(entry_is(e, new), "movl -> other: entry %lx, expected %lx", e, new);
		check_victim("movl -> other", OTHER_TAG, "other");
		st_mov(pte, orig, &rip);
		emulated("movq -> original after movl");
		check_victim("movq -> original after movl", VICTIM_TAG, "victim");
	} else {
		CHECK(*pte == orig, "movl refused, but the entry changed to %lx", *pte);
	}
	restore_by_hypercall();

	/* lock btrq $5: CF = the old A bit, A cleared. */
	e = *pte;
	cf = st_btr_accessed(pte, &rip);
	if (gap_performed("lock btrq $5, (pte)", WHY_EMUL)) {
		CHECK(cf == !!(e & _PAGE_ACCESSED), "lock btrq: CF %d, old entry %lx", cf, e);
		CHECK(*pte == (e & ~(uint64_t)_PAGE_ACCESSED),
		      "lock btrq: entry %lx, expected %lx", *pte,
		      e & ~(uint64_t)_PAGE_ACCESSED);
	} else {
		CHECK(*pte == e, "lock btrq refused, but the entry changed to %lx", *pte);
	}
	restore_by_hypercall();
	flush_victim();

	/* lock andb $~RW: victim becomes read-only. */
	e = *pte;
	st_andb_wrprotect(pte, &rip);
	if (gap_performed("lock andb $~RW, (pte)", WHY_EMUL)) {
		CHECK(*pte == (e & ~(uint64_t)_PAGE_RW), "lock andb: entry %lx, expected %lx",
		      *pte, e & ~(uint64_t)_PAGE_RW);
		flush_victim();
		write_victim(pattern(VICTIM_TAG, 0), &rip);
		if (check_trap("write to the write-protected victim", X86_EXC_PF, rip, PFEC_PW))
			CHECK(last_trap.cr2 == (unsigned long)victim,
			      "write to the write-protected victim: CR2 %lx", last_trap.cr2);
		CHECK(victim_shows(VICTIM_TAG), "write-protected victim lost its pattern");
	} else {
		CHECK(*pte == e, "lock andb refused, but the entry changed to %lx", *pte);
	}
	restore_by_hypercall();
	flush_victim();
}

static void test_vm_assist_off(void)
{
	uint64_t new = entry_for(other_mfn, MAP_RW), before;
	unsigned long rip;

	restore_by_hypercall();
	if (!check_rc("vm_assist(disable, writable_pagetables)",
		      HYPERVISOR_vm_assist(VMASST_CMD_disable,
					   VMASST_TYPE_writable_pagetables), 0))
		return;
	before = *pte;
	st_mov(pte, new, &rip);
	if (ref_xen) {
		/*
		 * Xen 4.17 still emulates for the hardware domain: its fault
		 * path sends dom0's writes to read-only pages to the same
		 * emulation whatever the assist says (the mmio_ro path).
		 */
		printk("  Xen: the store with the assist off was %s\n",
		       last_trap.count ? "refused" : "emulated anyway (dom0)");
		case_skip("Xen emulates dom0's L1 stores with the assist off");
	} else {
		refused("movq with writable_pagetables off", rip,
			(unsigned long)pte, pte, before);
	}
	restore_by_hypercall();
	flush_victim();
	if (!check_rc("vm_assist(enable, writable_pagetables)",
		      HYPERVISOR_vm_assist(VMASST_CMD_enable,
					   VMASST_TYPE_writable_pagetables), 0))
		test_abort("writable page tables cannot be re-enabled");
	st_mov(pte, new, &rip);
	if (emulated("movq after re-enabling")) {
		check_victim("movq after re-enabling", OTHER_TAG, "other");
		st_mov(pte, orig, &rip);
		emulated("movq -> original after re-enabling");
		check_victim("movq -> original after re-enabling", VICTIM_TAG, "victim");
	}
	restore_by_hypercall();
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "movq reg and SIB forms", test_mov },
		{ "movq $0 clears, movq restores", test_mov_imm_zero },
		{ "xchg", test_xchg },
		{ "lock cmpxchg success and failure", test_cmpxchg },
		{ "lock cmpxchg arithmetic flags", test_cmpxchg_flags },
		{ "illegal stores fault", test_illegal },
		{ "frames not owned", test_foreign },
		{ "dom0 I/O frames", test_dom0_io },
		{ "4-byte and bit-op stores (Linux forms)", test_narrow_and_bitops },
		{ "writable_pagetables disabled", test_vm_assist_off },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	if (!map_shared_info(&rc))
		test_abort("update_va_mapping(shared_info) rc %ld %s: CR2 cannot be read",
			   rc, errno_name(rc));
	ref_xen = cmdline_has("ref=xen");
	fill(victim, VICTIM_TAG);
	fill(other, OTHER_TAG);
	find_tables();
	run_cases(cases, ARRAY_SIZE(cases));
	restore_by_hypercall();
}
