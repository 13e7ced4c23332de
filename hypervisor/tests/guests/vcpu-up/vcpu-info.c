// SPDX-License-Identifier: GPL-2.0-only
/*
 * VCPUOP_register_vcpu_info (10): vCPU 1's vcpu_info moves out of
 * shared_info into a page of ours, which the hypervisor then writes
 * (event bits, CR2, the time) for as long as the domain lives. So the
 * page must stay plain writable memory: it maps writable as before, and
 * it can never be pinned as a page table (a pending bit would be a PTE
 * bit). Values checked on Xen 4.17. vCPU 1 is down when this runs.
 */
#include "vcpu-up.h"
#include <xen/vcpu.h>

#define VI_OFFSET	128
#define HV_IMAGE_SLOT	261	/* an L4 slot of the hypervisor's: its frame is not ours */

static uint8_t vi_page[PAGE_SIZE] __page_aligned;
static uint8_t table_page[PAGE_SIZE] __page_aligned;

static long register_info(unsigned int vcpu, unsigned long mfn, uint32_t offset)
{
	struct vcpu_register_vcpu_info r = { .mfn = mfn, .offset = offset };

	return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &r);
}

/* Map our page @page writable or read-only (its own frame). */
static long remap(void *page, bool writable)
{
	uint64_t e = pte_for(page);

	if (!writable)
		e &= ~(uint64_t)(_PAGE_RW | _PAGE_DIRTY);
	return HYPERVISOR_update_va_mapping((unsigned long)page, e, UVMF_INVLPG | UVMF_ALL);
}

static long mmuext(unsigned int cmd, unsigned long mfn)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Refusals: vCPU 1's vcpu_info stays where it is. */
static void refusals(void)
{
	const uint64_t *l4 = (const uint64_t *)start_info->pt_base;
	unsigned long mfn = virt_to_mfn(vi_page), table = virt_to_mfn(table_page);
	unsigned long hv_mfn = (l4[HV_IMAGE_SLOT] & PTE_ADDR_MASK) >> PAGE_SHIFT;

	check_rc("vCPU 2", register_info(2, mfn, 0), -XEN_ENOENT);
	check_rc("an unmapped argument",
		 HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
	check_rc("an offset past the page",
		 register_info(1, mfn, PAGE_SIZE - sizeof(struct vcpu_info) + 8),
		 -XEN_ENXIO);
	check_rc("a hypervisor frame", register_info(1, hv_mfn, 0), -XEN_EINVAL);
	if (!ref_xen)
		check_rc("an offset not 8-aligned", register_info(1, mfn, 4), -XEN_EINVAL);
	/* A page table cannot hold a vcpu_info. */
	if (remap(table_page, false) || mmuext(MMUEXT_PIN_L1_TABLE, table)) {
		test_fail("cannot make a page of ours an L1");
		return;
	}
	check_rc("a pinned L1", register_info(1, table, 0), -XEN_EINVAL);
	if (mmuext(MMUEXT_UNPIN_TABLE, table) || remap(table_page, true))
		test_abort("cannot make the L1 plain memory again");
}

void test_vcpu_info_frame(void)
{
	volatile struct vcpu_info *vi = (void *)(vi_page + VI_OFFSET);
	unsigned long mfn = virt_to_mfn(vi_page);
	struct evtchn_bind_ipi bind = { .vcpu = 1 };
	evtchn_port_t port;

	refusals();
	if (!check_rc("register_vcpu_info(1)", register_info(1, mfn, VI_OFFSET), 0))
		return;
	/* Anything pending on the move stays visible in the new place. */
	CHECK(vi->evtchn_upcall_pending, "the moved vcpu_info has no upcall pending");
	check_rc("register it again", register_info(1, mfn, VI_OFFSET), -XEN_EINVAL);

	/* The page stays plain memory while it holds a vcpu_info. */
	if (!check_rc("map it read-only", remap(vi_page, false), 0))
		return;
	check_rc("pin it as L1", mmuext(MMUEXT_PIN_L1_TABLE, mfn), -XEN_EINVAL);
	check_rc("pin it as L4", mmuext(MMUEXT_PIN_L4_TABLE, mfn), -XEN_EINVAL);
	if (!check_rc("map it writable again", remap(vi_page, true), 0))
		test_abort("the vcpu_info page stays read-only");

	/* The hypervisor writes there: an event for vCPU 1 is flagged in it. */
	if (!check_rc("bind_ipi(vcpu 1)", HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bind), 0))
		return;
	port = bind.port;
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	check_rc("send to vCPU 1",
		 HYPERVISOR_event_channel_op(EVTCHNOP_send, &(struct evtchn_send){ port }), 0);
	CHECK(vi->evtchn_upcall_pending, "the event did not set upcall_pending there");
	CHECK(vi->evtchn_pending_sel & (1UL << (port / 64)),
	      "the event did not set pending_sel bit %u there (sel %lx)", port / 64,
	      (unsigned long)vi->evtchn_pending_sel);
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &(struct evtchn_close){ port });
}
