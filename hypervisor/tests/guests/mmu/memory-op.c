// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op (12): the queries a PV kernel makes about its memory
 * (pv-abi-core.md 4.7). Exact values where the ABI fixes them, plausibility
 * where the reference Xen and Ward legitimately differ (the memory maps).
 */
#include "mmu.h"

#define E820_RAM	1

/* One e820 entry as public/memory.h lays them out (20 bytes, packed). */
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

void test_machphys_mapping(void)
{
	struct xen_machphys_mapping m;
	unsigned long pfns[] = { 0, start_info->nr_pages / 2,
				 start_info->nr_pages - 1,
				 virt_to_pfn(test_title) };
	unsigned int i;
	long rc;

	memset(&m, 0xa5, sizeof(m));
	rc = HYPERVISOR_memory_op(XENMEM_machphys_mapping, &m);
	if (!check_rc("XENMEM_machphys_mapping", rc, 0))
		return;
	printk("  machphys_mapping: v_start %lx v_end %lx max_mfn %lx\n",
	       (unsigned long)m.v_start, (unsigned long)m.v_end,
	       (unsigned long)m.max_mfn);
	CHECK(m.v_start == MACH2PHYS_VIRT_START, "v_start %lx, expected %lx",
	      (unsigned long)m.v_start, (unsigned long)MACH2PHYS_VIRT_START);
	CHECK(m.v_end > m.v_start && m.v_end <= MACH2PHYS_VIRT_END,
	      "v_end %lx outside (v_start, MACH2PHYS_VIRT_END]",
	      (unsigned long)m.v_end);
	CHECK(m.max_mfn < (m.v_end - m.v_start) / sizeof(unsigned long),
	      "max_mfn %lx does not fit between v_start and v_end",
	      (unsigned long)m.max_mfn);
	CHECK(m.max_mfn >= max_guest_mfn, "max_mfn %lx below our mfn %lx",
	      (unsigned long)m.max_mfn, max_guest_mfn);
	/* The table at v_start is the inverse of our p2m. */
	for (i = 0; i < ARRAY_SIZE(pfns); i++)
		CHECK(m2p[p2m[pfns[i]]] == pfns[i],
		      "M2P[p2m[%lx] = %lx] is %lx", pfns[i], p2m[pfns[i]],
		      m2p[p2m[pfns[i]]]);
}

void test_reservations(void)
{
	unsigned long nr = start_info->nr_pages;
	domid_t self = DOMID_SELF, nobody = UNKNOWN_DOMID;
	long cur, max, gpfn;

	printk("  maximum_ram_page %lx, highest guest mfn %lx\n", ram_page,
	       max_guest_mfn);
	CHECK(ram_page >= max_guest_mfn,
	      "maximum_ram_page %lx below our mfn %lx", ram_page,
	      max_guest_mfn);
	cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
	max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
	gpfn = HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self);
	printk("  current_reservation %ld maximum_reservation %ld maximum_gpfn %ld (nr_pages %lu)\n",
	       cur, max, gpfn, nr);
	if (ref_xen)
		CHECK(cur > 0 && (unsigned long)cur >= nr - nr / 16 &&
		      (unsigned long)cur <= nr + nr / 16,
		      "current_reservation %ld implausible for %lu pages", cur,
		      nr);
	else
		CHECK(cur > 0 && (unsigned long)cur == nr,
		      "current_reservation %ld, expected nr_pages %lu", cur, nr);
	CHECK(max >= cur, "maximum_reservation %ld below current %ld", max,
	      cur);
	CHECK(gpfn >= 0, "maximum_gpfn: rc %ld %s", gpfn, errno_name(gpfn));
	if (!ref_xen)
		CHECK((unsigned long)gpfn == nr - 1,
		      "maximum_gpfn %ld, expected %lu", gpfn, nr - 1);
	check_rc("current_reservation of domain 0x7000",
		 HYPERVISOR_memory_op(XENMEM_current_reservation, &nobody),
		 -XEN_ESRCH);
}

/* Sane e820: entries non-empty, ascending, not overlapping, some RAM. */
static uint64_t e820_ram(const struct e820_entry *e, unsigned int n)
{
	uint64_t ram = 0;

	for (unsigned int i = 0; i < n; i++)
		if (e[i].type == E820_RAM)
			ram += e[i].size;
	return ram;
}

