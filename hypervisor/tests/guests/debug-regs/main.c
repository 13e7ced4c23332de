// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest breakpoints and the hypervisor (issue "Isolation", 5). A guest's
 * DR0-3/DR7 stay loaded while the hypervisor works for it, so a data
 * watchpoint on memory the hypervisor copies to or from (a hypercall
 * buffer, a bounce frame, the iret frame, the runstate area) or on
 * instruction bytes it decodes (int n, forced CPUID, an emulated
 * privileged instruction) raises #DB in the hypervisor. That #DB is the
 * guest's business, not a hypervisor fault: the work must complete as if
 * nothing had happened (a copy that half ends in -EFAULT is as wrong as
 * a fatal trap). Also mov-SS/pop-SS followed by SYSCALL or int3 (XSA-260's
 * shape) and TF across SYSCALL, which can deliver #DB on the hypervisor's
 * first entry instruction while RSP is still the guest's; and
 * set_debugreg refusing DR6/DR7 values a CPU would misbehave on.
 *
 * Each case arms one breakpoint on DR0 (write-only watches where the
 * guest itself later reads the memory, so only the hypervisor's access
 * fires), does the one thing, disarms, and checks the result, and on Ward
 * that DR6 shows the hit (Xen 4.17 drops a hit in its own context: the
 * check is skipped with ref=xen). A late #DB would be fine; neither
 * delivers one.
 */
#include "lib.h"

const char test_title[] = "debug-regs: guest breakpoints hit in the hypervisor";

/* DR7 fields for breakpoint 0 (Intel SDM vol. 3, 18.2.4). */
#define DR7_RW_EXEC	0UL
#define DR7_RW_WRITE	1UL
#define DR7_RW_IO	2UL
#define DR7_RW_RW	3UL
#define DR7_LEN_1	0UL
#define DR7_LEN_2	1UL
#define DR7_LEN_8	2UL
#define DR7_LEN_4	3UL
#define DR7_RW_SHIFT	16
#define DR7_LEN_SHIFT	18
#define DR6_BS		(1UL << 14)

static unsigned long dr7_bp0(unsigned long rw, unsigned long len)
{
	return X86_DR7_MBS | X86_DR7_L0 | (rw << DR7_RW_SHIFT) |
	       (len << DR7_LEN_SHIFT);
}

/* Watch @addr with breakpoint 0; DR6 is cleared first. */
static bool watch(unsigned long addr, unsigned long rw, unsigned long len)
{
	return check_rc("set_debugreg(6, 0)", HYPERVISOR_set_debugreg(6, 0), 0) &&
	       check_rc("set_debugreg(0, addr)",
			HYPERVISOR_set_debugreg(0, addr), 0) &&
	       check_rc("set_debugreg(7, bp 0)",
			HYPERVISOR_set_debugreg(7, dr7_bp0(rw, len)), 0);
}

/*
 * Disarm, and check that DR6 recorded the hit: Ward puts a hit in its
 * own context into the guest's DR6; Xen 4.17 drops it (ref=xen).
 */
static void unwatch(const char *what)
{
	long dr6;

	check_rc("set_debugreg(7, 0)", HYPERVISOR_set_debugreg(7, 0), 0);
	dr6 = HYPERVISOR_get_debugreg(6);
	printk("  %s: DR6 %lx after the hit (B0 %s)\n", what, dr6,
	       (dr6 & X86_DR6_B0) ? "recorded" : "not recorded");
	if (!cmdline_has("ref=xen"))
		CHECK(dr6 & X86_DR6_B0, "%s: DR6 %lx does not show the hit", what, dr6);
	HYPERVISOR_set_debugreg(0, 0);
	HYPERVISOR_set_debugreg(6, 0);
}

/* A #DB bounced to us since trap_reset() (a late report) is fine; say so. */
static void note_late_db(const char *what)
{
	if (last_trap.count)
		printk("  %s: %u #DB delivered after the hypercall (RIP %lx)\n",
		       what, last_trap.count, last_trap.rip);
}

/* xen_version with a label after the syscall, where a late #DB lands. */
extern char after_version_call[];
static __attribute__((noinline)) long xen_version_at(int cmd, void *arg)
{
	long rax = __HYPERVISOR_xen_version;

	trap_reset();
	asm volatile("syscall\n\t"
		     "after_version_call:\n\t"
		     _ASM_EXTABLE(after_version_call, after_version_call)
		     : "+a"(rax), "+D"(cmd), "+S"(arg)
		     :: "rcx", "r11", "rdx", "r10", "r8", "memory");
	return rax;
}

