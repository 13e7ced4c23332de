// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated CPU (pv-abi-core.md 3.7-3.11): forced-emulation CPUID and
 * its policy, MSRs, control registers, fpu_taskswitch (5),
 * set_segment_base (25), set_debugreg/get_debugreg (8/9), vm_assist (21)
 * and I/O-port access under PHYSDEVOP_set_iopl. Each result is checked by
 * what the guest can see afterwards (a %gs load, a #DB, a #NM, a #GP).
 *
 * Choices, as Xen 4.17 behaves: a debug address outside guest space is
 * -EPERM (the check is on DR0-3, not on DR7); get_debugreg of an invalid
 * register returns -EINVAL as its value.
 */
#include "lib.h"

const char test_title[] = "cpuid-priv: CPUID policy, MSRs, CRs and small CPU hypercalls";

struct regs4 {
	uint32_t a, b, c, d;
};

/* `ud2; "xen"; cpuid`; a #UD instead of the emulation is a failure. */
static struct regs4 xen_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct regs4 r = { 0 };

	trap_reset();
	asm volatile("1: ud2; .ascii \"xen\"; cpuid\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
		     : "0"(leaf), "2"(subleaf) : "memory");
	if (last_trap.count)
		test_fail("forced CPUID leaf 0x%x raised vector %u", leaf,
			  last_trap.vector);
	return r;
}

static void test_cpuid_xen_leaves(void)
{
	struct regs4 r = xen_cpuid(0x40000000, 0);
	long version = HYPERVISOR_xen_version(XENVER_version, NULL);

	CHECK(r.b == 0x566e6558 && r.c == 0x65584d4d && r.d == 0x4d4d566e,
	      "leaf 0x40000000: signature %08x %08x %08x, not XenVMMXenVMM",
	      r.b, r.c, r.d);
	CHECK(r.a >= 0x40000002, "leaf 0x40000000: max leaf 0x%x", r.a);
	r = xen_cpuid(0x40000001, 0);
	CHECK(r.a == (uint32_t)version,
	      "leaf 0x40000001: EAX 0x%x, XENVER_version 0x%lx", r.a, version);
	r = xen_cpuid(0x40000002, 0);
	CHECK(r.a >= 1 && r.b == 0x40000000,
	      "leaf 0x40000002: EAX %u hypercall pages, EBX MSR base 0x%x",
	      r.a, r.b);
}

static void test_cpuid_policy(void)
{
	static const struct {
		uint32_t leaf, reg, bit;	/* reg: 1 = ECX, 2 = EDX, 3 = EBX */
		const char *name;
	} hidden[] = {
		{ 1, 2, 1, "VME" }, { 1, 2, 3, "PSE" }, { 1, 2, 12, "MTRR" },
		{ 1, 2, 13, "PGE" }, { 1, 2, 17, "PSE36" },
		{ 1, 1, 3, "MONITOR" }, { 1, 1, 5, "VMX" }, { 1, 1, 6, "SMX" },
		{ 1, 1, 17, "PCID" }, { 1, 1, 21, "x2APIC" },
		{ 7, 3, 7, "SMEP" }, { 7, 3, 10, "INVPCID" },
		{ 7, 3, 20, "SMAP" }, { 7, 1, 2, "UMIP" },
	};
	struct regs4 l1 = xen_cpuid(1, 0), l7 = xen_cpuid(7, 0);
	size_t i;

	CHECK(l1.c & (1u << 31), "leaf 1: hypervisor bit clear (ECX %08x)",
	      l1.c);
	for (i = 0; i < ARRAY_SIZE(hidden); i++) {
		const struct regs4 *r = hidden[i].leaf == 1 ? &l1 : &l7;
		uint32_t v = hidden[i].reg == 1 ? r->c :
			     hidden[i].reg == 2 ? r->d : r->b;

		/* Xen shows MTRR to dom0; the Ward design hides it (3.9). */
		if (hidden[i].bit == 12 && hidden[i].reg == 2 &&
		    cmdline_has("ref=xen"))
			continue;
		CHECK(!(v & (1u << hidden[i].bit)),
		      "leaf %u shows %s to a PV guest", hidden[i].leaf,
		      hidden[i].name);
	}
	/* Machine checks are offered, as Xen's virtual MCE does (dom0 Linux's MCE core needs them). */
	CHECK((l1.d & (1u << 7)) && (l1.d & (1u << 14)), "leaf 1 hides MCE/MCA (EDX %08x)", l1.d);
}

