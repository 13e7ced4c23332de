// SPDX-License-Identifier: GPL-2.0-only
/*
 * memory_op: what a PV guest asks about its memory. A guest's own map is
 * one RAM range covering its pseudo-physical frames. dom0's "machine" map
 * is the host's, as on Xen: Linux as dom0 takes it for its e820, marks the
 * holes and reserved ranges identity-mapped (firmware, ACPI tables, the
 * BIOS area, device memory: I/O memory it may map, io-mem.c) and moves
 * its own frames out of them (pv-abi-core.md §7.1).
 *
 * Reservations: a PV guest names frames by MFN. It may give frames back
 * (decrease_reservation: only frames nothing references any more, which
 * page_disown() decides in one step with any other domain's new
 * reference, hv/page-type.h) and get
 * them (increase_reservation, populate_physmap), up to its maximum. Only
 * single frames (extent order 0) for now. XENMEM_exchange (contiguous
 * frames for DMA) is in memory-exchange.c.
 */
#include <hv/bootinfo.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <hv/sched.h>
#include <public/memory.h>
#include <asm/hypercall.h>
#include <asm/time.h>
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
	/* A NULL buffer asks only for the number of entries (public/memory.h). */
	if (!guest_handle_is_null(map.buffer)) {
		if (map.nr_entries < 1)
			return -EINVAL;
		if (copy_to_guest_raw(guest_handle_addr(map.buffer), &e, sizeof(e)))
			return -EFAULT;
	}
	map.nr_entries = 1;
	return copy_to_guest_raw(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

/* dom0's XENMEM_machine_memory_map: the host's memory map as e820 entries. */
static long put_machine_memory_map(unsigned long arg)
{
	struct xen_memory_map map;
	const struct mem_range *host;
	unsigned int nr = host_memory_map(&host);

	if (copy_from_guest_raw(&map, arg, sizeof(map)))
		return -EFAULT;
	if (!guest_handle_is_null(map.buffer)) {
		/* Room for fewer than all: -EINVAL, as for room for none. */
		if (map.nr_entries < nr)
			return -EINVAL;
		for (unsigned int i = 0; i < nr; i++) {
			struct e820_entry e = { host[i].start, host[i].end - host[i].start,
						host[i].type };

			if (copy_to_guest_raw(guest_handle_addr(map.buffer) + i * sizeof(e),
					      &e, sizeof(e)))
				return -EFAULT;
		}
	}
	map.nr_entries = nr;
	return copy_to_guest_raw(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static struct domain *target_domain(struct domain *self, domid_t id)
{
	if (id == DOMID_SELF || id == self->domain_id)
		return self;
	return self->is_privileged ? domain_lookup(id) : NULL;
}

/* Bound one call's work: a balloon driver asks for a few thousand at most. */
#define RESERVATION_MAX_EXTENTS	(1u << 20)
/*
 * A continued reservation op carries the extents done so far in the bits
 * of cmd above the command (our encoding, as the ABI leaves it to us).
 */
#define MEMOP_EXTENT_SHIFT	6
#define MEMOP_CMD_MASK		((1UL << MEMOP_EXTENT_SHIFT) - 1)

static long reservation_op(struct domain *d, unsigned long cmd, unsigned long start,
			   unsigned long arg)
{
	struct xen_memory_reservation r;
	struct domain *t;
	unsigned long done;
	bool preempted = false;

	/*
	 * As Xen: the result is a count of extents done, so an unreadable
	 * argument, or a start at or past the end, returns where it started.
	 */
	if (copy_from_guest_raw(&r, arg, sizeof(r)) || start >= r.nr_extents)
		return (long)start;
	if (r.extent_order != 0 || r.mem_flags)
		return -EINVAL;
	if (r.nr_extents > RESERVATION_MAX_EXTENTS)
		return -EINVAL;
	t = target_domain(d, r.domid);
	if (!t)
		return -ESRCH;
	if (t != d)
		return -EPERM;	/* building other domains comes with the toolstack */

	uint64_t t_lock = now_ns();
	spin_lock(&d->mm_lock);
	hypercall_slice_extend(t_lock);
	for (done = start; done < r.nr_extents; done++) {
		xen_pfn_t x;
		mfn_t mfn;

		if (done > start && hypercall_preempt_check()) {
			preempted = true;
			break;
		}
		if (copy_from_guest_offset(&x, r.extent_start, done, 1))
			break;
		if (cmd == XENMEM_decrease_reservation) {
			struct page_info *pg;

			if (x >= page_alloc_nr_frames() || !domain_owns_frame(d, x))
				break;
			pg = mfn_to_page(x);
			/*
			 * A frame still mapped or typed (by us, or by dom0 or a
			 * grant from another CPU) cannot go, as on Xen the call
			 * stops there; once disowned, nobody can map it any more.
			 */
			if (!page_disown(pg))
				break;
			if (m2p_get(x) < d->arch.nr_pfns && d->arch.p2m[m2p_get(x)] == x)
				d->arch.p2m[m2p_get(x)] = INVALID_MFN;
			m2p_set(x, M2P_INVALID);
			pg->owner = PAGE_OWNER_NONE;
			free_frames(x, 0);
			d->tot_pages--;
			continue;
		}
		/* increase_reservation and populate_physmap: one new frame. */
		if (d->tot_pages >= d->max_pages)
			break;
		if (cmd == XENMEM_populate_physmap && x >= d->arch.nr_pfns)
			break;	/* pfn outside the guest's pseudo-physical space */
		mfn = domain_alloc_frame(d);
		if (mfn == INVALID_MFN)
			break;
		if (cmd == XENMEM_populate_physmap) {
			m2p_set(mfn, x);
			d->arch.p2m[x] = mfn;
		}
		x = mfn;
		if (copy_to_guest_offset(r.extent_start, done, &x, 1)) {
			/* Cleaning up would be a mess; the frame stays the guest's. */
			done++;
			break;
		}
	}
	spin_unlock(&d->mm_lock);
	if (preempted)
		return hypercall_continue(cmd | (done << MEMOP_EXTENT_SHIFT), arg, 0, 0);
	return (long)done;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain, *t;
	unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;
	domid_t id;

	switch (cmd & MEMOP_CMD_MASK) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation_op(d, cmd & MEMOP_CMD_MASK, start, arg);
	}
	/* Only the reservation ops continue: other bits above are no command. */
	switch (cmd) {
	case XENMEM_exchange:
		return memory_exchange(d, arg);	/* memory-exchange.c */
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
		return put_machine_memory_map(arg);
	case XENMEM_maximum_ram_page:
		/* One past the highest RAM frame, as Xen 4.17 answers. */
		return (long)m2p_entries();
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
