// SPDX-License-Identifier: GPL-2.0-only
/*
 * platform_op (7) as dom0 Linux uses it at boot: XENPF_get_cpuinfo and
 * XENPF_get_cpu_version, every error path (bad pointers, a wrong
 * interface version, unknown sub-ops; CPU numbers past the last are
 * answered as not present, not refused), and
 * PHYSDEVOP_pci_device_add/remove, which Linux calls for every PCI
 * device it finds, and the machine-check hypercall's XEN_MC_physcpuinfo
 * (drivers/xen/mcelog.c). Each CPU query is checked against what the guest can
 * see itself (CPUID vendor, family, model, stepping).
 */
#include "lib.h"
#include <xen/platform.h>
#include <xen/arch-x86/xen-mca.h>

const char test_title[] = "platform-op: physical CPU queries and PCI device reports";

static bool ref_xen;

/* Xen's and Ward's NR_CPUS are larger than any CPU number tested here. */
#define CPU_BEYOND_ANY		0x7fffffffu
#define PCI_DEV_FLAGS_UNKNOWN	0x8u

static long platform_op(struct xen_platform_op *op)
{
	return hypercall1(__HYPERVISOR_platform_op, op);
}

static struct xen_platform_op cpu_op(uint32_t cmd, uint32_t cpu)
{
	struct xen_platform_op op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.interface_version = XENPF_INTERFACE_VERSION;
	op.u.pcpu_info.xen_cpuid = cpu;	/* first field of both structs */
	return op;
}

static void test_cpuinfo(void)
{
	struct xen_platform_op op = cpu_op(XENPF_get_cpuinfo, 0);
	uint32_t max;

	op.u.pcpu_info.flags = 0xdead;
	if (!check_rc("get_cpuinfo(0)", platform_op(&op), 0))
		return;
	max = op.u.pcpu_info.max_present;
	printk("  cpu 0: apic %u acpi %u flags %x, max_present %u\n",
	       op.u.pcpu_info.apic_id, op.u.pcpu_info.acpi_id,
	       op.u.pcpu_info.flags, max);
	/* CPU 0 is the boot CPU: present and online. */
	CHECK(op.u.pcpu_info.flags == XEN_PCPU_FLAGS_ONLINE,
	      "cpu 0 flags %x, want ONLINE only", op.u.pcpu_info.flags);
	/* The test machine has two CPUs (-smp 2). */
	CHECK(max == 1, "max_present %u, want 1 (-smp 2)", max);
	for (uint32_t cpu = 1; cpu <= max; cpu++) {
		uint32_t apic0 = op.u.pcpu_info.apic_id;

		op = cpu_op(XENPF_get_cpuinfo, cpu);
		if (!check_rc("get_cpuinfo(1)", platform_op(&op), 0))
			return;
		CHECK(op.u.pcpu_info.flags == XEN_PCPU_FLAGS_ONLINE,
		      "cpu %u flags %x", cpu, op.u.pcpu_info.flags);
		CHECK(op.u.pcpu_info.apic_id != apic0,
		      "cpu %u has cpu 0's APIC id %u", cpu, apic0);
		CHECK(op.u.pcpu_info.max_present == max,
		      "max_present changed with the CPU asked about");
	}
	/* Just past the last: answered, marked not present. */
	op = cpu_op(XENPF_get_cpuinfo, max + 1);
	if (check_rc("get_cpuinfo(max_present + 1)", platform_op(&op), 0))
		CHECK(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID,
		      "cpu %u past max_present: flags %x, want INVALID",
		      max + 1, op.u.pcpu_info.flags);
	/* Far beyond any CPU: the same answer, not an error (Xen). */
	op = cpu_op(XENPF_get_cpuinfo, CPU_BEYOND_ANY);
	if (check_rc("get_cpuinfo(0x7fffffff)", platform_op(&op), 0))
		CHECK(op.u.pcpu_info.flags & XEN_PCPU_FLAGS_INVALID,
		      "cpu 0x7fffffff: flags %x, want INVALID", op.u.pcpu_info.flags);
}

