// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mmu guest's machinery (mmu.h): the pool of free frames and their
 * windows, one-request hypercall helpers, a walker of the builder's page
 * tables, faulting accesses, and the fresh four-level tree.
 */
#include "mmu.h"

/* Set once by mmu_setup(), on the only vCPU, before any case runs. */
bool ref_xen;
const unsigned long *p2m;
const uint64_t *boot_l4;
unsigned long boot_l4_mfn;
unsigned long ram_page;
unsigned long max_guest_mfn;
unsigned long beyond_mfn;
unsigned long hv_mfn;
unsigned long pool_mfn[NR_POOL], pool_pfn[NR_POOL];

uint8_t window[NR_POOL][PAGE_SIZE] __page_aligned;
uint8_t scratch[4][PAGE_SIZE] __page_aligned;
/* Bit f: pool frame f is pinned; kept by pin()/unpin(), used by pool_reset(). */
static unsigned int pinned;

void *const bad_ptrs[4] = {
	BAD_PTR_UNMAPPED, BAD_PTR_NONCANONICAL, BAD_PTR_M2P, BAD_PTR_HYPERVISOR,
};
const char *const bad_ptr_names[4] = {
	"unmapped", "non-canonical", "M2P (hypervisor range)",
	"hypervisor range",
};

long mmu1(uint64_t ptr, uint64_t val)
{
	mmu_update_t req = { .ptr = ptr, .val = val };
	unsigned int done = 0xdead;
	long rc = HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF);

	if (done != (rc ? 0u : 1u))
		test_fail("mmu_update(%lx, %lx): rc %ld but done %u",
			  (unsigned long)ptr, (unsigned long)val, rc, done);
	return rc;
}

long mmuext1(unsigned int cmd, unsigned long arg1, unsigned long arg2)
{
	struct mmuext_op op;
	unsigned int done = 0xdead;
	long rc;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.arg1.mfn = arg1;
	op.arg2.src_mfn = arg2;
	rc = HYPERVISOR_mmuext_op(&op, 1, &done, DOMID_SELF);
	if (done != (rc ? 0u : 1u))
		test_fail("mmuext_op(cmd %u, %lx): rc %ld but done %u", cmd,
			  arg1, rc, done);
	return rc;
}

long uvm(const void *va, uint64_t val, unsigned long flags)
{
	return HYPERVISOR_update_va_mapping((unsigned long)va, val, flags);
}

long win_map(enum pool_frame f, uint64_t flags)
{
	return uvm(window[f], pte(pool_mfn[f], flags), UVMF_INVLPG | UVMF_LOCAL);
}

bool win_ro(enum pool_frame f)
{
	long rc = win_map(f, PTE_DATA_RO);

	if (rc)
		test_fail("remapping frame %u read-only: rc %ld %s", f, rc,
			  errno_name(rc));
	return !rc;
}

/* A plain frame must take a writable mapping. */
bool win_rw(enum pool_frame f, const char *what)
{
	long rc = win_map(f, PTE_DATA_RW);

	if (rc)
		test_fail("%s: frame %u refuses a writable mapping: rc %ld %s",
			  what, f, rc, errno_name(rc));
	return !rc;
}

/* A frame with a page-table type must refuse one (any error will do here). */
void expect_typed(enum pool_frame f, const char *what)
{
	if (!win_map(f, PTE_DATA_RW)) {
		test_fail("%s: frame %u could be mapped writable", what, f);
		win_map(f, PTE_DATA_RO);
	}
}

long pin(unsigned int level, enum pool_frame f)
{
	long rc = mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, pool_mfn[f], 0);

	if (!rc)
		pinned |= 1u << f;
	return rc;
}

long unpin(enum pool_frame f)
{
	long rc = mmuext1(MMUEXT_UNPIN_TABLE, pool_mfn[f], 0);

	if (!rc)
		pinned &= ~(1u << f);
	return rc;
}

/* Make the (zeroed or prepared) frame F read-only and pin it at LEVEL. */
bool make_table(enum pool_frame f, unsigned int level)
{
	char what[48];

	if (!win_ro(f))
		return false;
	snprintf(what, sizeof(what), "pin frame %u as L%u", f, level);
	return check_rc(what, pin(level, f), 0);
}

/* Undo whatever a case left: pins, scratch mappings, read-only windows. */
void pool_reset(void)
{
	unsigned int f, i;
	long rc;

	for (f = 0; f < NR_POOL; f++) {
		if (!(pinned & (1u << f)))
			continue;
		rc = unpin(f);
		if (rc)
			test_fail("reset: unpin frame %u: rc %ld %s", f, rc,
				  errno_name(rc));
	}
	for (i = 0; i < ARRAY_SIZE(scratch); i++) {
		rc = uvm(scratch[i], 0, UVMF_INVLPG | UVMF_LOCAL);
		if (rc)
			test_fail("reset: unmap scratch %u: rc %ld %s", i, rc,
				  errno_name(rc));
	}
	for (f = 0; f < NR_POOL; f++)
		if (win_rw(f, "reset (a page-table type leaked)"))
			memset(window[f], 0, PAGE_SIZE);
}

