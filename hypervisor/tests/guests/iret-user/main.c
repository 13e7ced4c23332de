// SPDX-License-Identifier: GPL-2.0-only
/*
 * HYPERVISOR_iret (23), pv-abi-core.md 3.4, and the kernel/user round trip
 * of 3.1 and 3.3. Kernel-mode iret frames (CS RPL 0) land on iret_landing,
 * which records the registers it arrived with. The user-mode case enters
 * guest user mode with an RPL-3 frame and comes back through a user #PF
 * and a `syscall`; it needs MMUEXT_NEW_USER_BASEPTR and is skipped, alone,
 * if the hypervisor does not have it yet (-ENOSYS).
 *
 * Not tested: an iret whose frame pointer is unmapped crashes the domain,
 * which a single guest cannot observe and survive.
 */
#include "lib.h"

const char test_title[] = "iret-user: HYPERVISOR_iret and guest user mode";

/* What iret_landing / the callbacks saw; written from asm and handlers. */
struct landing {
	uint64_t rax, rcx, r11, rsp, rflags, cs, ss;
};
__attribute__((used)) struct landing landed;
__attribute__((used)) struct jmp_ctx resume_ctx;

static uint8_t scratch_stack[4096] __aligned(16);
static uint8_t kernel_stack[8192] __aligned(16);
static uint8_t user_stack[4096] __aligned(16);
static struct iret_context frame;	/* RSP points here at the hypercall */

extern char iret_landing[], user_entry[], user_fault[], user_after_fault[],
	user_after_syscall[];

asm(".pushsection .text\n"
    /* Kernel mode, on whatever stack the frame named. */
    "iret_landing:\n\t"
    "mov %rax, landed+0(%rip)\n\t"
    "mov %rcx, landed+8(%rip)\n\t"
    "mov %r11, landed+16(%rip)\n\t"
    "mov %rsp, landed+24(%rip)\n\t"
    "pushfq\n\t"
    "popq landed+32(%rip)\n\t"
    "cld\n\t"
    "mov %cs, %eax\n\t"
    "mov %rax, landed+40(%rip)\n\t"
    "mov %ss, %eax\n\t"
    "mov %rax, landed+48(%rip)\n\t"
    "lea resume_ctx(%rip), %rdi\n\t"
    "jmp ctx_resume\n\t"
    /* Guest user mode: read the user GS, take a #PF, then syscall. */
    "user_entry:\n\t"
    "mov %gs:0, %rbx\n\t"
    "user_fault:\n\t"
    "mov 0x1000, %rax\n\t"
    "user_after_fault:\n\t"
    "mov $0x5ca1ab1e, %eax\n\t"
    "syscall\n\t"
    "user_after_syscall:\n\t"
    "ud2\n\t"
    _ASM_EXTABLE(user_fault, user_after_fault)
    ".popsection");

/* Fill the frame for a kernel-mode iret to iret_landing. */
static void kernel_frame(uint64_t rflags, uint64_t flags)
{
	frame = (struct iret_context){
		.rax = 0x1111111111111111, .r11 = 0x2222222222222222,
		.rcx = 0x3333333333333333, .flags = flags,
		.rip = (uint64_t)iret_landing, .cs = FLAT_KERNEL_CS & ~3,
		.rflags = rflags, .ss = FLAT_KERNEL_SS,
		.rsp = (uint64_t)scratch_stack + sizeof(scratch_stack) - 64,
	};
}

static void iret_and_return(void)
{
	memset(&landed, 0, sizeof(landed));
	if (ctx_save(&resume_ctx) == 0)
		do_iret(&frame);
}