static void test_cpu_version(void)
{
	struct xen_platform_op op = cpu_op(XENPF_get_cpu_version, 0);
	uint32_t a, b, c, d, fam, model;
	char vendor[12];

	if (!check_rc("get_cpu_version(0)", platform_op(&op), 0))
		return;
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(0), "2"(0));
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	CHECK(!memcmp(vendor, op.u.pcpu_version.vendor_id, sizeof(vendor)),
	      "vendor_id is not CPUID's vendor");
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(1), "2"(0));
	fam = (a >> 8) & 0xf;
	model = (a >> 4) & 0xf;
	if (fam == 0xf || fam == 6)
		model |= ((a >> 16) & 0xf) << 4;
	if (fam == 0xf)
		fam += (a >> 20) & 0xff;
	printk("  cpu 0: family %u model %u stepping %u\n",
	       op.u.pcpu_version.family, op.u.pcpu_version.model,
	       op.u.pcpu_version.stepping);
	CHECK(op.u.pcpu_version.family == fam && op.u.pcpu_version.model == model &&
	      op.u.pcpu_version.stepping == (a & 0xf),
	      "family/model/stepping %u/%u/%u, CPUID says %u/%u/%u",
	      op.u.pcpu_version.family, op.u.pcpu_version.model,
	      op.u.pcpu_version.stepping, fam, model, a & 0xf);
	CHECK(op.u.pcpu_version.max_present == 1, "max_present %u",
	      op.u.pcpu_version.max_present);
	op = cpu_op(XENPF_get_cpu_version, CPU_BEYOND_ANY);
	memset(op.u.pcpu_version.vendor_id, 'x', sizeof(op.u.pcpu_version.vendor_id));
	if (check_rc("get_cpu_version(0x7fffffff)", platform_op(&op), 0))
		CHECK(!op.u.pcpu_version.vendor_id[0] && !op.u.pcpu_version.family,
		      "cpu 0x7fffffff: vendor/family not cleared");
}

static void test_platform_errors(void)
{
	static void *const bad[] = { BAD_PTR_UNMAPPED, BAD_PTR_NONCANONICAL,
				     BAD_PTR_M2P, BAD_PTR_HYPERVISOR };
	struct xen_platform_op op = cpu_op(XENPF_get_cpuinfo, 0);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		check_rc("platform_op from a bad pointer",
			 hypercall1(__HYPERVISOR_platform_op, bad[i]), -XEN_EFAULT);
	op.interface_version = XENPF_INTERFACE_VERSION - 1;
	check_rc("interface version - 1", platform_op(&op), -XEN_EACCES);
	op.interface_version = XENPF_INTERFACE_VERSION + 1;
	check_rc("interface version + 1", platform_op(&op), -XEN_EACCES);
	/* Unknown sub-ops: Ward and Xen both refuse them. */
	op = cpu_op(0xffff, 0);
	check_rc("sub-op 0xffff", platform_op(&op), -XEN_ENOSYS);
	op = cpu_op(1000, 0);
	check_rc("sub-op 1000", platform_op(&op), -XEN_ENOSYS);
}