#define MSR_IA32_MCG_CAP	0x179
#define MSR_IA32_MCG_STATUS	0x17a

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

static uint64_t gs_word = 0x6773776f7264;	/* read through %gs */
static uint64_t fs_word = 0x6673776f7264;	/* read through %fs */

static uint64_t read_gs0(void)
{
	uint64_t v;

	asm volatile("mov %%gs:0, %0" : "=r"(v) :: "memory");
	return v;
}

static uint64_t read_fs0(void)
{
	uint64_t v;

	asm volatile("mov %%fs:0, %0" : "=r"(v) :: "memory");
	return v;
}

static void test_msrs(void)
{
	uint64_t v;

	/* Linux's second instruction: the kernel GS base, before anything. */
	wrmsr(MSR_GS_BASE, (uint64_t)&gs_word);
	CHECK(rdmsr(MSR_GS_BASE) == (uint64_t)&gs_word,
	      "rdmsr(GS_BASE) %lx after wrmsr %p", rdmsr(MSR_GS_BASE),
	      (void *)&gs_word);
	CHECK(read_gs0() == gs_word, "%%gs:0 reads %lx after wrmsr(GS_BASE)",
	      read_gs0());
	wrmsr(MSR_FS_BASE, (uint64_t)&fs_word);
	CHECK(read_fs0() == fs_word, "%%fs:0 reads %lx after wrmsr(FS_BASE)",
	      read_fs0());
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_GS_BASE, 0);

	/* The machine-check globals read; Ward's bank count is 0 (Xen's vMCE has some). */
	if (!cmdline_has("ref=xen"))
		CHECK((rdmsr(MSR_IA32_MCG_CAP) & 0xff) == 0, "MCG_CAP %lx: banks on Ward",
		      rdmsr(MSR_IA32_MCG_CAP));
	CHECK(rdmsr(MSR_IA32_MCG_STATUS) == 0, "MCG_STATUS %lx", rdmsr(MSR_IA32_MCG_STATUS));
	wrmsr(MSR_IA32_MCG_STATUS, 0);

	/* An MSR nobody implements: #GP(0) at the instruction. */
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: rdmsr\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(v) : "c"(0xdead0000) : "rax", "rdx", "memory");
	check_trap("rdmsr 0xdead0000", X86_EXC_GP, v, 0);
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "xor %%eax, %%eax\n\t"
		     "xor %%edx, %%edx\n\t"
		     "1: wrmsr\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(v) : "c"(0xdead0000) : "rax", "rdx", "memory");
	check_trap("wrmsr 0xdead0000", X86_EXC_GP, v, 0);
}

