// SPDX-License-Identifier: GPL-2.0-only
/* dom0's side of Ward's control interface, shared by the guests that build domUs. */
#include "ward-ctl.h"

long ctl_call(struct ward_ctl *c)
{
	return hypercall1(WARD_HYPERCALL_ctl, c);
}

void ctl_init(struct ward_ctl *c, uint32_t cmd, uint32_t domid)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->version = WARD_CTL_VERSION;
	c->domid = domid;
}

unsigned long free_pages_now(void)
{
	struct ward_ctl c;

	ctl_init(&c, WARD_CTL_physinfo, 0);
	return ctl_call(&c) ? 0 : c.u.physinfo.free_pages;
}

void clear_port(evtchn_port_t p)
{
	__atomic_fetch_and(&shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
			   __ATOMIC_SEQ_CST);
}

bool poll_port(evtchn_port_t p)
{
	const volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
	uint64_t deadline = pvclock_ns(t) + EVENT_WAIT_NS;

	for (;;) {
		struct sched_poll sp = { .nr_ports = 1 };
		uint64_t now = pvclock_ns(t);

		if (shared_info->evtchn_pending[p / 64] & (1UL << (p % 64))) {
			clear_port(p);
			return true;
		}
		if (now >= deadline)
			return false;
		set_xen_guest_handle(sp.ports, &p);
		sp.timeout = now + POLL_SLICE_NS;	/* absolute system time */
		HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
	}
}

void ctl_dom0_setup(unsigned int min_cpus)
{
	struct ward_ctl c;
	long rc;

	if (cmdline_has("ref=xen"))
		test_skip("needs Ward's control interface: Xen has none");
	ctl_init(&c, WARD_CTL_physinfo, 0);
	if (ctl_call(&c) || c.u.physinfo.nr_cpus < min_cpus)
		test_skip("needs %u CPUs", min_cpus);
	if (!start_info->mod_start || !start_info->mod_len)
		test_error("no initrd: boot this guest with a copy of itself as its module");
	if (!map_shared_info(&rc))
		test_error("mapping shared_info: %ld", rc);
}

void *child_setup(const start_info_t *si)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
	long rc;

	if (!map_shared_info(&rc)) {
		printk("child: FAILED: mapping shared_info: %ld\n", rc);
		guest_shutdown(SHUTDOWN_reboot);
	}
	return (void *)(VIRT_BASE + (m2p[si->store_mfn] << PAGE_SHIFT));
}

uint64_t clock_ns(void)
{
	return pvclock_ns(&shared_info->vcpu_info[0].time);
}

void sleep_ns(uint64_t ns)
{
	struct sched_poll sp = { .nr_ports = 0, .timeout = clock_ns() + ns };

	set_xen_guest_handle(sp.ports, NULL);
	HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
}

uint32_t ctl_create_self(const char *cmdline, uint64_t mem_kb, unsigned int vcpus,
			 struct ward_ctl *c)
{
	long rc;

	ctl_init(c, WARD_CTL_create, 0);
	c->u.create.mem_kb = mem_kb;
	c->u.create.kernel = start_info->mod_start;
	c->u.create.kernel_len = start_info->mod_len;
	c->u.create.cmdline = (uint64_t)(unsigned long)cmdline;
	c->u.create.vcpus = vcpus;
	rc = ctl_call(c);
	if (rc) {
		test_fail("WARD_CTL_create '%s': rc %ld %s", cmdline, rc, errno_name(rc));
		return 0;
	}
	return c->domid;
}

bool ctl_listed(uint32_t domid)
{
	struct ward_dominfo info;
	struct ward_ctl c;

	ctl_init(&c, WARD_CTL_list, domid);
	c.u.list.buf = (uint64_t)(unsigned long)&info;
	c.u.list.max = 1;
	if (ctl_call(&c))
		test_abort("WARD_CTL_list failed");
	return c.u.list.nr == 1 && info.domid == domid;
}

#define PTE_MAP_RO	(_PAGE_PRESENT | _PAGE_ACCESSED)

long map_foreign(void *slot, uint64_t mfn, domid_t domid, bool rw)
{
	uint64_t pte = (mfn << PAGE_SHIFT) | PTE_MAP_RO | (rw ? _PAGE_RW | _PAGE_DIRTY : 0);

	return HYPERVISOR_update_va_mapping_otherdomain((unsigned long)slot, pte,
							UVMF_INVLPG | UVMF_LOCAL, domid);
}

void unmap_foreign(void *slot)
{
	uint64_t pte = ((uint64_t)virt_to_mfn(slot) << PAGE_SHIFT) | PTE_MAP_RO | _PAGE_RW |
		       _PAGE_DIRTY;

	if (HYPERVISOR_update_va_mapping((unsigned long)slot, pte, UVMF_INVLPG | UVMF_LOCAL))
		test_abort("cannot map our own page back at %p", slot);
}
