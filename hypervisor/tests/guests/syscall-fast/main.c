// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest system-call round trip, Linux's shape: user `syscall` ->
 * the syscall callback (events masked) -> HYPERVISOR_iret back to user
 * mode, with VGCF_in_syscall (Linux's sysret return) or a full frame.
 * The callback is a few instructions of assembly, so the cycles counted
 * here are the hypervisor's (issue 15): "bench:" lines give cycles per
 * round trip and per hypercall (xen_version), measured with rdtsc.
 *
 * Checked on every round trip: RAX is the callback's answer, RCX the
 * address after the user's syscall and R11 has IF (what sysret gives,
 * on Xen and on hardware), RBX/RBP/R12 survive. Then the same under a
 * 1 ms periodic timer whose upcalls land in user mode, in the callback's
 * iret and in between (the fast paths' fall-backs), and the returns the
 * fast paths must not take by sysret: RCX or RIP non-canonical.
 * "long" on the command line doubles the timed loops (two runs give the
 * CR3 writes per round trip from QEMU's -d mmu log).
 */
#include "lib.h"

const char test_title[] = "syscall-fast: user SYSCALL -> callback -> HYPERVISOR_iret";

#define STR_(x)		#x
#define STR(x)		STR_(x)
#define FP_DONE		0xd0e5d0e5d0e5d0e5	/* user's "back to the kernel" */
#define FP_PATTERN	0x1234567890abcdef
#define TIMED_ITERS	20000
#define TIMER_ITERS	100000
#define TIMER_PERIOD_NS	1000000

__attribute__((used)) struct jmp_ctx resume_ctx;
/* Shared with the assembly below (user mode reads and writes them too). */
__attribute__((used)) uint64_t fp_iret_flags, fp_iters, fp_t0, fp_t1;
/* Xen leaks the kernel's RCX when an upcall interrupts the return. */
__attribute__((used)) uint8_t fp_rcx_lax;
__attribute__((used)) uint64_t fp_failed, fp_bad_iter, fp_bad_rax, fp_bad_rcx, fp_bad_r11;

static uint8_t kernel_stack[8192] __aligned(16);
static uint8_t user_stack[4096] __aligned(16);
static uint8_t scratch_stack[4096] __aligned(16);
static struct iret_context frame;

extern char fp_syscall_cb[], fp_user_loop[], fp_user_ret[], fp_landing[];

asm(".pushsection .text\n"
    /*
     * The syscall callback (events masked): turn the bounce frame
     * RCX, R11, RIP, CS, RFLAGS, RSP, SS into the iret frame RAX, R11,
     * RCX, flags, RIP... in place and return RAX + 1 to user mode.
     */
    "fp_syscall_cb:\n\t"
    "movabs $" STR(FP_DONE) ", %rcx\n\t"
    "cmp %rcx, %rax\n\t"
    "je 1f\n\t"
    "inc %rax\n\t"
    "sub $16, %rsp\n\t"
    "mov %rax, 0(%rsp)\n\t"
    "mov 24(%rsp), %rax\n\t"
    "mov %rax, 8(%rsp)\n\t"
    "mov fp_iret_flags(%rip), %rax\n\t"
    "mov %rax, 24(%rsp)\n\t"
    "mov $" STR(__HYPERVISOR_iret) ", %eax\n\t"
    "syscall\n\t"
    "ud2\n"
    "1:\n\t"
    "lea resume_ctx(%rip), %rdi\n\t"
    "jmp ctx_resume\n\t"
    /* User mode: fp_iters round trips between two rdtsc. */
    "fp_user_loop:\n\t"
    "rdtsc\n\t"
    "shl $32, %rdx\n\t"
    "or %rdx, %rax\n\t"
    "mov %rax, fp_t0(%rip)\n\t"
    "mov fp_iters(%rip), %rbx\n\t"
    "movabs $" STR(FP_PATTERN) ", %r12\n\t"
    "mov %r12, %rbp\n\t"
    "not %rbp\n\t"
    "2:\n\t"
    "mov %rbx, %rax\n\t"
    "syscall\n\t"
    "fp_user_ret:\n\t"
    "cmpb $0, fp_rcx_lax(%rip)\n\t"
    "jne 5f\n\t"
    "lea fp_user_ret(%rip), %rdx\n\t"
    "cmp %rdx, %rcx\n\t"
    "jne 3f\n"
    "5:\n\t"
    "lea 1(%rbx), %rdx\n\t"
    "cmp %rdx, %rax\n\t"
    "jne 3f\n\t"
    "bt $9, %r11\n\t"
    "jnc 3f\n\t"
    "movabs $" STR(FP_PATTERN) ", %rdx\n\t"
    "cmp %rdx, %r12\n\t"
    "jne 3f\n\t"
    "not %rdx\n\t"
    "cmp %rdx, %rbp\n\t"
    "jne 3f\n\t"
    "dec %rbx\n\t"
    "jnz 2b\n\t"
    "rdtsc\n\t"
    "shl $32, %rdx\n\t"
    "or %rdx, %rax\n\t"
    "mov %rax, fp_t1(%rip)\n\t"
    "jmp 4f\n"
    "3:\n\t"
    "movq $1, fp_failed(%rip)\n\t"
    "mov %rbx, fp_bad_iter(%rip)\n\t"
    "mov %rax, fp_bad_rax(%rip)\n\t"
    "mov %rcx, fp_bad_rcx(%rip)\n\t"
    "mov %r11, fp_bad_r11(%rip)\n"
    "4:\n\t"
    "movabs $" STR(FP_DONE) ", %rax\n\t"
    "syscall\n\t"
    "ud2\n\t"
    /* Kernel mode, after an iret: record what arrived. */
    "fp_landing:\n\t"
    "mov %rax, landed+0(%rip)\n\t"
    "mov %rcx, landed+8(%rip)\n\t"
    "mov %r11, landed+16(%rip)\n\t"
    "mov %rsp, landed+24(%rip)\n\t"
    "pushfq\n\t"
    "popq landed+32(%rip)\n\t"
    "lea resume_ctx(%rip), %rdi\n\t"
    "jmp ctx_resume\n\t"
    ".popsection");

__attribute__((used)) struct {
	uint64_t rax, rcx, r11, rsp, rflags;
} landed;

static volatile unsigned int nr_upcalls, nr_upcalls_user;

/* Event upcalls (lib's entry): count them and clear what is pending. */
static void callback(struct trap_frame *f)
{
	volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];
	uint64_t sel;

	if ((f->vector & ~TRAP_HAS_EC) != VEC_EVENT)
		test_error("unexpected callback 0x%lx", f->vector);
	nr_upcalls++;
	if ((f->cs & 3) == 3)
		nr_upcalls_user++;
	vi->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = __builtin_ctzl(sel);

		sel &= sel - 1;
		__atomic_store_n(&shared_info->evtchn_pending[w], 0, __ATOMIC_SEQ_CST);
	}
}