static uint64_t read_cr0(void)
{
	uint64_t v;

	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static void test_control_registers(void)
{
	const uint64_t cr4_hidden = X86_CR4_PSE | X86_CR4_PGE | X86_CR4_VMXE |
				    X86_CR4_SMXE | X86_CR4_PCIDE |
				    X86_CR4_SMEP | X86_CR4_SMAP;
	uint64_t cr4, cr0;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	printk("  CR4 %lx CR0 %lx\n", cr4, read_cr0());
	CHECK(cr4 & X86_CR4_PAE, "CR4 %lx without PAE", cr4);
	CHECK(!(cr4 & cr4_hidden), "CR4 %lx shows %lx", cr4, cr4 & cr4_hidden);

	check_rc("fpu_taskswitch(1)", HYPERVISOR_fpu_taskswitch(1), 0);
	cr0 = read_cr0();
	CHECK((cr0 & (X86_CR0_PE | X86_CR0_PG)) == (X86_CR0_PE | X86_CR0_PG),
	      "CR0 %lx without PE/PG", cr0);
	CHECK(cr0 & X86_CR0_TS, "CR0 %lx: TS clear after fpu_taskswitch(1)",
	      cr0);
	/* With TS set, an x87 instruction raises #NM for the guest. */
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: fninit\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(cr4) :: "memory");
	check_trap("fninit with TS", X86_EXC_NM, cr4, NO_EC);

	check_rc("fpu_taskswitch(0)", HYPERVISOR_fpu_taskswitch(0), 0);
	CHECK(!(read_cr0() & X86_CR0_TS),
	      "CR0 %lx: TS set after fpu_taskswitch(0)", read_cr0());
	trap_reset();
	asm volatile("1: fninit\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b) ::: "memory");
	CHECK(!last_trap.count, "fninit without TS raised vector %u",
	      last_trap.vector);
}

static void test_segment_base(void)
{
	static uint64_t user_word;

	check_rc("set_segment_base(FS)",
		 HYPERVISOR_set_segment_base(SEGBASE_FS,
					     (unsigned long)&fs_word), 0);
	CHECK(read_fs0() == fs_word, "%%fs:0 reads %lx", read_fs0());
	check_rc("set_segment_base(GS_KERNEL)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
					     (unsigned long)&gs_word), 0);
	CHECK(read_gs0() == gs_word, "%%gs:0 reads %lx", read_gs0());
	/* The user base is inactive in kernel mode; MSR reads show it. */
	check_rc("set_segment_base(GS_USER)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_USER,
					     (unsigned long)&user_word), 0);
	CHECK(rdmsr(MSR_SHADOW_GS_BASE) == (uint64_t)&user_word,
	      "rdmsr(SHADOW_GS_BASE) %lx, expected the GS_USER base",
	      rdmsr(MSR_SHADOW_GS_BASE));
	CHECK(read_gs0() == gs_word, "GS_USER changed the active GS base");
	check_rc("set_segment_base(GS_USER_SEL, null)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
	CHECK(read_gs0() == gs_word, "GS_USER_SEL changed the kernel GS");

	check_rc("set_segment_base(FS, non-canonical)",
		 HYPERVISOR_set_segment_base(SEGBASE_FS, NONCANONICAL_ADDR),
		 -XEN_EINVAL);
	check_rc("set_segment_base(GS_KERNEL, non-canonical)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
					     NONCANONICAL_ADDR), -XEN_EINVAL);
	check_rc("set_segment_base(GS_USER, non-canonical)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_USER,
					     NONCANONICAL_ADDR), -XEN_EINVAL);
	CHECK(read_fs0() == fs_word && read_gs0() == gs_word,
	      "a refused set_segment_base changed a base");
	check_rc("set_segment_base(4)", HYPERVISOR_set_segment_base(4, 0),
		 -XEN_EINVAL);
	check_rc("set_segment_base(0xffff)",
		 HYPERVISOR_set_segment_base(0xffff, 0), -XEN_EINVAL);
	HYPERVISOR_set_segment_base(SEGBASE_FS, 0);
	HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0);
}

/* Execute the instruction at bp_target; a #DB there resumes after it. */
extern char bp_target[];
static __attribute__((noinline)) void run_bp_target(void)
{
	asm volatile("bp_target: nop\n\t"
		     "bp_after:\n\t"
		     _ASM_EXTABLE(bp_target, bp_after) ::: "memory");
}