static void test_pci_device_reports(void)
{
	struct {
		struct physdev_pci_device_add add;
		uint32_t pxm;
	} a;

	memset(&a, 0, sizeof(a));
	a.add.devfn = 8;	/* 00:01.0, present on QEMU's i440FX */
	check_rc("pci_device_add 00:01.0",
		 HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &a), 0);
	a.add.flags = XEN_PCI_DEV_PXM;
	check_rc("pci_device_add with a PXM",
		 HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &a), 0);
	/* Unknown flag bits are ignored (Xen 4.17). */
	a.add.flags = PCI_DEV_FLAGS_UNKNOWN;
	check_rc("pci_device_add with an unknown flag",
		 HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, &a), 0);
	check_rc("pci_device_add from an unmapped pointer",
		 HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_add, BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
	check_rc("pci_device_remove from an unmapped pointer",
		 HYPERVISOR_physdev_op(PHYSDEVOP_pci_device_remove, BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
}

static long mca(struct xen_mc *mc)
{
	return hypercall1(__HYPERVISOR_mca, mc);
}

static struct xen_mc mc_op(uint32_t cmd)
{
	struct xen_mc mc;

	memset(&mc, 0, sizeof(mc));
	mc.cmd = cmd;
	mc.interface_version = XEN_MCA_INTERFACE_VERSION;
	return mc;
}

static void test_mca_physcpuinfo(void)
{
	static struct mcinfo_logical_cpu info[3];
	static void *const bad[] = { BAD_PTR_UNMAPPED, BAD_PTR_NONCANONICAL,
				     BAD_PTR_M2P, BAD_PTR_HYPERVISOR };
	struct xen_mc mc = mc_op(XEN_MC_physcpuinfo);
	struct xen_platform_op op;
	uint32_t b, c, d, a;
	char vendor[12];

	/* No buffer: the number of CPUs, as mcelog asks first. */
	if (!check_rc("XEN_MC_physcpuinfo count", mca(&mc), 0))
		return;
	CHECK(mc.u.mc_physcpuinfo.ncpus == 2, "ncpus %u, want 2 (-smp 2)",
	      mc.u.mc_physcpuinfo.ncpus);
	/* Room for 3: two written, each matching get_cpuinfo and CPUID. */
	memset(info, 0xee, sizeof(info));
	mc = mc_op(XEN_MC_physcpuinfo);
	mc.u.mc_physcpuinfo.ncpus = 3;
	set_xen_guest_handle(mc.u.mc_physcpuinfo.info, info);
	if (!check_rc("XEN_MC_physcpuinfo into room for 3", mca(&mc), 0))
		return;
	CHECK(mc.u.mc_physcpuinfo.ncpus == 2, "ncpus %u after filling, want 2",
	      mc.u.mc_physcpuinfo.ncpus);
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(0), "2"(0));
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	for (uint32_t cpu = 0; cpu < 2; cpu++) {
		op = cpu_op(XENPF_get_cpuinfo, cpu);
		if (!check_rc("get_cpuinfo", platform_op(&op), 0))
			return;
		printk("  mca cpu %u: apic %u family %u model %u\n",
		       info[cpu].mc_cpunr, info[cpu].mc_apicid, info[cpu].mc_family,
		       info[cpu].mc_model);
		CHECK(info[cpu].mc_cpunr == cpu, "entry %u: mc_cpunr %u", cpu,
		      info[cpu].mc_cpunr);
		CHECK(info[cpu].mc_apicid == op.u.pcpu_info.apic_id,
		      "entry %u: APIC id %u, get_cpuinfo says %u", cpu,
		      info[cpu].mc_apicid, op.u.pcpu_info.apic_id);
		CHECK(!memcmp(info[cpu].mc_vendorid, vendor, sizeof(vendor)),
		      "entry %u: vendor is not CPUID's", cpu);
		CHECK(info[cpu].mc_cpuid_level == (int32_t)a,
		      "entry %u: cpuid level %d, CPUID says %u", cpu,
		      info[cpu].mc_cpuid_level, a);
	}
	CHECK(info[2].mc_cpunr == 0xeeeeeeee, "a third entry was written");
	/*
	 * Room for 1: one written, ncpus says so. Xen 4.17.7 panics here
	 * (in xmem_pool_free, called from do_mca): not run with ref=xen.
	 */
	if (ref_xen)
		goto errors;
	memset(info, 0xee, sizeof(info));
	mc = mc_op(XEN_MC_physcpuinfo);
	mc.u.mc_physcpuinfo.ncpus = 1;
	set_xen_guest_handle(mc.u.mc_physcpuinfo.info, info);
	if (check_rc("XEN_MC_physcpuinfo into room for 1", mca(&mc), 0)) {
		CHECK(mc.u.mc_physcpuinfo.ncpus == 1, "ncpus %u, want 1",
		      mc.u.mc_physcpuinfo.ncpus);
		CHECK(info[1].mc_cpunr == 0xeeeeeeee, "a second entry was written");
	}
errors:
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		check_rc("mca from a bad pointer", hypercall1(__HYPERVISOR_mca, bad[i]),
			 -XEN_EFAULT);
		mc = mc_op(XEN_MC_physcpuinfo);
		mc.u.mc_physcpuinfo.ncpus = 2;
		set_xen_guest_handle(mc.u.mc_physcpuinfo.info, bad[i]);
		check_rc("physcpuinfo into a bad pointer", mca(&mc), -XEN_EFAULT);
	}
	mc = mc_op(XEN_MC_physcpuinfo);
	mc.interface_version = XEN_MCA_INTERFACE_VERSION + 1;
	check_rc("mca interface version + 1", mca(&mc), -XEN_EACCES);
	/* Unknown commands: -EINVAL (Xen), unlike platform_op's -ENOSYS. */
	mc = mc_op(1000);
	check_rc("mca command 1000", mca(&mc), -XEN_EINVAL);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "XENPF_get_cpuinfo", test_cpuinfo },
		{ "XENPF_get_cpu_version", test_cpu_version },
		{ "platform_op errors", test_platform_errors },
		{ "PHYSDEVOP_pci_device_add/remove", test_pci_device_reports },
		{ "mca XEN_MC_physcpuinfo", test_mca_physcpuinfo },
	};

	(void)si;
	ref_xen = cmdline_has("ref=xen");
	run_cases(cases, ARRAY_SIZE(cases));
}