static bool user_mode_ready;
static uint64_t fp_ns;	/* the last user_round_trips(), in ns of system time */

/* A user root (the kernel's own L4), the kernel stack and the callback. */
static bool setup_user_mode(void)
{
	struct mmuext_op op = {
		.cmd = MMUEXT_NEW_USER_BASEPTR,
		.arg1.mfn = virt_to_mfn((void *)start_info->pt_base),
	};
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
		.address = (unsigned long)fp_syscall_cb,
	};

	if (user_mode_ready)
		return true;
	if (!check_rc("MMUEXT_NEW_USER_BASEPTR(kernel L4)",
		      HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0) ||
	    !check_rc("register the syscall callback",
		      HYPERVISOR_callback_op(CALLBACKOP_register, &cb), 0))
		return false;
	user_mode_ready = true;
	return true;
}

/* Run @iters round trips in user mode; false (and a failure) if one was wrong. */
static bool user_round_trips(uint64_t iters, uint64_t vgcf_flags)
{
	const uint64_t kstack_top = (uint64_t)kernel_stack + sizeof(kernel_stack);

	if (!setup_user_mode())
		return false;
	check_rc("stack_switch", HYPERVISOR_stack_switch(FLAT_KERNEL_SS, kstack_top), 0);
	fp_iret_flags = vgcf_flags;
	fp_iters = iters;
	fp_failed = 0;
	fp_t0 = fp_t1 = 0;
	frame = (struct iret_context){
		.rip = (uint64_t)fp_user_loop, .cs = FLAT_USER_CS64,
		.rflags = X86_EFLAGS_MBS | X86_EFLAGS_IF,
		.rsp = (uint64_t)user_stack + sizeof(user_stack), .ss = FLAT_USER_SS,
	};
	fp_ns = pvclock_ns(&shared_info->vcpu_info[0].time);
	if (ctx_save(&resume_ctx) == 0)
		do_iret(&frame);
	fp_ns = pvclock_ns(&shared_info->vcpu_info[0].time) - fp_ns;
	/* The callback masked events on the way in: unmask for the next case. */
	shared_info->vcpu_info[0].evtchn_upcall_mask = 0;
	if (fp_failed) {
		test_fail("round trip %lu of %lu: RAX %lx (want %lx) RCX %lx (want %p) R11 %lx",
			  iters - fp_bad_iter + 1, iters, fp_bad_rax, fp_bad_iter + 1,
			  fp_bad_rcx, (void *)fp_user_ret, fp_bad_r11);
		return false;
	}
	return true;
}

