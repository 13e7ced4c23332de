// SPDX-License-Identifier: GPL-2.0-only
/*
 * 16-bit stack segments (issue "Isolation", 9: the espfix leak). An iret
 * to compatibility-mode code whose SS is a 16-bit data segment (B clear)
 * loads only SP: bits 16-31 of ESP (and the rest of RSP) keep the values
 * of the hypervisor's RSP at its iretq, which the guest then reads. Linux
 * refuses 16-bit segments under Xen PV (no espfix64 there), so Ward
 * refuses the descriptor itself: a present, writable data segment with B
 * clear, the only kind that loads into SS, is -EINVAL from
 * update_descriptor and set_gdt; every other code or data descriptor is
 * accepted as before. Xen 4.17 accepts them all (ref=xen). The last case
 * shows the leak itself where a 16-bit SS can be had (Xen).
 */
#include "lib.h"

const char test_title[] = "espfix: no 16-bit stack segments";

/* Descriptor fields (Intel SDM vol. 3, 3.4.5). */
#define D_LIMIT		0x000f00000000ffffUL	/* limit 0xfffff */
#define D_P		(1UL << 47)
#define D_S		(1UL << 44)	/* code or data */
#define D_CODE		(1UL << 43)
#define D_W		(1UL << 41)	/* data: writable */
#define D_R		(1UL << 41)	/* code: readable */
#define D_DPL3		(3UL << 45)
#define D_B		(1UL << 54)	/* D/B: 32-bit */
#define D_L		(1UL << 53)	/* code: 64-bit */
#define D_G		(1UL << 55)

#define DATA16_RW	(D_LIMIT | D_P | D_S | D_DPL3 | D_W)
#define DATA16_RO	(D_LIMIT | D_P | D_S | D_DPL3)
#define DATA32_RW	(DATA16_RW | D_B | D_G)
#define CODE16		(D_LIMIT | D_P | D_S | D_DPL3 | D_CODE | D_R)
#define CODE32		(CODE16 | D_B | D_G)

/* One page of descriptors of ours (not mapped as a GDT yet). */
static uint64_t gdt_page[PAGE_SIZE / 8] __page_aligned;
static bool ref_xen;

static long update_descriptor(unsigned int idx, uint64_t desc)
{
	uint64_t maddr = ((uint64_t)virt_to_mfn(gdt_page) << PAGE_SHIFT) + idx * 8;

	return hypercall2(__HYPERVISOR_update_descriptor, maddr, desc);
}

static void expect_update(const char *what, unsigned int idx, uint64_t desc, long want)
{
	long rc = update_descriptor(idx, desc);

	if (ref_xen && want) {
		printk("  %s: rc %ld (Ward refuses it)\n", what, rc);
		return;
	}
	if (check_rc(what, rc, want) && !rc)
		CHECK((gdt_page[idx] & ~(1UL << 40)) == desc,
		      "%s: the frame holds %lx, expected %lx", what,
		      (unsigned long)gdt_page[idx], (unsigned long)desc);
	if (rc)
		CHECK(gdt_page[idx] == 0, "%s: refused, yet the frame holds %lx", what,
		      (unsigned long)gdt_page[idx]);
}

static void test_update_descriptor(void)
{
	memset(gdt_page, 0, sizeof(gdt_page));
	expect_update("32-bit writable data", 1, DATA32_RW, 0);
	expect_update("32-bit code", 2, CODE32, 0);
	expect_update("16-bit code", 3, CODE16, 0);
	expect_update("16-bit read-only data (cannot be SS)", 4, DATA16_RO, 0);
	expect_update("16-bit writable data, not present", 5, DATA16_RW & ~D_P, 0);
	expect_update("espfix: 16-bit writable data (a 16-bit SS)", 6, DATA16_RW, -XEN_EINVAL);
	expect_update("espfix: the same, expand-down", 7, DATA16_RW | (1UL << 42),
		      -XEN_EINVAL);
	/* A present one overwriting an accepted entry: refused, entry kept. */
	CHECK(update_descriptor(1, DATA16_RW) == (ref_xen ? 0 : -XEN_EINVAL),
	      "espfix: 16-bit writable data over entry 1 accepted");
	if (!ref_xen)
		CHECK((gdt_page[1] & ~(1UL << 40)) == DATA32_RW,
		      "entry 1 changed to %lx by a refused update", (unsigned long)gdt_page[1]);
	memset(gdt_page, 0, sizeof(gdt_page));
}