/* Where we can read the table frame MFN: a window, or the bootstrap region. */
const uint64_t *table_va(unsigned long mfn)
{
	unsigned int f;
	unsigned long pfn;

	for (f = 0; f < NR_POOL; f++)
		if (pool_mfn[f] == mfn)
			return win(f);
	pfn = m2p[mfn];
	if (pfn >= start_info->nr_pages)
		return NULL;
	return (const uint64_t *)(VIRT_BASE + (pfn << PAGE_SHIFT));
}

/*
 * The level-LEVEL entry for VA in the builder's tables, and its machine
 * address; false if a higher level does not map VA.
 */
bool walk(unsigned long va, unsigned int level, uint64_t *ma,
		 uint64_t *entry)
{
	unsigned long mfn = boot_l4_mfn;
	unsigned int lvl, idx;
	const uint64_t *t;
	uint64_t e;

	for (lvl = 4;; lvl--) {
		t = table_va(mfn);
		if (!t)
			return false;
		idx = (va >> (PAGE_SHIFT + 9 * (lvl - 1))) & (PT_ENTRIES - 1);
		e = READ_ONCE(t[idx]);
		if (lvl == level) {
			if (ma)
				*ma = maddr(mfn, idx);
			if (entry)
				*entry = e;
			return true;
		}
		if (!(e & _PAGE_PRESENT))
			return false;
		mfn = pte_mfn(e);
	}
}

/* Machine address of the L1 entry that maps VA (one of our bss pages). */
uint64_t l1e_maddr(const void *va)
{
	uint64_t ma;

	if (!walk((unsigned long)va, 1, &ma, NULL))
		test_error("no L1 entry maps %p", va);
	return ma;
}

uint64_t l1e_read(const void *va)
{
	uint64_t e;

	if (!walk((unsigned long)va, 1, NULL, &e))
		test_error("no L1 entry maps %p", va);
	return e;
}

/* The entry must map MFN with (at least) FLAGS, and US forced on. */
void check_entry(const char *what, uint64_t e, unsigned long mfn,
			uint64_t flags)
{
	CHECK(pte_mfn(e) == mfn, "%s: entry %lx maps mfn %lx, expected %lx",
	      what, (unsigned long)e, pte_mfn(e), mfn);
	CHECK((e & flags) == flags, "%s: entry %lx lacks flags %lx", what,
	      (unsigned long)e, (unsigned long)flags);
	CHECK(e & _PAGE_USER,
	      "%s: entry %lx: US not forced on (64-bit PV kernels run in ring 3)",
	      what, (unsigned long)e);
}

/* VA must read as WANT. */
void expect_read(const char *what, const void *va, uint64_t want)
{
	uint64_t v;

	if (!try_read((unsigned long)va, &v))
		test_fail("%s: reading %p faulted (vector %u, error 0x%lx)",
			  what, va, last_trap.vector,
			  (unsigned long)last_trap.error_code);
	else if (v != want)
		test_fail("%s: %p reads %lx, expected %lx", what, va,
			  (unsigned long)v, (unsigned long)want);
}

/* Reading (or writing) VA must raise #PF with error code EC and CR2 = VA. */
void expect_pf(const char *what, const void *va, bool write,
		      uint64_t ec)
{
	unsigned long a = (unsigned long)va;
	uint64_t v;
	bool ok = write ? try_write(a, 0x5a5a) : try_read(a, &v);

	if (ok) {
		test_fail("%s: %s %p did not fault", what,
			  write ? "writing" : "reading", va);
		return;
	}
	if (last_trap.vector != X86_EXC_PF) {
		test_fail("%s: vector %u, expected #PF", what, last_trap.vector);
		return;
	}
	CHECK(last_trap.error_code == ec, "%s: #PF error code 0x%lx, expected 0x%lx",
	      what, (unsigned long)last_trap.error_code, (unsigned long)ec);
	CHECK(last_trap.cr2 == a, "%s: CR2 %lx, expected %lx", what,
	      (unsigned long)last_trap.cr2, a);
}

/*
 * Fill F_L4 -> F_L3 -> F_L2 -> F_L1 -> F_DATA (at TEST_VA), with the
 * builder's guest slots (the kernel's 511) copied into F_L4 and garbage in
 * one hypervisor slot; then make the four tables read-only. Pins nothing.
 */