static void test_round_trips_in_syscall(void)
{
	user_round_trips(1000, VGCF_in_syscall);
}

static void test_round_trips_full_frame(void)
{
	user_round_trips(1000, 0);
}

static uint64_t timed_iters(void)
{
	return cmdline_has("long") ? 2 * TIMED_ITERS : TIMED_ITERS;
}

static void test_timed(void)
{
	uint64_t n = timed_iters(), t0, t1, ns;

	if (user_round_trips(n, 0))
		printk("bench: user syscall round trip, full iret frame: %lu cycles, %lu ns (%lu round trips)\n",
		       (fp_t1 - fp_t0) / n, fp_ns / n, n);
	if (user_round_trips(n, VGCF_in_syscall))
		printk("bench: user syscall round trip, VGCF_in_syscall: %lu cycles, %lu ns (%lu round trips)\n",
		       (fp_t1 - fp_t0) / n, fp_ns / n, n);
	ns = pvclock_ns(&shared_info->vcpu_info[0].time);
	t0 = rdtsc();
	for (uint64_t i = 0; i < n; i++)
		HYPERVISOR_xen_version(XENVER_version, NULL);
	t1 = rdtsc();
	ns = pvclock_ns(&shared_info->vcpu_info[0].time) - ns;
	printk("bench: hypercall (xen_version): %lu cycles, %lu ns (%lu calls)\n",
	       (t1 - t0) / n, ns / n, n);
}

/* Round trips while a 1 ms periodic timer raises upcalls everywhere. */
static void test_under_timer(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct vcpu_set_periodic_timer per = { .period_ns = TIMER_PERIOD_NS };
	long rc;

	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
	if (!check_rc("bind_virq(VIRQ_TIMER)", rc, 0))
		return;
	nr_upcalls = nr_upcalls_user = 0;
	if (!check_rc("set_periodic_timer(1 ms)",
		      HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &per), 0))
		return;
	fp_rcx_lax = cmdline_has("ref=xen");
	user_round_trips(TIMER_ITERS / 2, VGCF_in_syscall);
	fp_rcx_lax = 0;
	user_round_trips(TIMER_ITERS / 2, 0);
	check_rc("stop_periodic_timer",
		 HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
	printk("  %u upcalls, %u of them from user mode\n", nr_upcalls, nr_upcalls_user);
	CHECK(nr_upcalls > 0, "no timer upcall during %u round trips", TIMER_ITERS);
	check_rc("EVTCHNOP_close", HYPERVISOR_event_channel_op(EVTCHNOP_close,
			&(struct evtchn_close){ .port = bv.port }), 0);
}

