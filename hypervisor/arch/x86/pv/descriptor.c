// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest GDTs. The guest names its descriptor frames (set_gdt) and edits
 * entries (update_descriptor). Every descriptor is validated; what the
 * CPU loads is a hypervisor-owned shadow copy of the validated entries, so
 * a guest that still has a writable mapping of its frame cannot slip an
 * unchecked descriptor (a call gate into ring 0, a DPL-0 segment) past us.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <hv/sched.h>
#include <asm/desc.h>
#include <asm/hypercall.h>
#include <asm/page.h>
#include <asm/pv.h>

#define DESCS_PER_PAGE		(PAGE_SIZE / 8)
#define DESC_S			(1ULL << 44)	/* code/data (vs system) */
#define DESC_P			(1ULL << 47)
#define DESC_DPL_SHIFT		45
#define DESC_DPL_MASK		(3ULL << DESC_DPL_SHIFT)
#define DESC_TYPE_SHIFT		40
#define DESC_TYPE_MASK		(0xfULL << DESC_TYPE_SHIFT)
#define DESC_ACCESSED		(1ULL << 40)
#define DESC_CODE		(1ULL << 43)
#define DESC_CONFORMING		(1ULL << 42)
#define DESC_WRITABLE		(1ULL << 41)	/* data segments */
#define DESC_DB			(1ULL << 54)	/* 32-bit segment */

/*
 * Check one 8-byte descriptor and return the form we let the CPU see, or
 * false. Not-present and null entries are fine as they are; code and data
 * segments are forced to DPL 3 (guest kernels run in ring 3) and marked
 * accessed so the CPU never writes the shadow; conforming code, and every
 * system descriptor (TSS, LDT, gates), is refused. Call gates are refused
 * too: no 64-bit Linux uses them.
 *
 * So is a 16-bit stack segment: writable data with B clear, the only kind
 * SS takes. An iret to compatibility mode with such an SS loads only SP
 * and leaves the rest of RSP as our own RSP was at the iretq, for the
 * guest to read (the leak Linux's espfix64 closes natively; Linux refuses
 * 16-bit segments under Xen PV, which has none). Other 16-bit segments
 * (code, read-only data) cannot be SS and stay allowed.
 */
static bool check_descriptor(uint64_t in, uint64_t *out)
{
	if (!(in & DESC_P)) {
		*out = in;
		return true;
	}
	if (!(in & DESC_S))
		return false;
	if ((in & DESC_CODE) && (in & DESC_CONFORMING))
		return false;
	if (!(in & DESC_CODE) && (in & DESC_WRITABLE) && !(in & DESC_DB))
		return false;
	*out = in | DESC_DPL_MASK | DESC_ACCESSED;
	return true;
}

/* Check every entry of the guest frame @src into the shadow @dst. */
static bool shadow_frame(const uint64_t *src, uint64_t *dst)
{
	/* All 512 entries are checked: the CPU can reach them all. */
	for (unsigned int e = 0; e < DESCS_PER_PAGE; e++)
		if (!check_descriptor(READ_ONCE(src[e]), &dst[e]))
			return false;
	return true;
}

/*
 * Give @v the GDT in @frames. The swap of @v's frames and shadows happens
 * under the domain's mm_lock, as does every update_descriptor, which
 * writes into all vCPUs' shadows of a frame: so a writer never holds a
 * shadow we free. The old shadows are freed only after the swap, once
 * this CPU's GDT window maps the new ones. @v is the current vCPU,
 * or one that has never run (VCPUOP_initialise): no other CPU has its
 * GDT loaded. The frames are copied under the lock too: none can be
 * given back (decrease_reservation, exchange) meanwhile, and no
 * update_descriptor can land between the copy and the swap and be lost.
 * That holds the lock for up to 14 pages of checks, on a call Linux
 * makes once per CPU it brings up.
 */