static void test_debug_registers(void)
{
	unsigned long target = (unsigned long)bp_target;
	long dr7;
	int reg;

	for (reg = 0; reg < 4; reg++) {
		check_rc("set_debugreg(DRn, guest address)",
			 HYPERVISOR_set_debugreg(reg, target + reg), 0);
		CHECK(HYPERVISOR_get_debugreg(reg) == (long)(target + reg),
		      "get_debugreg(%d) %lx", reg,
		      HYPERVISOR_get_debugreg(reg));
		check_rc("set_debugreg(DRn, hypervisor address)",
			 HYPERVISOR_set_debugreg(reg, 0xffff830000000000), -XEN_EPERM);
		check_rc("set_debugreg(DRn, non-canonical)",
			 HYPERVISOR_set_debugreg(reg, NONCANONICAL_ADDR), -XEN_EPERM);
		HYPERVISOR_set_debugreg(reg, 0);
	}
	/*
	 * DR4/DR5: Xen aliases them to DR6/DR7, as the CPU does with CR4.DE
	 * clear; Linux never uses them. Accept that or a refusal, but an
	 * accepted write must be the DR6/DR7 write it stands for.
	 */
	for (reg = 4; reg < 6; reg++) {
		unsigned long v = HYPERVISOR_get_debugreg(reg + 2);
		long rc = HYPERVISOR_set_debugreg(reg, v);

		CHECK(rc == 0 || rc == -XEN_ENODEV || rc == -XEN_EINVAL,
		      "set_debugreg(%d): rc %ld %s", reg, rc, errno_name(rc));
		CHECK(rc || HYPERVISOR_get_debugreg(reg) == (long)v,
		      "DR%d reads %lx, DR%d %lx", reg,
		      HYPERVISOR_get_debugreg(reg), reg + 2, v);
	}
	/* Bad register numbers: Xen says -ENODEV, in both directions. */
	check_rc("set_debugreg(8)", HYPERVISOR_set_debugreg(8, 0), -XEN_ENODEV);
	check_rc("set_debugreg(-1)", HYPERVISOR_set_debugreg(-1, 0), -XEN_ENODEV);
	check_rc("get_debugreg(8)", HYPERVISOR_get_debugreg(8), -XEN_ENODEV);
	/* DR7: general detect cannot be given to a guest; reserved bits. */
	dr7 = HYPERVISOR_get_debugreg(7);
	check_rc("set_debugreg(7, GD)",
		 HYPERVISOR_set_debugreg(7, X86_DR7_MBS | X86_DR7_GD),
		 -XEN_EPERM);
	check_rc("set_debugreg(7, bit 32)",
		 HYPERVISOR_set_debugreg(7, X86_DR7_MBS | (1UL << 32)),
		 -XEN_EINVAL);
	CHECK(HYPERVISOR_get_debugreg(7) == dr7,
	      "DR7 %lx after refused writes, was %lx",
	      HYPERVISOR_get_debugreg(7), dr7);

	/* An execute breakpoint on DR0 must fire: #DB at the target. */
	check_rc("set_debugreg(0, target)", HYPERVISOR_set_debugreg(0, target), 0);
	check_rc("set_debugreg(6, 0)", HYPERVISOR_set_debugreg(6, 0), 0);
	check_rc("set_debugreg(7, L0)",
		 HYPERVISOR_set_debugreg(7, X86_DR7_MBS | X86_DR7_L0), 0);
	trap_reset();
	run_bp_target();
	check_rc("set_debugreg(7, 0)", HYPERVISOR_set_debugreg(7, 0), 0);
	if (check_trap("DR0 execute breakpoint", X86_EXC_DB, target, NO_EC))
		CHECK(HYPERVISOR_get_debugreg(6) & X86_DR6_B0,
		      "DR6 %lx without B0 after the breakpoint",
		      HYPERVISOR_get_debugreg(6));
	HYPERVISOR_set_debugreg(0, 0);
}

/*
 * The kernel's own "mov %drN" (XTF uses it; Linux uses the hypercall):
 * emulated with the hypercall's rules, and what they refuse is #GP.
 */
static void test_mov_debug_registers(void)
{
	unsigned long target = (unsigned long)bp_target, v = 0, rip;

	asm volatile("mov %0, %%dr1" :: "r"(target) : "memory");
	CHECK(HYPERVISOR_get_debugreg(1) == (long)target,
	      "after mov to DR1, get_debugreg(1) says %lx", HYPERVISOR_get_debugreg(1));
	asm volatile("mov %%dr1, %0" : "=r"(v));
	CHECK(v == target, "mov from DR1 read %lx, want %lx", v, target);
	asm volatile("mov %%dr7, %0" : "=r"(v));
	CHECK(v == (unsigned long)HYPERVISOR_get_debugreg(7), "mov from DR7 read %lx, DR7 is %lx",
	      v, HYPERVISOR_get_debugreg(7));
	/* A hypervisor address in DR2: refused, #GP(0) at the mov. */
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: mov %[bad], %%dr2\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip) : [bad] "r"(0xffff830000000000UL) : "memory");
	check_trap("mov of a hypervisor address to DR2", X86_EXC_GP, rip, 0);
	CHECK(HYPERVISOR_get_debugreg(2) == 0, "DR2 %lx after the refused mov",
	      HYPERVISOR_get_debugreg(2));
	/* General detect in DR7: refused the same way. */
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: mov %[gd], %%dr7\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip) : [gd] "r"(X86_DR7_MBS | X86_DR7_GD) : "memory");
	check_trap("mov of DR7 with GD", X86_EXC_GP, rip, 0);
	HYPERVISOR_set_debugreg(1, 0);
}

