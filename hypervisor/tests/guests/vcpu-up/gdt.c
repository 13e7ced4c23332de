// SPDX-License-Identifier: GPL-2.0-only
/*
 * set_gdt (2) and update_descriptor (10) on a guest GDT. Ward gives each
 * vCPU hypervisor-owned shadow copies of its GDT frames, and
 * update_descriptor writes the new entry into every vCPU's shadow of the
 * frame; what the CPU sees is checked with LSL.
 *
 * The race: a set_gdt frees the old shadows, and a writer on the other
 * vCPU that found one just before must not write into it once it is freed
 * and reused (XSA-shaped: a write into whatever the page became). vCPU 1
 * cycles its GDT through three frames, F, G and H, each holding one data
 * descriptor at GDT_IDX, and checks that G's and H's are their own; vCPU
 * 0 meanwhile rewrites F's as fast as it can. Freed shadow pages come
 * back for the next set_gdt (the allocator is LIFO), so a late write
 * meant for F's old shadow shows up as an F limit in G's or H's GDT. A
 * clean run proves nothing; a dirty one (or a hypervisor fault) proves
 * the bug.
 */
#include "vcpu-up.h"

#define GDT_IDX		1
#define GDT_SEL		((GDT_IDX << 3) | 3)
#define GDT_ENTRIES	512	/* one frame */
#define NR_GDT_FRAMES	3	/* F (rewritten by vCPU 0), G, H */
#define F_LIMIT_BASE	0x1000
#define RACE_NS		(2ULL * 1000 * 1000 * 1000)
#define HV_IMAGE_SLOT	261	/* an L4 slot of the hypervisor's: its frame is not ours */
/* A present 64-bit TSS and conforming code: never in a guest GDT on Ward. */
#define DESC_TSS	0x0000890000000067UL
#define DESC_CONFORMING	0x00affe000000ffffUL

static const uint32_t own_limit[NR_GDT_FRAMES] = { F_LIMIT_BASE, 0x222, 0x333 };
static uint8_t gdt_page[NR_GDT_FRAMES][PAGE_SIZE] __page_aligned;
static uint8_t bad_page[PAGE_SIZE] __page_aligned;
static unsigned long gdt_mfn[NR_GDT_FRAMES];

/* Written by vCPU 1 only, read by vCPU 0 after v1_cmd is back to CMD_NONE. */
static volatile unsigned long v1_rounds, v1_wrong, v1_set_gdt_errors;
static volatile uint32_t v1_wrong_limit;
static volatile bool race_stop;

/*
 * A flat-based, byte-granular, writable 32-bit data segment: present,
 * DPL 3. 32-bit (B set): a writable 16-bit one could be a 16-bit stack,
 * which Ward refuses (espfix).
 */
#define DESC_B		(1UL << 54)
static uint64_t data_desc(uint32_t limit)
{
	return (limit & 0xffffUL) | ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       (0xf2UL << 40) | DESC_B;
}

/* The limit of the segment @sel names in the live GDT; false if none. */
static bool seg_limit(unsigned int sel, uint32_t *limit)
{
	uint32_t lim = 0;
	bool ok;

	asm volatile("lsl %[sel], %[lim]" : [lim] "+r"(lim), "=@ccz"(ok)
		     : [sel] "r"(sel));
	*limit = lim;
	return ok;
}

/* vCPU 1: set_gdt to F, G, H in turn until told to stop, checking G and H. */
void gdt_swap_rounds(void)
{
	unsigned long rounds = 0, wrong = 0, errors = 0;
	uint32_t lim;

	while (!race_stop) {
		for (unsigned int k = 0; k < NR_GDT_FRAMES; k++) {
			if (HYPERVISOR_set_gdt(&gdt_mfn[k], GDT_ENTRIES)) {
				errors++;
				continue;
			}
			/* F's descriptor changes under us; G's and H's never do. */
			if (k == 0)
				continue;
			if (!seg_limit(GDT_SEL, &lim) || lim != own_limit[k]) {
				wrong++;
				v1_wrong_limit = lim;
			}
		}
		rounds++;
	}
	HYPERVISOR_set_gdt(NULL, 0);
	v1_rounds = rounds;
	v1_wrong = wrong;
	v1_set_gdt_errors = errors;
}

/* Map our page @page read-only: Xen types a GDT frame, so none may be writable. */
static void map_read_only(void *page)
{
	if (HYPERVISOR_update_va_mapping((unsigned long)page,
					 pte_for(page) & ~(uint64_t)(_PAGE_RW | _PAGE_DIRTY),
					 UVMF_INVLPG | UVMF_ALL))
		test_error("cannot map %p read-only", page);
}

/* F, G and H: one data descriptor each at GDT_IDX, mapped read-only. */
static void gdt_frames_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	for (unsigned int k = 0; k < NR_GDT_FRAMES; k++) {
		uint64_t *d = (uint64_t *)gdt_page[k];

		memset(d, 0, PAGE_SIZE);
		d[GDT_IDX] = data_desc(own_limit[k]);
		gdt_mfn[k] = virt_to_mfn(d);
		map_read_only(d);
	}
}

