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

static void release_shadows(struct vcpu *v)
{
	for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++) {
		free_pages(v->arch.gdt_shadow[i], 0);
		v->arch.gdt_shadow[i] = NULL;
		v->arch.gdt_frames[i] = 0;
	}
	v->arch.gdt_ents = 0;
}

long pv_set_gdt(struct vcpu *v, const xen_ulong_t *frames, unsigned long entries)
{
	void *shadow[GDT_GUEST_PAGES] = { NULL };
	unsigned int nr;
	long rc = -EINVAL;

	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -EINVAL;
	nr = DIV_ROUND_UP(entries, DESCS_PER_PAGE);

	/* Decode and validate everything before changing anything. */
	for (unsigned int i = 0; i < nr; i++) {
		const uint64_t *src;
		uint64_t *dst;

		if (!domain_owns_frame(v->domain, frames[i]))
			goto fail;
		shadow[i] = alloc_pages(0);
		if (!shadow[i]) {
			rc = -ENOMEM;
			goto fail;
		}
		src = mfn_to_virt(frames[i]);
		dst = shadow[i];
		/* All 512 entries are checked: the CPU can reach them all. */
		for (unsigned int e = 0; e < DESCS_PER_PAGE; e++)
			if (!check_descriptor(READ_ONCE(src[e]), &dst[e]))
				goto fail;
	}

	release_shadows(v);
	for (unsigned int i = 0; i < nr; i++) {
		v->arch.gdt_frames[i] = frames[i];
		v->arch.gdt_shadow[i] = shadow[i];
	}
	v->arch.gdt_ents = (unsigned int)entries;
	/* Another vCPU's GDT is loaded when it next runs. */
	if (v == current_vcpu()) {
		mfn_t mfns[GDT_GUEST_PAGES];

		for (unsigned int i = 0; i < nr; i++)
			mfns[i] = virt_to_mfn(shadow[i]);
		desc_load_guest_gdt(mfns, nr);
	}
	return 0;
fail:
	for (unsigned int i = 0; i < nr; i++)
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

long do_update_descriptor(unsigned long maddr, unsigned long desc)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;
	mfn_t mfn = maddr >> PAGE_SHIFT;
	unsigned int idx = (maddr & ~PAGE_MASK) / 8;
	uint64_t checked;

	if (maddr & 7)
		return -EINVAL;
	if (!domain_owns_frame(d, mfn))
		return -EINVAL;
	if (!check_descriptor(desc, &checked))
		return -EINVAL;
	((uint64_t *)mfn_to_virt(mfn))[idx] = desc;
	/* Keep every vCPU's shadow of this frame in step. */
	for (unsigned int i = 0; i < d->max_vcpus; i++) {
		struct vcpu *w = d->vcpu[i];

		for (unsigned int p = 0; p < GDT_GUEST_PAGES; p++)
			if (w->arch.gdt_shadow[p] && w->arch.gdt_frames[p] == mfn)
				((uint64_t *)w->arch.gdt_shadow[p])[idx] = checked;
	}
	return 0;
}