static void test_vm_assist(void)
{
	static const unsigned int known[] = {
		VMASST_TYPE_4gb_segments, VMASST_TYPE_writable_pagetables,
		VMASST_TYPE_pae_extended_cr3, VMASST_TYPE_runstate_update_flag,
	};
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		snprintf(what, sizeof(what), "vm_assist(enable, %u)", known[i]);
		check_rc(what, HYPERVISOR_vm_assist(VMASST_CMD_enable, known[i]),
			 0);
	}
	check_rc("vm_assist(disable, writable_pagetables)",
		 HYPERVISOR_vm_assist(VMASST_CMD_disable,
				      VMASST_TYPE_writable_pagetables), 0);
	check_rc("vm_assist(enable, writable_pagetables)",
		 HYPERVISOR_vm_assist(VMASST_CMD_enable,
				      VMASST_TYPE_writable_pagetables), 0);
	check_rc("vm_assist(enable, 6)",
		 HYPERVISOR_vm_assist(VMASST_CMD_enable, 6), -XEN_EINVAL);
	check_rc("vm_assist(enable, 64)",
		 HYPERVISOR_vm_assist(VMASST_CMD_enable, 64), -XEN_EINVAL);
	check_rc("vm_assist(2, writable_pagetables)",
		 HYPERVISOR_vm_assist(2, VMASST_TYPE_writable_pagetables),
		 -XEN_ENOSYS);
}

/* inb $0x80: returns the value read, or -1 if it raised #GP. */
static long inb_80(void)
{
	unsigned long rip;
	uint8_t v = 0;

	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: inb $0x80, %%al\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip), "+a"(v) :: "memory");
	if (!last_trap.count)
		return v;
	check_trap("inb $0x80", X86_EXC_GP, rip, 0);
	return -1;
}

static long set_iopl(uint32_t iopl)
{
	struct physdev_set_iopl arg = { .iopl = iopl };

	return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &arg);
}

static void test_io_ports(void)
{
	long v;

	/*
	 * dom0 starts at virtual IOPL 0 (2.6; Xen 4.17 too): a kernel-mode
	 * port access is #GP until Linux's PHYSDEVOP_set_iopl(1).
	 */
	CHECK(inb_80() == -1, "inb $0x80 at the initial IOPL did not raise #GP");
	check_rc("set_iopl(0)", set_iopl(0), 0);
	CHECK(inb_80() == -1, "inb $0x80 at IOPL 0 did not raise #GP");
	check_rc("set_iopl(1)", set_iopl(1), 0);
	v = inb_80();
	CHECK(v != -1, "inb $0x80 at IOPL 1 raised #GP");
	/* Port 0x80 belongs to nobody: all ones (QEMU's value under Xen). */
	CHECK(v == -1 || v == 0xff, "inb $0x80 read 0x%lx, expected 0xff", v);
	check_rc("set_iopl(0)", set_iopl(0), 0);
	CHECK(inb_80() == -1, "inb $0x80 after set_iopl(0) did not raise #GP");
	check_rc("set_iopl(4)", set_iopl(4), -XEN_EINVAL);
	check_rc("physdev_op(set_iopl) from an unmapped pointer",
		 HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "forced CPUID: Xen leaves", test_cpuid_xen_leaves },
		{ "forced CPUID: hidden features", test_cpuid_policy },
		{ "rdmsr/wrmsr", test_msrs },
		{ "CR0/CR4 and fpu_taskswitch", test_control_registers },
		{ "set_segment_base", test_segment_base },
		{ "debug registers", test_debug_registers },
		{ "mov to and from debug registers", test_mov_debug_registers },
		{ "vm_assist", test_vm_assist },
		{ "I/O ports and set_iopl", test_io_ports },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	run_cases(cases, ARRAY_SIZE(cases));
}