static void expect_limit(const char *what, uint32_t want)
{
	uint32_t lim;

	if (!seg_limit(GDT_SEL, &lim))
		test_fail("%s: selector 0x%x does not load", what, GDT_SEL);
	else
		CHECK(lim == want, "%s: limit 0x%x, want 0x%x", what, lim, want);
}

/* Refused set_gdt calls, each leaving G's GDT in place. */
static void set_gdt_refused(const char *what, const unsigned long *frames,
			    unsigned int entries, long want)
{
	check_rc(what, HYPERVISOR_set_gdt(frames, entries), want);
	expect_limit(what, own_limit[1]);
}

void test_set_gdt(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	unsigned long hv_mfn = (l4[HV_IMAGE_SLOT] & PTE_ADDR_MASK) >> PAGE_SHIFT;
	unsigned long bad = virt_to_mfn(bad_page);
	uint64_t ma;

	gdt_frames_init();
	if (!check_rc("set_gdt(G)", HYPERVISOR_set_gdt(&gdt_mfn[1], GDT_ENTRIES), 0))
		return;
	expect_limit("G's descriptor", own_limit[1]);
	/* The CPU sees an update at once: the shadow moves with the frame. */
	ma = ((uint64_t)gdt_mfn[1] << PAGE_SHIFT) + GDT_IDX * 8;
	check_rc("update_descriptor in the live GDT",
		 HYPERVISOR_update_descriptor(ma, data_desc(0x444)), 0);
	expect_limit("the updated descriptor", 0x444);
	check_rc("update_descriptor back",
		 HYPERVISOR_update_descriptor(ma, data_desc(own_limit[1])), 0);
	expect_limit("the descriptor put back", own_limit[1]);

	set_gdt_refused("set_gdt past the reserved entries", &gdt_mfn[0],
			FIRST_RESERVED_GDT_ENTRY + 1, -XEN_EINVAL);
	set_gdt_refused("set_gdt from an unmapped list", BAD_PTR_UNMAPPED, 1, -XEN_EFAULT);
	set_gdt_refused("set_gdt of a hypervisor frame", &hv_mfn, 1, -XEN_EINVAL);
	/* G first, then a frame that does not check out: nothing is taken. */
	{
		unsigned long two[2] = { gdt_mfn[1], bad };

		memset(bad_page, 0, PAGE_SIZE);
		((uint64_t *)bad_page)[7] = DESC_TSS;
		map_read_only(bad_page);
		set_gdt_refused("set_gdt with a TSS descriptor in the second frame", two,
				2 * GDT_ENTRIES, -XEN_EINVAL);
	}
	if (!ref_xen) {
		HYPERVISOR_update_va_mapping((unsigned long)bad_page, pte_for(bad_page),
					     UVMF_INVLPG | UVMF_ALL);
		((uint64_t *)bad_page)[7] = DESC_CONFORMING;
		map_read_only(bad_page);
		set_gdt_refused("set_gdt with conforming code", &bad, 1, -XEN_EINVAL);
	}
	check_rc("set_gdt with no entries", HYPERVISOR_set_gdt(NULL, 0), 0);
}

void test_gdt_race(void)
{
	unsigned long writes = 0, errors = 0;
	uint64_t ma, end;

	gdt_frames_init();
	ma = ((uint64_t)gdt_mfn[0] << PAGE_SHIFT) + GDT_IDX * 8;
	race_stop = false;
	v1_rounds = v1_wrong = v1_set_gdt_errors = 0;
	v1_cmd = CMD_GDT_SWAP;
	end = now() + RACE_NS;
	while (now() < end) {
		if (HYPERVISOR_update_descriptor(ma, data_desc(F_LIMIT_BASE + 1 + (writes & 0xff))))
			errors++;
		writes++;
	}
	race_stop = true;
	if (!wait_for(&v1_cmd, CMD_NONE)) {
		test_fail("vCPU 1 did not stop cycling its GDT");
		return;
	}
	printk("  %lu descriptor writes against %lu rounds of 3 set_gdt\n", writes, v1_rounds);
	CHECK(v1_rounds, "vCPU 1 did not get through one round");
	CHECK(!v1_wrong, "vCPU 1 found G's or H's descriptor wrong %lu times (limit 0x%x)",
	      v1_wrong, v1_wrong_limit);
	/*
	 * On Xen a frame changes type between writable and GDT as vCPU 1
	 * loads it, so either call may lose the race for the type; Ward keeps
	 * GDT frames plain memory, so neither may fail.
	 */
	if (!ref_xen) {
		CHECK(!errors, "%lu of %lu update_descriptor calls failed", errors, writes);
		CHECK(!v1_set_gdt_errors, "%lu of vCPU 1's set_gdt calls failed",
		      v1_set_gdt_errors);
	}
}