static const char *extraversion(void)
{
	static xen_extraversion_t ref;

	if (!ref[0] && HYPERVISOR_xen_version(XENVER_extraversion, ref))
		test_error("XENVER_extraversion failed without a watchpoint");
	return ref;
}

/* XENVER_extraversion into @buf, with the byte range at @off watched. */
static void extraversion_watched(const char *what, unsigned long off,
				 unsigned long len)
{
	static xen_extraversion_t buf __aligned(16);
	long rc;

	extraversion();
	memset(buf, 0, sizeof(buf));
	if (!watch((unsigned long)buf + off, DR7_RW_WRITE, len))
		return;
	rc = xen_version_at(XENVER_extraversion, buf);
	unwatch(what);
	note_late_db(what);
	check_rc(what, rc, 0);
	CHECK(!memcmp(buf, extraversion(), sizeof(buf)),
	      "%s: extraversion \"%s\", expected \"%s\"", what, buf,
	      extraversion());
}

/*
 * A watchpoint on the first bytes of a hypercall's output: the copy
 * traps part-way (RIP still at its rep movs). Before the fix the
 * exception table took that #DB for a fault and the call said -EFAULT.
 */
static void test_watch_hypercall_buffer_mid_copy(void)
{
	extraversion_watched("extraversion, first 8 bytes watched", 0, DR7_LEN_8);
}

/*
 * The same on the very last byte: on hardware the #DB comes after the
 * copy's last iteration, outside any exception-table entry: before the
 * fix a FATAL TRAP.
 */
static void test_watch_hypercall_buffer_last_byte(void)
{
	extraversion_watched("extraversion, last byte watched",
			     sizeof(xen_extraversion_t) - 1, DR7_LEN_1);
}

/* A read watch on a hypercall's input (the iret frame, read whole). */
static struct iret_context iret_frame __aligned(64);
static uint8_t iret_stack[1024] __aligned(16);
static struct jmp_ctx iret_ctx;
extern char iret_landing[];
asm(".pushsection .text\n"
    "iret_landing:\n\t"
    "lea iret_ctx(%rip), %rdi\n\t"
    "jmp ctx_resume\n\t"
    ".popsection");

static void test_watch_iret_frame(void)
{
	iret_frame = (struct iret_context){
		.rip = (uint64_t)iret_landing, .cs = FLAT_KERNEL_CS & ~3,
		.rflags = X86_EFLAGS_MBS, .ss = FLAT_KERNEL_SS,
		.rsp = (uint64_t)iret_stack + sizeof(iret_stack) - 64,
	};
	/* SS is the frame's last word: the read's last iteration. */
	if (!watch((unsigned long)&iret_frame.ss, DR7_RW_RW, DR7_LEN_8))
		return;
	trap_reset();
	if (ctx_save(&iret_ctx) == 0)
		do_iret(&iret_frame);
	unwatch("iret frame");
	CHECK(!last_trap.count, "%u exception(s) around the watched iret",
	      last_trap.count);
}

/*
 * The bounce frame for a #UD, written on a stack of ours: a write watch
 * on its SS slot (its highest word, the copy's last, which our handler
 * only reads).
 */
static uint8_t fault_stack[2048] __aligned(16);

static void test_watch_bounce_frame(void)
{
	unsigned long top = (unsigned long)fault_stack + sizeof(fault_stack);
	unsigned long rip;

	if (!watch(top - 8, DR7_RW_WRITE, DR7_LEN_8))
		return;
	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "mov %%rsp, %%rbx\n\t"
		     "mov %[top], %%rsp\n\t"
		     "1: ud2\n\t"
		     "2: mov %%rbx, %%rsp\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip) : [top] "r"(top) : "rbx", "memory");
	unwatch("bounce frame");
	if (check_trap("#UD with a watched bounce frame", X86_EXC_UD, rip, NO_EC))
		CHECK(last_trap.ss == FLAT_KERNEL_SS && last_trap.frame + 56 == top,
		      "frame at %lx (SS %lx), expected it to end at %lx",
		      last_trap.frame, last_trap.ss, top);
}

/*
 * Instruction bytes the hypervisor reads to decide what to do: a read
 * watch on one byte of each (the CPU's own fetch never fires it).
 */
extern char int81_insn[], cpuid_insn[], movcr0_insn[];