bool tree_build(void)
{
	unsigned int i;

	for (i = 0; i < PT_ENTRIES; i++)
		if (i < HV_SLOT_FIRST || i > HV_SLOT_LAST)
			win(F_L4)[i] = boot_l4[i];
	win(F_L4)[TEST_L4_SLOT] = pte(pool_mfn[F_L3], PTE_TABLE);
	win(F_L4)[GARBAGE_SLOT] = GARBAGE;
	win(F_L3)[0] = pte(pool_mfn[F_L2], PTE_TABLE);
	win(F_L2)[0] = pte(pool_mfn[F_L1], PTE_TABLE);
	win(F_L1)[TEST_L1_IDX] = pte(pool_mfn[F_DATA], PTE_DATA_RW);
	for (i = 0; i < PT_ENTRIES; i++)
		win(F_DATA)[i] = pattern(F_DATA, i);
	return win_ro(F_L1) && win_ro(F_L2) && win_ro(F_L3) && win_ro(F_L4);
}

/* After the L4 validated: garbage overwritten, hypervisor slots present. */
void check_hv_slots(const char *what, const uint64_t *l4)
{
	unsigned int i, present = 0;

	for (i = HV_SLOT_FIRST; i <= HV_SLOT_LAST; i++)
		present += !!(l4[i] & _PAGE_PRESENT);
	CHECK(l4[GARBAGE_SLOT] != GARBAGE,
	      "%s: the guest's value in slot %u survived validation", what,
	      GARBAGE_SLOT);
	CHECK(l4[HV_IMAGE_SLOT] == boot_l4[HV_IMAGE_SLOT],
	      "%s: slot %u is %lx, the builder's L4 has %lx", what,
	      HV_IMAGE_SLOT, (unsigned long)l4[HV_IMAGE_SLOT],
	      (unsigned long)boot_l4[HV_IMAGE_SLOT]);
	CHECK(present, "%s: no hypervisor slot (256-271) filled in", what);
}

void mmu_setup(start_info_t *si)
{
	unsigned long i, pfn;
	uint64_t e;
	unsigned int f;
	long rc;

	ref_xen = cmdline_has("ref=xen");
	rc = traps_install();
	if (rc)
		test_error("set_trap_table: rc %ld %s", rc, errno_name(rc));
	if (!map_shared_info(&rc))
		test_error("mapping shared_info: rc %ld %s", rc, errno_name(rc));
	p2m = (const unsigned long *)si->mfn_list;
	boot_l4 = (const uint64_t *)si->pt_base;
	boot_l4_mfn = virt_to_mfn(boot_l4);
	rc = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
	if (rc <= 0)
		test_error("XENMEM_maximum_ram_page: rc %ld %s", rc,
			   errno_name(rc));
	ram_page = rc;
	for (i = 0; i < si->nr_pages; i++)
		if (p2m[i] > max_guest_mfn)
			max_guest_mfn = p2m[i];
	beyond_mfn = (ram_page > max_guest_mfn ? ram_page : max_guest_mfn) +
		     0x100;
	e = boot_l4[HV_IMAGE_SLOT];
	if (!(e & _PAGE_PRESENT))
		test_error("L4 slot %u (hypervisor image) not present",
			   HV_IMAGE_SLOT);
	hv_mfn = pte_mfn(e);
	for (i = 0; i < si->nr_pages; i++)
		if (p2m[i] == hv_mfn)
			test_error("L4 slot %u maps our own frame %lx",
				   HV_IMAGE_SLOT, hv_mfn);
	if (boot_l4[TEST_L4_SLOT])
		test_error("the builder's L4 uses slot %u", TEST_L4_SLOT);

	/* The top frames lie beyond the bootstrap region: nothing maps them. */
	for (f = 0, pfn = si->nr_pages - 1; f < NR_POOL; f++, pfn--) {
		if (walk(VIRT_BASE + (pfn << PAGE_SHIFT), 1, NULL, &e) &&
		    (e & _PAGE_PRESENT))
			test_error("pfn %lx is mapped: no free frames", pfn);
		pool_pfn[f] = pfn;
		pool_mfn[f] = p2m[pfn];
		rc = win_map(f, PTE_DATA_RW);
		if (rc)
			test_error("mapping pfn %lx at its window: rc %ld %s",
				   pfn, rc, errno_name(rc));
		memset(window[f], 0, PAGE_SIZE);
	}
	printk("builder L4 mfn %lx, pool mfns %lx..%lx, hypervisor frame %lx, maximum_ram_page %lx%s\n",
	       boot_l4_mfn, pool_mfn[0], pool_mfn[NR_POOL - 1], hv_mfn,
	       ram_page, ref_xen ? " (ref=xen)" : "");
}
