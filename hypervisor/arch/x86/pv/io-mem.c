// SPDX-License-Identifier: GPL-2.0-only
/*
 * I/O memory: the machine frames a privileged domain (dom0) may map in
 * its own page tables without owning them, as Xen lets dom0 map firmware
 * and device memory. Linux as dom0 needs this for the BIOS area and EBDA
 * (where it scans for the ACPI RSDP), the ACPI tables in reserved memory,
 * the VGA window and PCI BARs.
 *
 * The rule, from most to least specific:
 *  - only a privileged domain; domUs get no I/O memory;
 *  - never a frame the allocator manages (free or in use): domains' RAM
 *    and the hypervisor's heap go through ownership and references;
 *  - never host RAM above the first MiB that the allocator does not
 *    manage: that is the hypervisor's image, the frame table, the boot
 *    modules and the boot page tables;
 *  - the first MiB (BIOS data area, EBDA, VGA, option ROMs, BIOS) is I/O
 *    space, as on Xen, except that the AP trampoline page is never
 *    writable (the hypervisor copies code there to start CPUs);
 *  - everything else (reserved, ACPI and holes below the top of RAM, and
 *    any frame above it up to the CPU's physical address width) is I/O
 *    memory, read-only or writable, except the local APIC page, which the
 *    hypervisor programs (Linux never maps it: it uses a dummy page for
 *    its APIC fixmap). Beyond MAXPHYADDR an entry would have reserved
 *    bits set: refused, as on Xen.
 *
 * No reference or type is taken on an I/O frame: such a frame never
 * belongs to a domain, never enters the allocator after boot and so never
 * changes hands; pv_io_frame() tells mm.c which entries hold none.
 */
#include <hv/bootinfo.h>
#include <hv/domain.h>
#include <hv/mm.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/ioapic.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/pv.h>

#define LOW_MEM_END_MFN		PFN_DOWN(MiB(1))

static bool host_ram(mfn_t mfn)
{
	const struct mem_range *map;
	unsigned int nr = host_memory_map(&map);
	uint64_t pa = (uint64_t)mfn << PAGE_SHIFT;

	for (unsigned int i = 0; i < nr; i++)
		if (map[i].type == MEM_RAM && pa + PAGE_SIZE > map[i].start && pa < map[i].end)
			return true;
	return false;
}

static mfn_t lapic_mfn(void)
{
	const struct acpi_cpus *ac = acpi_get_cpus();

	return PFN_DOWN(ac->lapic_phys ? ac->lapic_phys : APIC_DEFAULT_PHYS);
}

bool pv_io_frame(mfn_t mfn)
{
	return mfn >= page_alloc_nr_frames() || mfn_to_page(mfn)->state == PGS_RESERVED;
}

bool pv_io_frame_ok(const struct domain *d, mfn_t mfn, bool writable)
{
	if (!d->is_privileged || !pv_io_frame(mfn))
		return false;
	if (cpu_phys_addr_bits < 64 && mfn >= (mfn_t)1 << (cpu_phys_addr_bits - PAGE_SHIFT))
		return false;
	if (mfn < LOW_MEM_END_MFN)
		return !(writable && mfn == PFN_DOWN(TRAMPOLINE_PHYS));
	if (host_ram(mfn))
		return false;
	return mfn != lapic_mfn() && mfn != PFN_DOWN(ioapic_phys());
}