static void test_watch_int_n_bytes(void)
{
	/*
	 * DPL 3: delivered as vector 0x81, which the hypervisor finds in the
	 * instruction (not in the error code QEMU's TCG gets wrong). Xen
	 * reads the error code, so with ref=xen DPL 0 and its #GP.
	 */
	bool xen = cmdline_has("ref=xen");
	unsigned long rip, after;

	check_rc("set_trap_table(0x81)", traps_set_vector(0x81, xen ? 0 : 3), 0);
	if (!watch((unsigned long)int81_insn, DR7_RW_RW, DR7_LEN_1))
		return;
	trap_reset();
	asm volatile("lea int81_insn(%%rip), %[rip]\n\t"
		     "lea 2f(%%rip), %[after]\n\t"
		     "jmp int81_insn\n\t"
		     ".balign 16\n"
		     "int81_insn: int $0x81\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(int81_insn, 2b)
		     _ASM_EXTABLE(2b, 2b)
		     : [rip] "=&r"(rip), [after] "=&r"(after) :: "memory");
	unwatch("int $0x81");
	traps_set_vector(0x81, 0);
	if (!xen)
		check_trap("int $0x81 (DPL 3) with its bytes watched", 0x81, after,
			   NO_EC);
	else if (check_trap("int $0x81 (DPL 0) with its bytes watched",
			    X86_EXC_GP, rip, NO_EC))
		CHECK(last_trap.error_code == GP_EC_SOFTINT(0x81) ||
		      last_trap.error_code == ((0x81 << 4) | X86_XEC_IDT),
		      "#GP error code 0x%lx", last_trap.error_code);
}

static void test_watch_forced_cpuid_bytes(void)
{
	uint32_t a = 0x40000000, b, c = 0, d;

	/* "ud2; xen; cpuid", read by the hypervisor in one go. */
	if (!watch((unsigned long)cpuid_insn, DR7_RW_RW, DR7_LEN_1))
		return;
	trap_reset();
	asm volatile("jmp cpuid_insn\n\t"
		     ".balign 16\n"
		     "cpuid_insn: ud2; .ascii \"xen\"; cpuid\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(cpuid_insn, 2b)
		     : "+a"(a), "=b"(b), "+c"(c), "=d"(d) :: "memory");
	unwatch("forced CPUID");
	CHECK(!last_trap.count, "forced CPUID with its bytes watched raised vector %u",
	      last_trap.vector);
	CHECK(b == 0x566e6558, "forced CPUID leaf 0x40000000: EBX %x", b);
}

static void test_watch_emulated_insn_bytes(void)
{
	unsigned long cr0 = 0;

	/*
	 * mov %cr0, %rax is emulated; its bytes are fetched one at a time, so
	 * the #DB always follows a copy's last iteration (under QEMU's TCG
	 * that is still at the rep movsb, with nothing left to copy).
	 */
	if (!watch((unsigned long)movcr0_insn, DR7_RW_RW, DR7_LEN_1))
		return;
	trap_reset();
	asm volatile("jmp movcr0_insn\n\t"
		     ".balign 16\n"
		     "movcr0_insn: mov %%cr0, %%rax\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(movcr0_insn, 2b)
		     : "+a"(cr0) :: "memory");
	unwatch("mov from CR0");
	CHECK(!last_trap.count, "mov from CR0 with its bytes watched raised vector %u",
	      last_trap.vector);
	CHECK(cr0 & X86_CR0_PG, "mov from CR0 read %lx", cr0);
}

/* The runstate area: written by the hypervisor on registering it. */
static struct vcpu_runstate_info runstate __aligned(64);

static void test_watch_runstate_area(void)
{
	struct vcpu_register_runstate_memory_area a = { .addr.v = &runstate };
	long rc;

	memset(&runstate, 0xa5, sizeof(runstate));
	/* The second word of six: the copy goes on after the #DB. */
	if (!watch((unsigned long)&runstate.state_entry_time, DR7_RW_WRITE, DR7_LEN_8))
		return;
	rc = HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);
	unwatch("runstate area");
	check_rc("register_runstate_memory_area on a watched area", rc, 0);
	CHECK(runstate.state == RUNSTATE_running, "runstate state %d",
	      runstate.state);
	CHECK(runstate.time[3] != 0xa5a5a5a5a5a5a5a5UL,
	      "runstate time[3] not written (%lx)", (unsigned long)runstate.time[3]);
	a.addr.v = NULL;
	HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);
}

/*
 * XSA-260: a data breakpoint on the operand of mov-to-SS; the #DB waits
 * out the SS shadow and, on hardware, lands on the first instruction of
 * the hypervisor's entry. SYSCALL leaves RSP the guest's there. QEMU's
 * TCG delivers the #DB right after the mov instead (in the guest, at
 * the syscall): either is fine, but the hypercall must then work.
 */
