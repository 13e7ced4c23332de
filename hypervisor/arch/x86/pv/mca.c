// SPDX-License-Identifier: GPL-2.0-only
/*
 * The machine-check hypercall (__HYPERVISOR_mca, public/arch-x86/
 * xen-mca.h). Linux as dom0 (drivers/xen/mcelog.c) asks at boot for the
 * physical CPUs (XEN_MC_physcpuinfo), to label the machine-check records
 * it would later fetch, then binds VIRQ_MCA.
 *
 * Ward handles no machine checks yet: it never raises VIRQ_MCA and has no
 * telemetry to fetch. It answers XEN_MC_physcpuinfo, which describes the
 * machine and needs nothing else; the other commands public/arch-x86/
 * xen-mca.h defines are -ENOSYS, unknown ones -EINVAL (as Xen 4.17).
 *
 * Checks, as for platform_op: privileged caller (-EPERM), interface
 * version (-EACCES), command.
 */
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/sched.h>
#include <public/arch-x86/xen-mca.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/hypercall.h>
#include <asm/pcpu.h>
#include <asm/processor.h>

#define CPUID_VENDOR_LEAF	0
#define CPUID_SIGNATURE_LEAF	1
#define CPUID_EXT_LEAF		0x80000000
#define CPUID_EXT_FEATURES	0x80000001
#define CPUID_BRAND_FIRST	0x80000002
#define CPUID_BRAND_LAST	0x80000004
/* Linux's X86_VENDOR_* numbers: mcelog copies mc_vendor into its records. */
#define LINUX_VENDOR_INTEL	0
#define LINUX_VENDOR_AMD	2
#define LINUX_VENDOR_UNKNOWN	0xff


static void describe_cpu(uint32_t cpu, uint32_t apic_id, uint32_t ncpus,
			 struct mcinfo_logical_cpu *c)
{
	struct cpuid_regs r = cpuid(CPUID_VENDOR_LEAF);
	uint32_t max_ext = cpuid(CPUID_EXT_LEAF).eax;

	memset(c, 0, sizeof(*c));
	/* One package, one thread per core: all the topology Ward knows. */
	c->mc_cpunr = cpu;
	c->mc_coreid = (uint16_t)cpu;
	c->mc_apicid = apic_id;
	c->mc_ncores = c->mc_ncores_active = ncpus;
	c->mc_nthreads = 1;
	c->mc_cpuid_level = (int32_t)r.eax;
	memcpy(c->mc_vendorid, &r.ebx, 4);
	memcpy(c->mc_vendorid + 4, &r.edx, 4);
	memcpy(c->mc_vendorid + 8, &r.ecx, 4);
	if (!memcmp(c->mc_vendorid, "GenuineIntel", 12))
		c->mc_vendor = LINUX_VENDOR_INTEL;
	else if (!memcmp(c->mc_vendorid, "AuthenticAMD", 12))
		c->mc_vendor = LINUX_VENDOR_AMD;
	else
		c->mc_vendor = LINUX_VENDOR_UNKNOWN;
	pcpu_signature(&c->mc_family, &c->mc_model, &c->mc_step);
	r = cpuid(CPUID_SIGNATURE_LEAF);
	c->mc_cpu_caps[MC_CAPS_STD_EDX] = r.edx;
	c->mc_cpu_caps[MC_CAPS_STD_ECX] = r.ecx;
	if (max_ext >= CPUID_EXT_FEATURES) {
		r = cpuid(CPUID_EXT_FEATURES);
		c->mc_cpu_caps[MC_CAPS_AMD_EDX] = r.edx;
		c->mc_cpu_caps[MC_CAPS_AMD_ECX] = r.ecx;
	}
	if (max_ext >= CPUID_BRAND_LAST)
		for (uint32_t l = CPUID_BRAND_FIRST; l <= CPUID_BRAND_LAST; l++) {
			r = cpuid(l);
			memcpy(c->mc_brandid + (l - CPUID_BRAND_FIRST) * 16, &r, 16);
		}
	c->mc_brandid[sizeof(c->mc_brandid) - 1] = '\0';
}

/*
 * With a NULL buffer only the count is returned; otherwise up to @ncpus
 * entries are written and @ncpus becomes the number written.
 */
static int physcpuinfo(struct xen_mc_physcpuinfo *p)
{
	uint32_t n = pcpu_max_present() + 1, apic_id;
	struct mcinfo_logical_cpu c;

	if (guest_handle_is_null(p->info)) {
		p->ncpus = n;
		return 0;
	}
	n = min(n, p->ncpus);
	for (uint32_t cpu = 0; cpu < n; cpu++) {
		if (!arch_cpu_apic_id(cpu, &apic_id))
			return -EINVAL;	/* CPUs are numbered densely: never */
		describe_cpu(cpu, apic_id, pcpu_max_present() + 1, &c);
		if (copy_to_guest_raw(guest_handle_addr(p->info) + cpu * sizeof(c), &c,
				      sizeof(c)))
			return -EFAULT;
	}
	p->ncpus = n;
	return 0;
}

long do_mca(unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;
	struct xen_mc op;
	int rc;

	if (!d->is_privileged)
		return -EPERM;
	if (copy_from_guest_raw(&op, arg, sizeof(op)))
		return -EFAULT;
	if (op.interface_version != XEN_MCA_INTERFACE_VERSION)
		return -EACCES;
	switch (op.cmd) {
	case XEN_MC_physcpuinfo:
		rc = physcpuinfo(&op.u.mc_physcpuinfo);
		break;
	case XEN_MC_fetch:
	case XEN_MC_notifydomain:
	case XEN_MC_msrinject:
	case XEN_MC_mceinject:
	case XEN_MC_inject_v2:
		return -ENOSYS;	/* no machine-check handling yet */
	default:
		return -EINVAL;	/* an unknown command (Xen's value) */
	}
	if (rc)
		return rc;
	return copy_to_guest_raw(arg, &op, sizeof(op)) ? -EFAULT : 0;
}