static void test_iret_kernel(void)
{
	const uint64_t arith = X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_ZF |
			       X86_EFLAGS_SF | X86_EFLAGS_OF | X86_EFLAGS_DF;

	/* IOPL 3 asked for: the guest kernel must not get real I/O rights. */
	kernel_frame(X86_EFLAGS_MBS | arith | X86_EFLAGS_IOPL, 0);
	iret_and_return();
	CHECK(landed.rax == frame.rax, "RAX %lx, expected %lx", landed.rax,
	      frame.rax);
	CHECK(landed.rcx == frame.rcx, "RCX %lx, expected %lx", landed.rcx,
	      frame.rcx);
	CHECK(landed.r11 == frame.r11, "R11 %lx, expected %lx", landed.r11,
	      frame.r11);
	CHECK(landed.rsp == frame.rsp, "RSP %lx, expected %lx", landed.rsp,
	      frame.rsp);
	CHECK((landed.rflags & arith) == arith, "RFLAGS %lx lost bits of %lx",
	      landed.rflags, arith);
	CHECK(!(landed.rflags & X86_EFLAGS_IOPL), "RFLAGS %lx has IOPL %lu",
	      landed.rflags, (landed.rflags >> 12) & 3);
	CHECK(landed.cs == FLAT_KERNEL_CS, "CS %lx, expected %x", landed.cs,
	      FLAT_KERNEL_CS);
	CHECK(landed.ss == FLAT_KERNEL_SS, "SS %lx, expected %x", landed.ss,
	      FLAT_KERNEL_SS);

	/* A second round with other values, so nothing is left over. */
	kernel_frame(X86_EFLAGS_MBS, 0);
	frame.rax = 0xfedcba9876543210;
	frame.rsp -= 256;
	iret_and_return();
	CHECK(landed.rax == frame.rax && landed.rsp == frame.rsp,
	      "second iret: RAX/RSP %lx/%lx", landed.rax, landed.rsp);
	CHECK(!(landed.rflags & (arith | X86_EFLAGS_IOPL)),
	      "second iret: RFLAGS %lx kept old bits", landed.rflags);
}

static void test_iret_in_syscall(void)
{
	/* VGCF_in_syscall: RCX/R11 are not restored (may return by sysret). */
	kernel_frame(X86_EFLAGS_MBS | X86_EFLAGS_CF, VGCF_in_syscall);
	iret_and_return();
	CHECK(landed.rax == frame.rax, "RAX %lx, expected %lx", landed.rax,
	      frame.rax);
	CHECK(landed.rsp == frame.rsp, "RSP %lx, expected %lx", landed.rsp,
	      frame.rsp);
	CHECK(landed.rflags & X86_EFLAGS_CF, "RFLAGS %lx lost CF",
	      landed.rflags);
}

static unsigned int nr_events;
/* Seen by the syscall callback: its frame address and both %gs:0 reads. */
static uint64_t syscall_frame, user_gs_read, kernel_gs_read;

/* Callbacks: count event upcalls; a syscall from user mode ends the trip. */
static void callback(struct trap_frame *f)
{
	unsigned int vector = f->vector & ~TRAP_HAS_EC;
	uint64_t kernel_gs;

	if (vector == VEC_EVENT) {
		nr_events++;
		if (shared_info)
			WRITE_ONCE(shared_info->vcpu_info[0].evtchn_upcall_pending,
				   0);
		return;
	}
	if (vector != VEC_SYSCALL_CB)
		test_error("unexpected callback 0x%x", vector);
	asm volatile("mov %%gs:0, %0" : "=r"(kernel_gs));
	landed = (struct landing){
		.rax = f->rax, .rcx = f->rcx, .r11 = f->r11, .rsp = f->rsp,
		.rflags = f->rflags, .cs = f->cs, .ss = f->ss,
	};
	syscall_frame = (uint64_t)&f->rip - 16;	/* RCX, R11 were below RIP */
	user_gs_read = f->rbx;
	kernel_gs_read = kernel_gs;
	ctx_resume(&resume_ctx);
}

/* vcpu_info 0 for the cases that need it; NULL (and a failure) if unmapped. */
static volatile struct vcpu_info *get_vcpu_info(void)
{
	long rc;

	if (map_shared_info(&rc))
		return &shared_info->vcpu_info[0];
	test_fail("update_va_mapping(shared_info): rc %ld %s", rc,
		  errno_name(rc));
	return NULL;
}

static void test_iret_event_mask(void)
{
	volatile struct vcpu_info *vi = get_vcpu_info();

	if (!vi)
		return;
	/* 3.4 step 5: the upcall mask becomes !RFLAGS.IF of the frame. */
	kernel_frame(X86_EFLAGS_MBS | X86_EFLAGS_IF, 0);
	iret_and_return();
	CHECK(vi->evtchn_upcall_mask == 0,
	      "iret with IF set left evtchn_upcall_mask at %u",
	      vi->evtchn_upcall_mask);
	kernel_frame(X86_EFLAGS_MBS, 0);
	iret_and_return();
	CHECK(vi->evtchn_upcall_mask == 1,
	      "iret with IF clear left evtchn_upcall_mask at %u",
	      vi->evtchn_upcall_mask);
	vi->evtchn_upcall_mask = 1;
	printk("  %u event upcall(s) while unmasked\n", nr_events);
}