static uint16_t ss_word __aligned(8) = FLAT_KERNEL_SS;
extern char movss_syscall[], movss_after[], movss_int3[], movss_int3_after[];

static void test_movss_syscall(void)
{
	long rax = __HYPERVISOR_xen_version, cmd = XENVER_version;

	if (!watch((unsigned long)&ss_word, DR7_RW_RW, DR7_LEN_2))
		return;
	trap_reset();
	asm volatile("mov ss_word(%%rip), %%ss\n"
		     "movss_syscall: syscall\n"
		     "movss_after:\n\t"
		     _ASM_EXTABLE(movss_syscall, movss_syscall)
		     _ASM_EXTABLE(movss_after, movss_after)
		     : "+a"(rax), "+D"(cmd)
		     :: "rcx", "r11", "rsi", "rdx", "r10", "r8", "memory");
	unwatch("mov SS; syscall");
	if (last_trap.count)
		printk("  #DB delivered in the guest at %lx (syscall at %p)\n",
		       last_trap.rip, (void *)movss_syscall);
	CHECK(last_trap.count <= 1 && (!last_trap.count ||
				       last_trap.vector == X86_EXC_DB),
	      "%u exceptions, the last vector %u", last_trap.count,
	      last_trap.vector);
	CHECK(rax == HYPERVISOR_xen_version(XENVER_version, NULL),
	      "xen_version after mov SS: %lx", rax);
}

static void test_movss_int3(void)
{
	if (!watch((unsigned long)&ss_word, DR7_RW_RW, DR7_LEN_2))
		return;
	trap_reset();
	asm volatile("mov ss_word(%%rip), %%ss\n"
		     "movss_int3: int3\n"
		     "movss_int3_after:\n\t"
		     _ASM_EXTABLE(movss_int3, movss_int3)
		     _ASM_EXTABLE(movss_int3_after, movss_int3_after)
		     ::: "memory");
	unwatch("mov SS; int3");
	CHECK(last_trap.count >= 1 && last_trap.vector == X86_EXC_BP &&
	      last_trap.rip == (unsigned long)movss_int3_after,
	      "%u exceptions, the last vector %u at %lx", last_trap.count,
	      last_trap.vector, last_trap.rip);
}

/*
 * TF set across SYSCALL (SFMASK clears it): a CPU may single-step into
 * the first instruction of the hypervisor's entry, on the guest's stack.
 */
static void test_tf_syscall(void)
{
	long rax = __HYPERVISOR_xen_version, cmd = XENVER_version;
	unsigned long rflags;

	/*
	 * The hypercall returns with TF still set (it is in R11): the popfq
	 * after it restores the flags from before, and the single step
	 * after that popfq is the last.
	 */
	trap_reset();
	asm volatile("pushfq\n\t"
		     "pushfq\n\t"
		     "orq %[tf], (%%rsp)\n\t"
		     "popfq\n\t"
		     "syscall\n"
		     "1: popfq\n"
		     "2: pushfq\n\t"
		     "popq %[fl]\n\t"
		     _ASM_EXTABLE(1b, 1b)
		     _ASM_EXTABLE(2b, 2b)
		     : "+a"(rax), "+D"(cmd), [fl] "=r"(rflags)
		     : [tf] "i"(X86_EFLAGS_TF)
		     : "rcx", "r11", "rsi", "rdx", "r10", "r8", "memory");
	if (last_trap.count)
		printk("  %u #DB in the guest, the last at %lx\n", last_trap.count,
		       last_trap.rip);
	CHECK(rax == HYPERVISOR_xen_version(XENVER_version, NULL),
	      "xen_version with TF set: %lx", rax);
	CHECK(!(rflags & X86_EFLAGS_TF), "TF still set: %lx", rflags);
}

/*
 * set_debugreg's refusals: nothing it accepts may make the CPU fault or
 * watch the hypervisor. I/O breakpoints need CR4.DE (off: -EPERM, as on
 * Xen); upper halves of DR6/DR7 are reserved (-EINVAL); a refused write
 * changes nothing.
 */