/* set_gdt of gdt_page, read-only mapped as Xen requires. */
static long set_gdt_page(unsigned int entries)
{
	unsigned long frame = virt_to_mfn(gdt_page);
	uint64_t pte = ((uint64_t)frame << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;
	long rc;

	rc = HYPERVISOR_update_va_mapping((unsigned long)gdt_page, pte, UVMF_INVLPG | UVMF_LOCAL);
	if (!check_rc("map the GDT page read-only", rc, 0))
		return rc;
	rc = hypercall2(__HYPERVISOR_set_gdt, &frame, entries);
	/* Back to no GDT of ours (the flat selectors are Ward's), and writable. */
	hypercall2(__HYPERVISOR_set_gdt, NULL, 0);
	HYPERVISOR_update_va_mapping((unsigned long)gdt_page, pte | _PAGE_RW | _PAGE_DIRTY,
				     UVMF_INVLPG | UVMF_LOCAL);
	return rc;
}

static void test_set_gdt(void)
{
	memset(gdt_page, 0, sizeof(gdt_page));
	gdt_page[1] = DATA32_RW;
	gdt_page[2] = CODE32;
	gdt_page[3] = DATA16_RO;
	check_rc("set_gdt with 32-bit and read-only 16-bit segments", set_gdt_page(16), 0);
	/* Beyond the entry count: still checked (the CPU reaches the page). */
	gdt_page[100] = DATA16_RW;
	if (ref_xen)
		printk("  set_gdt with a 16-bit writable data segment: rc %ld\n",
		       set_gdt_page(16));
	else
		check_rc("espfix: set_gdt with a 16-bit writable data segment",
			 set_gdt_page(16), -XEN_EINVAL);
	memset(gdt_page, 0, sizeof(gdt_page));
}

/*
 * The leak itself: iret (kernel mode) to 32-bit code at LOW_VA with SS a
 * data segment from our GDT and SP 0x1234; the code copies ESP to EAX,
 * moves to a stack of its own and takes an int3, whose bounce brings us
 * back to 64-bit code (trap_hook). With a 32-bit SS, ESP is what the
 * frame said; with a 16-bit one (where it can be installed: not on Ward)
 * its upper half is the hypervisor's.
 */
#define LOW_VA		0x400000UL	/* L4 0, L3 0, L2 2, L1 0 */
#define LOW_L2_IDX	2
#define FRAME_SP	0x1234UL
#define SEL_CODE32	(1 << 3)
#define SEL_DATA	((2 << 3) | 3)
#define PTE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_DATA	(PTE_TABLE | _PAGE_DIRTY)

static uint64_t low_l3[PT_ENTRIES] __page_aligned;
static uint64_t low_l2[PT_ENTRIES] __page_aligned;
static uint64_t low_l1[PT_ENTRIES] __page_aligned;
static uint8_t low_page[PAGE_SIZE] __page_aligned;
static struct jmp_ctx leak_ctx;
static uint64_t leaked_esp;

/* mov %esp, %eax; mov $LOW_VA + 0xff0, %esp; int3 */
static const uint8_t compat_code[] = {
	0x89, 0xe0, 0xbc, 0xf0, 0x0f, 0x40, 0x00, 0xcc,
};

static long remap(void *va, bool writable)
{
	uint64_t pte = ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
		       (writable ? _PAGE_RW | _PAGE_DIRTY : 0);

	return HYPERVISOR_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

static long set_l4_slot0(uint64_t val)
{
	mmu_update_t req = {
		.ptr = ((uint64_t)virt_to_mfn((void *)start_info->pt_base) << PAGE_SHIFT) |
		       MMU_NORMAL_PT_UPDATE,
		.val = val,
	};

	return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

static void back_in_64bit(struct trap_frame *f)
{
	if ((f->vector & ~TRAP_HAS_EC) != X86_EXC_BP)
		test_error("unexpected exception %lu at %lx in compat mode",
			   f->vector & ~TRAP_HAS_EC, f->rip);
	leaked_esp = f->rax;
	ctx_resume(&leak_ctx);
}

/* Run the compat code with SS = a segment of @ss_desc; false if not possible. */
static bool run_compat(uint64_t ss_desc, const char *what)
{
	static struct iret_context frame;
	unsigned long frame_mfn = virt_to_mfn(gdt_page);
	long rc;

	memset(gdt_page, 0, sizeof(gdt_page));
	gdt_page[SEL_CODE32 >> 3] = CODE32;
	gdt_page[SEL_DATA >> 3] = ss_desc;
	if (!check_rc("map the GDT page read-only", remap(gdt_page, false), 0))
		return false;
	rc = hypercall2(__HYPERVISOR_set_gdt, &frame_mfn, 16);
	if (rc) {
		printk("  %s: set_gdt rc %ld %s\n", what, rc, errno_name(rc));
		remap(gdt_page, true);
		return false;
	}
	frame = (struct iret_context){
		.rip = LOW_VA, .cs = SEL_CODE32, .rflags = X86_EFLAGS_MBS,
		.rsp = FRAME_SP, .ss = SEL_DATA,
	};
	leaked_esp = 0;
	trap_hook = back_in_64bit;
	if (ctx_save(&leak_ctx) == 0)
		do_iret(&frame);
	trap_hook = NULL;
	hypercall2(__HYPERVISOR_set_gdt, NULL, 0);
	remap(gdt_page, true);
	printk("  %s: ESP %lx in compatibility mode (the frame's SP %lx)\n", what,
	       (unsigned long)leaked_esp, FRAME_SP);
	return true;
}

static void test_leak(void)
{
	memcpy(low_page, compat_code, sizeof(compat_code));
	memset(low_l3, 0, PAGE_SIZE);
	memset(low_l2, 0, PAGE_SIZE);
	memset(low_l1, 0, PAGE_SIZE);
	low_l3[0] = ((uint64_t)virt_to_mfn(low_l2) << PAGE_SHIFT) | PTE_TABLE;
	low_l2[LOW_L2_IDX] = ((uint64_t)virt_to_mfn(low_l1) << PAGE_SHIFT) | PTE_TABLE;
	low_l1[0] = ((uint64_t)virt_to_mfn(low_page) << PAGE_SHIFT) | PTE_DATA;
	if (!check_rc("L1 read-only", remap(low_l1, false), 0) ||
	    !check_rc("L2 read-only", remap(low_l2, false), 0) ||
	    !check_rc("L3 read-only", remap(low_l3, false), 0) ||
	    !check_rc("map a page at 4 MiB (L4 slot 0)",
		      set_l4_slot0(((uint64_t)virt_to_mfn(low_l3) << PAGE_SHIFT) | PTE_TABLE), 0))
		goto out;

	if (run_compat(DATA32_RW, "32-bit SS"))
		CHECK(leaked_esp == FRAME_SP, "32-bit SS: ESP %lx, expected %lx",
		      (unsigned long)leaked_esp, FRAME_SP);
	else
		test_fail("32-bit SS: the round trip through compatibility mode failed");
	if (run_compat(DATA16_RW, "16-bit SS"))
		CHECK(ref_xen || (leaked_esp & 0xffff0000) == 0,
		      "espfix: ESP %lx in compatibility mode: bits 16-31 are the hypervisor's",
		      (unsigned long)leaked_esp);
	else
		CHECK(!ref_xen, "16-bit SS refused on Xen");
out:
	set_l4_slot0(0);
	remap(low_l3, true);
	remap(low_l2, true);
	remap(low_l1, true);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "espfix: update_descriptor", test_update_descriptor },
		{ "espfix: set_gdt", test_set_gdt },
		{ "espfix: the leak through a 16-bit SS", test_leak },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	ref_xen = cmdline_has("ref=xen");
	run_cases(cases, ARRAY_SIZE(cases));
}
