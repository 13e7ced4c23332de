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
 * accepted as before. Xen 4.17 accepts them all (ref=xen).
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

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "espfix: update_descriptor", test_update_descriptor },
		{ "espfix: set_gdt", test_set_gdt },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	ref_xen = cmdline_has("ref=xen");
	run_cases(cases, ARRAY_SIZE(cases));
}
