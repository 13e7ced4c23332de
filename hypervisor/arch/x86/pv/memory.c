// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op: what a PV guest asks about its memory. dom0 sees one RAM
 * range covering its pseudo-physical frames, both as its own map and as
 * the "machine" map: with no devices assigned it has no use for the host's
 * holes, and a hole-free map spares Linux the identity-mapping and frame
 * remapping it would do for them (pv-abi-core.md §7.1). Reservation
 * changes (balloon, populate, exchange) come with the memory follow-up.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/sched.h>
#include <public/memory.h>
#include <asm/hypercall.h>
#include <asm/m2p.h>

#define E820_RAM	1

/* One e820 entry as the ABI lays it out (20 bytes, packed). */
struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __packed;

static long put_memory_map(const struct domain *d, unsigned long arg)
{
	struct xen_memory_map map;
	struct e820_entry e = { 0, d->arch.nr_pfns << PAGE_SHIFT, E820_RAM };

	if (copy_from_guest_raw(&map, arg, sizeof(map)))
		return -EFAULT;
	if (map.nr_entries < 1)
		return -EINVAL;
	if (copy_to_guest_raw(guest_handle_addr(map.buffer), &e, sizeof(e)))
		return -EFAULT;
	map.nr_entries = 1;
	return copy_to_guest_raw(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static struct domain *target_domain(struct domain *self, domid_t id)
{
	if (id == DOMID_SELF || id == self->domain_id)
		return self;
	return self->is_privileged ? domain_lookup(id) : NULL;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain, *t;
	domid_t id;

	switch (cmd) {
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = {
			.v_start = MACH2PHYS_VIRT_START,
			.v_end = MACH2PHYS_VIRT_START + m2p_entries() * sizeof(unsigned long),
			.max_mfn = m2p_entries() - 1,
		};

		return copy_to_guest_raw(arg, &m, sizeof(m)) ? -EFAULT : 0;
	}
	case XENMEM_memory_map:
		return put_memory_map(d, arg);
	case XENMEM_machine_memory_map:
		if (!d->is_privileged)
			return -EPERM;
		return put_memory_map(d, arg);
	case XENMEM_maximum_ram_page:
		return (long)m2p_entries() - 1;
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		if (copy_from_guest_raw(&id, arg, sizeof(id)))
			return -EFAULT;
		t = target_domain(d, id);
		if (!t)
			return -ESRCH;
		if (cmd == XENMEM_current_reservation)
			return (long)t->tot_pages;
		if (cmd == XENMEM_maximum_reservation)
			return (long)t->max_pages;
		return (long)t->arch.nr_pfns - 1;
	default:
		return -ENOSYS;
	}
}