static void test_set_debugreg_refusals(void)
{
	long dr7 = HYPERVISOR_get_debugreg(7), dr6;
	int bp;

	for (bp = 0; bp < 4; bp++) {
		unsigned long io = X86_DR7_MBS | (1UL << (2 * bp)) |
				   (DR7_RW_IO << (DR7_RW_SHIFT + 4 * bp));

		check_rc("set_debugreg(7, I/O breakpoint)",
			 HYPERVISOR_set_debugreg(7, io), -XEN_EPERM);
	}
	check_rc("set_debugreg(7, disabled I/O breakpoint)",
		 HYPERVISOR_set_debugreg(7, X86_DR7_MBS | (DR7_RW_IO << DR7_RW_SHIFT)),
		 0);
	check_rc("set_debugreg(7, bit 63)",
		 HYPERVISOR_set_debugreg(7, X86_DR7_MBS | (1UL << 63)), -XEN_EINVAL);
	check_rc("set_debugreg(6, bit 32)",
		 HYPERVISOR_set_debugreg(6, 1UL << 32), -XEN_EINVAL);
	check_rc("set_debugreg(6, bit 63)",
		 HYPERVISOR_set_debugreg(6, 1UL << 63), -XEN_EINVAL);
	check_rc("set_debugreg(7, 0)", HYPERVISOR_set_debugreg(7, 0), 0);
	CHECK(HYPERVISOR_get_debugreg(7) == dr7 || HYPERVISOR_get_debugreg(7) == X86_DR7_MBS,
	      "DR7 %lx after refused writes", HYPERVISOR_get_debugreg(7));

	/* Reserved DR7 bits (11, 12, 14, 15) are not the guest's to set. */
	check_rc("set_debugreg(7, reserved bits)",
		 HYPERVISOR_set_debugreg(7, X86_DR7_MBS | 0xd800), 0);
	printk("  DR7 reads %lx after writing reserved bits 0xd800\n",
	       HYPERVISOR_get_debugreg(7));
	CHECK(!(HYPERVISOR_get_debugreg(7) & 0xd800),
	      "DR7 %lx kept reserved bits", HYPERVISOR_get_debugreg(7));
	check_rc("set_debugreg(7, 0)", HYPERVISOR_set_debugreg(7, 0), 0);

	/* Enabled with a hypervisor address in DR0: the DR0 write is refused. */
	check_rc("set_debugreg(0, M2P)",
		 HYPERVISOR_set_debugreg(0, (unsigned long)BAD_PTR_M2P), -XEN_EPERM);
	check_rc("set_debugreg(0, last hypervisor byte)",
		 HYPERVISOR_set_debugreg(0, 0xffff87ffffffffffUL), -XEN_EPERM);
	check_rc("set_debugreg(0, first guest byte above the hole)",
		 HYPERVISOR_set_debugreg(0, 0xffff880000000000UL), 0);
	check_rc("set_debugreg(0, 0)", HYPERVISOR_set_debugreg(0, 0), 0);

	/* With the guest's CR4.DE set, DR4/DR5 are no aliases: -ENODEV. */
	{
		unsigned long cr4;

		asm volatile("mov %%cr4, %0" : "=r"(cr4));
		asm volatile("mov %0, %%cr4" :: "r"(cr4 | X86_CR4_DE));
		check_rc("set_debugreg(4) with CR4.DE", HYPERVISOR_set_debugreg(4, 0),
			 -XEN_ENODEV);
		check_rc("get_debugreg(5) with CR4.DE", HYPERVISOR_get_debugreg(5),
			 -XEN_ENODEV);
		asm volatile("mov %0, %%cr4" :: "r"(cr4 & ~X86_CR4_DE));
		check_rc("set_debugreg(4) without CR4.DE", HYPERVISOR_set_debugreg(4, 0), 0);
	}

	/* DR6 reads back with its reserved bits as the CPU has them. */
	check_rc("set_debugreg(6, 0)", HYPERVISOR_set_debugreg(6, 0), 0);
	dr6 = HYPERVISOR_get_debugreg(6);
	printk("  DR6 reads %lx after writing 0\n", dr6);
	CHECK(!(dr6 & 0xf) && !(dr6 >> 32), "DR6 %lx after writing 0", dr6);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "watched hypercall buffer, mid-copy", test_watch_hypercall_buffer_mid_copy },
		{ "watched hypercall buffer, last byte", test_watch_hypercall_buffer_last_byte },
		{ "watched iret frame", test_watch_iret_frame },
		{ "watched bounce frame", test_watch_bounce_frame },
		{ "watched int n bytes", test_watch_int_n_bytes },
		{ "watched forced CPUID bytes", test_watch_forced_cpuid_bytes },
		{ "watched emulated instruction bytes", test_watch_emulated_insn_bytes },
		{ "watched runstate area", test_watch_runstate_area },
		{ "xsa-260: mov SS; syscall", test_movss_syscall },
		{ "xsa-260: mov SS; int3", test_movss_int3 },
		{ "TF across syscall", test_tf_syscall },
		{ "set_debugreg refusals", test_set_debugreg_refusals },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	run_cases(cases, ARRAY_SIZE(cases));
}