/* A kernel-mode iret to fp_landing with these RCX/R11 and RFLAGS. */
static void kernel_iret(uint64_t rcx, uint64_t r11, uint64_t rflags, uint64_t vgcf)
{
	frame = (struct iret_context){
		.rax = 0x1111111111111111, .r11 = r11, .rcx = rcx, .flags = vgcf,
		.rip = (uint64_t)fp_landing, .cs = FLAT_KERNEL_CS & ~3,
		.rflags = rflags, .ss = FLAT_KERNEL_SS,
		.rsp = (uint64_t)scratch_stack + sizeof(scratch_stack) - 64,
	};
	memset(&landed, 0, sizeof(landed));
	if (ctx_save(&resume_ctx) == 0)
		do_iret(&frame);
}

/*
 * The register values a return may take by sysret (RCX = RIP, R11 =
 * RFLAGS) and the ones it may not: RCX non-canonical with RIP canonical
 * must arrive as given, not fault anywhere.
 */
static void test_sysret_shapes(void)
{
	const uint64_t fl = X86_EFLAGS_MBS | X86_EFLAGS_IF | X86_EFLAGS_CF;

	kernel_iret((uint64_t)fp_landing, fl, fl, 0);
	CHECK(landed.rcx == (uint64_t)fp_landing && landed.r11 == fl &&
	      landed.rax == frame.rax && landed.rsp == frame.rsp,
	      "RCX=RIP R11=RFLAGS: RCX %lx R11 %lx RAX %lx RSP %lx", landed.rcx,
	      landed.r11, landed.rax, landed.rsp);
	kernel_iret(NONCANONICAL_ADDR, fl, fl, 0);
	CHECK(landed.rcx == NONCANONICAL_ADDR && landed.r11 == fl,
	      "RCX non-canonical: RCX %lx R11 %lx", landed.rcx, landed.r11);
	kernel_iret(0x0000800000000000UL, 0x0000800000000000UL, fl, 0);
	CHECK(landed.rcx == 0x0000800000000000UL && landed.r11 == 0x0000800000000000UL,
	      "RCX 0x800000000000: RCX %lx R11 %lx", landed.rcx, landed.r11);
	/* VGCF_in_syscall to kernel mode: RCX/R11 as sysret leaves them. */
	kernel_iret(0x3333, 0x2222, fl, VGCF_in_syscall);
	CHECK((landed.rflags & X86_EFLAGS_CF) && landed.rax == frame.rax,
	      "VGCF_in_syscall: RFLAGS %lx RAX %lx", landed.rflags, landed.rax);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "round trips, VGCF_in_syscall", test_round_trips_in_syscall },
		{ "round trips, full iret frame", test_round_trips_full_frame },
		{ "sysret and iret shapes of a kernel return", test_sysret_shapes },
		{ "timed round trips and hypercalls", test_timed },
		{ "round trips under a 1 ms periodic timer", test_under_timer },
	};
	struct callback_register cb = {
		.type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events,
		.address = (unsigned long)event_callback_entry,
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	if (!map_shared_info(&rc))
		test_abort("map shared_info: rc %ld", rc);
	callback_hook = callback;
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb)))
		test_abort("register event callback: rc %ld", rc);
	shared_info->vcpu_info[0].evtchn_upcall_mask = 0;
	run_cases(cases, ARRAY_SIZE(cases));
	shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
}
