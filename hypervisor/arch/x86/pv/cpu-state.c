// SPDX-License-Identifier: GPL-2.0-only
/*
 * Small CPU-state hypercalls: virtual CR0.TS, debug registers, segment
 * bases, VM assists and the virtual IOPL. Each validates its arguments
 * fully before changing anything.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/sched.h>
#include <public/physdev.h>
#include <asm/desc.h>
#include <asm/hypercall.h>
#include <asm/pirq.h>
#include <asm/processor.h>
#include <asm/pv.h>

/*
 * DR6/DR7 as the CPU has them in 64-bit mode (Intel SDM vol. 3, 18.2):
 * the upper halves are reserved (the CPU #GPs on a write there); DR6
 * keeps B0-3, BD, BS and BT, the rest reads as DR6_DEFAULT; DR7 bit 10 is
 * one and bits 11, 12, 14 and 15 are zero.
 */
#define DR6_GUEST_BITS		0xe00fUL
#define DR7_GD			(1UL << 13)
#define DR7_RESERVED_ONE	(1UL << 10)
#define DR7_RESERVED_ZERO	((1UL << 11) | (1UL << 12) | (1UL << 14) | (1UL << 15))
#define DR7_ANY_ENABLED		0xffUL

/* VM assists a 64-bit PV guest may turn on (public/xen.h VMASST_TYPE_*). */
#define PV_VM_ASSIST_VALID	((1UL << VMASST_TYPE_4gb_segments) | \
				 (1UL << VMASST_TYPE_4gb_segments_notify) | \
				 (1UL << VMASST_TYPE_writable_pagetables) | \
				 (1UL << VMASST_TYPE_pae_extended_cr3) | \
				 (1UL << VMASST_TYPE_architectural_iopl) | \
				 (1UL << VMASST_TYPE_runstate_update_flag) | \
				 (1UL << VMASST_TYPE_m2p_strict))

#define MAX_IOPL	3

/* A breakpoint may watch guest addresses only, never the hypervisor's. */
static bool guest_breakpoint_ok(unsigned long va)
{
	return is_canonical(va) && !(va >= HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END);
}