static bool check_e820(const char *what, const struct e820_entry *e,
		       unsigned int n)
{
	uint64_t ram = 0, end = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		printk("  %s[%u]: %lx-%lx type %u\n", what, i,
		       (unsigned long)e[i].addr,
		       (unsigned long)(e[i].addr + e[i].size), e[i].type);
		if (!e[i].size || e[i].addr < end) {
			test_fail("%s: entry %u empty or overlapping", what, i);
			return false;
		}
		end = e[i].addr + e[i].size;
		if (e[i].type == E820_RAM)
			ram += e[i].size;
	}
	CHECK(ram, "%s: no RAM", what);
	return true;
}

void test_memory_maps(void)
{
	static struct e820_entry e[64];
	struct xen_memory_map map;
	uint64_t size = (uint64_t)start_info->nr_pages << PAGE_SHIFT;
	long rc;

	memset(e, 0, sizeof(e));
	map.nr_entries = ARRAY_SIZE(e);
	set_xen_guest_handle(map.buffer, e);
	rc = HYPERVISOR_memory_op(XENMEM_memory_map, &map);
	if (ref_xen && rc == -XEN_ENOSYS) {
		printk("  memory_map: -ENOSYS (Xen gives a PV dom0 none)\n");
	} else if (check_rc("XENMEM_memory_map", rc, 0) &&
		   check_e820("memory_map", e, map.nr_entries) && !ref_xen) {
		CHECK(map.nr_entries == 1 && e[0].addr == 0 &&
		      e[0].size == size && e[0].type == E820_RAM,
		      "memory_map is not one RAM entry of nr_pages");
	}

	memset(e, 0, sizeof(e));
	map.nr_entries = ARRAY_SIZE(e);
	set_xen_guest_handle(map.buffer, e);
	rc = HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map);
	/* Xen and Ward: the host's map, so more RAM than dom0's own. */
	if (check_rc("XENMEM_machine_memory_map", rc, 0) &&
	    check_e820("machine_memory_map", e, map.nr_entries))
		CHECK(e820_ram(e, map.nr_entries) > size,
		      "machine_memory_map has no more RAM than dom0 (%lx)",
		      (unsigned long)e820_ram(e, map.nr_entries));

	/* public/memory.h: a NULL buffer asks for the number of entries. */
	map.nr_entries = 0;
	set_xen_guest_handle(map.buffer, NULL);
	rc = HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map);
	if (check_rc("machine_memory_map with a NULL buffer", rc, 0))
		CHECK(map.nr_entries >= 1,
		      "machine_memory_map with a NULL buffer: %u entries",
		      map.nr_entries);
	/* With a buffer, no room is -EINVAL. */
	map.nr_entries = 0;
	set_xen_guest_handle(map.buffer, e);
	check_rc("machine_memory_map with room for 0",
		 HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map),
		 -XEN_EINVAL);
}

void test_memory_op_errors(void)
{
	static const unsigned int cmds[] = {
		XENMEM_machphys_mapping, XENMEM_memory_map,
		XENMEM_machine_memory_map, XENMEM_current_reservation,
		XENMEM_maximum_reservation, XENMEM_maximum_gpfn,
	};
	struct xen_memory_map map;
	char what[80];
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		for (j = 0; j < ARRAY_SIZE(bad_ptrs); j++) {
			long rc = HYPERVISOR_memory_op(cmds[i], bad_ptrs[j]);

			snprintf(what, sizeof(what), "memory_op %u from %s",
				 cmds[i], bad_ptr_names[j]);
			/* Xen has no memory_map for a PV dom0 at all. */
			if (ref_xen && cmds[i] == XENMEM_memory_map &&
			    rc == -XEN_ENOSYS)
				continue;
			check_rc(what, rc, -XEN_EFAULT);
		}
	for (j = 0; j < ARRAY_SIZE(bad_ptrs); j++) {
		map.nr_entries = 64;	/* ample: a short buffer is -EINVAL */
		set_xen_guest_handle(map.buffer, bad_ptrs[j]);
		snprintf(what, sizeof(what), "machine_memory_map into %s",
			 bad_ptr_names[j]);
		check_rc(what, HYPERVISOR_memory_op(XENMEM_machine_memory_map,
						    &map), -XEN_EFAULT);
	}
	check_rc("memory_op cmd 40", HYPERVISOR_memory_op(40, NULL),
		 -XEN_ENOSYS);
	check_rc("memory_op cmd 63", HYPERVISOR_memory_op(63, NULL),
		 -XEN_ENOSYS);
}