long pv_set_gdt(struct vcpu *v, const xen_ulong_t *frames, unsigned long entries)
{
	struct domain *d = v->domain;
	void *shadow[GDT_GUEST_PAGES] = { NULL };
	mfn_t mfns[GDT_GUEST_PAGES];
	unsigned int nr;
	long rc = 0;

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	nr = DIV_ROUND_UP(entries, DESCS_PER_PAGE);
	for (unsigned int i = 0; i < nr; i++) {
		shadow[i] = alloc_pages(0);
		if (!shadow[i]) {
			rc = -ENOMEM;
			goto out;
		}
	}

	spin_lock(&d->mm_lock);
	/* Decode and validate everything before changing anything. */
	for (unsigned int i = 0; i < nr && !rc; i++)
		if (!domain_owns_frame(d, frames[i]) ||
		    !shadow_frame(mfn_to_virt(frames[i]), shadow[i]))
			rc = -EINVAL;
	for (unsigned int i = 0; i < GDT_GUEST_PAGES && !rc; i++) {
		void *old = v->arch.gdt_shadow[i];

		v->arch.gdt_shadow[i] = shadow[i];
		v->arch.gdt_frames[i] = i < nr ? frames[i] : 0;
		if (i < nr)
			mfns[i] = virt_to_mfn(shadow[i]);
		shadow[i] = old;	/* freed below */
	}
	if (!rc)
		v->arch.gdt_ents = (unsigned int)entries;
	spin_unlock(&d->mm_lock);
	/* Another vCPU's GDT is loaded when it next runs. */
	if (!rc && v == current_vcpu())
		desc_load_guest_gdt(mfns, nr);
out:
	for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++)
		free_pages(shadow[i], 0);
	return rc;
}

long do_set_gdt(unsigned long frame_list, unsigned long entries)
{
	XEN_GUEST_HANDLE(xen_ulong_t) h = guest_handle_from_ulong(xen_ulong_t, frame_list);
	xen_ulong_t frames[GDT_GUEST_PAGES];
	unsigned int nr;

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	nr = DIV_ROUND_UP(entries, DESCS_PER_PAGE);
	if (nr && copy_from_guest(frames, h, nr))
		return -EFAULT;
	return pv_set_gdt(current_vcpu(), frames, entries);
}

/*
 * The frame is the guest's memory, which we write on its behalf: it must
 * take a writable type use while we do, as a store through a writable
 * mapping would need. A validated page table refuses one, so this is no
 * way round the PV MMU (a "descriptor" with P clear is a PTE, an L4 slot).
 * Under mm_lock: the type cannot change, nor the frame go, nor any
 * vCPU's shadows be replaced (pv_set_gdt), meanwhile.
 */
long do_update_descriptor(unsigned long maddr, unsigned long desc)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	mfn_t mfn = maddr >> PAGE_SHIFT;
	unsigned int idx = (maddr & ~PAGE_MASK) / 8;
	struct page_info *pg;
	uint64_t checked;

	if (maddr & 7)
		return -EINVAL;
	if (!check_descriptor(desc, &checked))
		return -EINVAL;
	if (mfn >= page_alloc_nr_frames())
		return -EINVAL;
	pg = mfn_to_page(mfn);
	spin_lock(&d->mm_lock);
	if (!get_page_writable(pg, d->domain_id)) {
		spin_unlock(&d->mm_lock);
		return -EINVAL;	/* not ours, or a page table: as Xen 4.17 */
	}
	WRITE_ONCE(((uint64_t *)mfn_to_virt(mfn))[idx], checked);
	/* Keep every vCPU's shadow of this frame in step. */
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *w = d->vcpu[i];

		for (unsigned int p = 0; p < GDT_GUEST_PAGES; p++)
			if (w->arch.gdt_shadow[p] && w->arch.gdt_frames[p] == mfn)
				((uint64_t *)w->arch.gdt_shadow[p])[idx] = checked;
	}
	put_page_writable(pg);
	spin_unlock(&d->mm_lock);
	return 0;
}