long do_fpu_taskswitch(unsigned long set)
{
	struct vcpu *v = current_vcpu();

	v->arch.vcr0_ts = !!set;
	write_cr0(set ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
	return 0;
}

unsigned int pv_debugreg_index(const struct vcpu *v, unsigned long reg)
{
	if (reg == 4 || reg == 5)
		return (v->arch.vcr4 & X86_CR4_DE) ? NR_DEBUGREGS : (unsigned int)reg + 2;
	return reg < NR_DEBUGREGS ? (unsigned int)reg : NR_DEBUGREGS;
}

/*
 * A DR7 the guest may have: no general detect (a mov to or from a debug
 * register would then #DB in our context switch), and no I/O breakpoint
 * while any is enabled. Those need CR4.DE, which stays clear in the real
 * CR4 (the encoding is undefined then), and would fire on our own port
 * I/O, the guest's emulated in/out included. Xen says -EPERM for both
 * (it emulates I/O breakpoints when the guest's CR4.DE is set; we do not).
 */
static long check_dr7(unsigned long value)
{
	if (value >> 32)
		return -EINVAL;
	if (value & DR7_GD)
		return -EPERM;
	if (value & DR7_ANY_ENABLED)
		for (unsigned int i = 0; i < NR_BREAKPOINTS; i++)
			if (DR7_RW(value, i) == DR7_RW_IO)
				return -EPERM;
	return 0;
}

long do_set_debugreg(unsigned long reg, unsigned long value)
{
	struct vcpu *v = current_vcpu();
	unsigned int r = pv_debugreg_index(v, reg);
	long rc;

	switch (r) {
	case 0: case 1: case 2: case 3:
		if (!guest_breakpoint_ok(value))
			return -EPERM;
		break;
	case 6:
		if (value >> 32)
			return -EINVAL;
		value = (value & DR6_GUEST_BITS) | DR6_DEFAULT;
		break;
	case 7:
		rc = check_dr7(value);
		if (rc)
			return rc;
		/* Enabled breakpoints must already hold guest addresses. */
		for (unsigned int i = 0; i < NR_BREAKPOINTS; i++)
			if (DR7_ENABLED(value, i) && !guest_breakpoint_ok(v->arch.debugreg[i]))
				return -EPERM;
		value = (value & ~DR7_RESERVED_ZERO) | DR7_RESERVED_ONE;
		break;
	default:
		return -ENODEV;
	}
	v->arch.debugreg[r] = value;
	/* DR6 stays virtual; the others go into the CPU while the guest runs. */
	if (r != 6)
		pv_load_debugregs(v);
	return 0;
}

long do_get_debugreg(unsigned long reg)
{
	unsigned int r = pv_debugreg_index(current_vcpu(), reg);

	if (r >= NR_DEBUGREGS)
		return -ENODEV;
	return (long)current_vcpu()->arch.debugreg[r];
}

long do_set_segment_base(unsigned long which, unsigned long base)
{
	struct vcpu *v = current_vcpu();

	switch (which) {
	case SEGBASE_FS:
		if (!is_canonical(base))
			return -EINVAL;
		wrmsr(MSR_FS_BASE, base);
		return 0;
	case SEGBASE_GS_USER:
		if (!is_canonical(base))
			return -EINVAL;
		if (v->arch.in_kernel)
			v->arch.gs_base_user = base;
		else
			wrmsr(MSR_GS_BASE, base);
		return 0;
	case SEGBASE_GS_KERNEL:
		if (!is_canonical(base))
			return -EINVAL;
		if (v->arch.in_kernel)
			wrmsr(MSR_GS_BASE, base);
		else
			v->arch.gs_base_kernel = base;
		return 0;
	case SEGBASE_GS_USER_SEL:
		/*
		 * Loading a selector loads its base: with the flat or null
		 * selectors guests use in 64-bit mode that is 0. We do not
		 * load guest data selectors, so record the resulting base.
		 */
		if (v->arch.in_kernel)
			v->arch.gs_base_user = 0;
		else
			wrmsr(MSR_GS_BASE, 0);
		return 0;
	default:
		return -EINVAL;
	}
}

long do_vm_assist(unsigned long cmd, unsigned long type)
{
	struct vcpu *v = current_vcpu();
	struct domain *d = v->domain;

	if (type >= sizeof(unsigned long) * 8 || !(PV_VM_ASSIST_VALID & (1UL << type)))
		return -EINVAL;
	switch (cmd) {
	case VMASST_CMD_enable:
		__atomic_or_fetch(&d->arch.vm_assist, 1UL << type, __ATOMIC_SEQ_CST);
		return 0;
	case VMASST_CMD_disable:
		__atomic_and_fetch(&d->arch.vm_assist, ~(1UL << type), __ATOMIC_SEQ_CST);
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_physdev_op(unsigned long cmd, unsigned long arg)
{
	struct vcpu *v = current_vcpu();

	switch (cmd) {
	case PHYSDEVOP_set_iopl: {
		struct physdev_set_iopl s;

		if (copy_from_guest_raw(&s, arg, sizeof(s)))
			return -EFAULT;
		if (s.iopl > MAX_IOPL)
			return -EINVAL;
		v->arch.iopl = s.iopl;
		return 0;
	}
	case PHYSDEVOP_pci_device_add:
	case PHYSDEVOP_pci_device_remove:
		return physdev_pci_op(cmd, arg);
	case PHYSDEVOP_map_pirq:
	case PHYSDEVOP_unmap_pirq:
	case PHYSDEVOP_setup_gsi:
	case PHYSDEVOP_irq_status_query:
	case PHYSDEVOP_eoi:
	case PHYSDEVOP_alloc_irq_vector:
	case PHYSDEVOP_apic_read:
		return pirq_physdev_op(cmd, arg);
	default:
		/* Device-related physdev ops come with device passthrough. */
		return -ENOSYS;
	}
}