static uint64_t user_gs_word = 0x7573657247535553;	/* "user GS" marker */
static uint64_t kernel_gs_word = 0x6b65726e656c4753;	/* "kernel GS" */

static void test_user_round_trip(void)
{
	const uint64_t kstack_top = (uint64_t)kernel_stack + sizeof(kernel_stack);
	const uint64_t ustack_top = (uint64_t)user_stack + sizeof(user_stack);
	struct mmuext_op op = {
		.cmd = MMUEXT_NEW_USER_BASEPTR,
		.arg1.mfn = virt_to_mfn((void *)start_info->pt_base),
	};
	volatile struct vcpu_info *vi = get_vcpu_info();	/* for CR2 */
	long rc;

	if (!vi)
		return;
	/* The user root is the kernel's own L4: the simplest valid root. */
	rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
	if (rc == -XEN_ENOSYS) {
		case_skip("MMUEXT_NEW_USER_BASEPTR is -ENOSYS (issue 4)");
		return;
	}
	if (!check_rc("MMUEXT_NEW_USER_BASEPTR(kernel L4)", rc, 0))
		return;
	check_rc("stack_switch", HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
							 kstack_top), 0);
	check_rc("set_segment_base(GS_USER)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_USER,
					     (unsigned long)&user_gs_word), 0);
	check_rc("set_segment_base(GS_KERNEL)",
		 HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
					     (unsigned long)&kernel_gs_word), 0);

	frame = (struct iret_context){
		.rip = (uint64_t)user_entry, .cs = FLAT_USER_CS64,
		.rflags = X86_EFLAGS_MBS, .rsp = ustack_top, .ss = FLAT_USER_SS,
	};
	trap_reset();
	iret_and_return();

	/* The user #PF: U/S set because guest user mode took it (3.5). */
	if (check_trap("user #PF", X86_EXC_PF, (uint64_t)user_fault,
		       PFEC_USER))
		CHECK(last_trap.cr2 == 0x1000 && (last_trap.cs & 3) == 3 &&
		      last_trap.frame >= (uint64_t)kernel_stack &&
		      last_trap.frame < kstack_top,
		      "user #PF: CR2 %lx CS %lx frame %lx (kernel stack %p)",
		      last_trap.cr2, last_trap.cs, last_trap.frame,
		      (void *)kernel_stack);
	/* The syscall callback frame, on kernel_sp (3.3). */
	CHECK(landed.rcx == (uint64_t)user_after_syscall,
	      "syscall frame RCX %lx, expected %p", landed.rcx,
	      (void *)user_after_syscall);
	CHECK(landed.rax == 0x5ca1ab1e, "syscall: RAX %lx", landed.rax);
	CHECK((landed.cs & 3) == 3 && (landed.ss & 3) == 3,
	      "syscall frame CS/SS %lx/%lx do not have RPL 3", landed.cs,
	      landed.ss);
	CHECK(landed.rsp == ustack_top, "syscall frame RSP %lx, expected %lx",
	      landed.rsp, ustack_top);
	CHECK(syscall_frame >= (uint64_t)kernel_stack &&
	      syscall_frame < kstack_top,
	      "syscall frame at %lx, not on the stack_switch stack",
	      syscall_frame);
	CHECK(user_gs_read == user_gs_word,
	      "user mode read %%gs:0 = %lx, expected the GS_USER word",
	      user_gs_read);
	CHECK(kernel_gs_read == kernel_gs_word,
	      "kernel mode read %%gs:0 = %lx after the syscall",
	      kernel_gs_read);
	CHECK(vi->evtchn_upcall_mask == 1,
	      "CALLBACKF_mask_events did not mask events");

	HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0);
	op.arg1.mfn = 0;
	check_rc("MMUEXT_NEW_USER_BASEPTR(0)",
		 HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "iret to kernel mode", test_iret_kernel },
		{ "iret with VGCF_in_syscall", test_iret_in_syscall },
		{ "iret sets the upcall mask from IF", test_iret_event_mask },
		{ "user mode round trip", test_user_round_trip },
	};
	struct callback_register cb = {
		.flags = CALLBACKF_mask_events,
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	callback_hook = callback;
	cb.type = CALLBACKTYPE_event;
	cb.address = (unsigned long)event_callback_entry;
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb)))
		test_abort("register event callback: rc %ld", rc);
	cb.type = CALLBACKTYPE_syscall;
	cb.address = (unsigned long)syscall_callback_entry;
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb)))
		test_abort("register syscall callback: rc %ld", rc);
	run_cases(cases, ARRAY_SIZE(cases));
}
