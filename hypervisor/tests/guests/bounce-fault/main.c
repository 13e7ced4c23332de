// SPDX-License-Identifier: GPL-2.0-only
/*
 * A user-mode `syscall` whose bounce frame cannot be written: the kernel
 * stack (stack_switch) is unmapped (default), read-only ("ro": the top of
 * the builder's read-only L4) or in the hypervisor's range ("hole":
 * 0xffff830000002000, the hypervisor's directmap on both Ward and Xen).
 * "pf": a user-mode #PF instead of the syscall, the kernel stack
 * unmapped; "kpf": a kernel-mode #PF with RSP pointing at unmapped
 * memory, where its frame goes (Ward bounces both in entry.S too).
 * The guest kernel has no stack left to be told on, so the hypervisor
 * crashes the domain (Ward and Xen 4.17 alike) and must write nothing:
 * the guest never gets past its syscall, and prints no result line. The
 * CI scripts check the crash (like no-trap-table). Ward's entry.S fast
 * path writes this frame itself (issue 15): this is its fault path.
 */
#include "lib.h"

const char test_title[] = "bounce-fault: a syscall whose bounce frame cannot be written";

#define HOLE_STACK	0xffff830000002000UL

static uint8_t user_stack[4096] __aligned(16);
static struct iret_context frame;
extern char bf_user[], bf_user_pf[], bf_kernel_pf[];

asm(".pushsection .text\n"
    "bf_user:\n\t"
    "mov $0x5ca1ab1e, %eax\n\t"
    "syscall\n\t"
    /* Only if the hypervisor let the guest go on: a #UD, then FAILURE. */
    "ud2\n\t"
    "bf_user_pf:\n\t"
    "mov 0x1000, %rax\n\t"
    "ud2\n\t"
    /* Kernel mode: the #PF's frame would go below the unmapped 0x2000. */
    "bf_kernel_pf:\n\t"
    "mov $0x2000, %rsp\n\t"
    "mov 0x1000, %rax\n\t"
    "ud2\n\t"
    ".popsection");

/* Any exception handler running means its frame was written. */
static void trap_ran(struct trap_frame *f)
{
	test_fail("exception %lu reached its handler at RIP %lx: the frame was written",
		  f->vector & ~TRAP_HAS_EC, (unsigned long)f->rip);
	test_finish();
}

static void syscall_callback(struct trap_frame *f)
{
	test_fail("the syscall callback ran (frame at %lx): the frame was written",
		  (unsigned long)&f->rip - 16);
	test_finish();
}

void test_main(start_info_t *si)
{
	struct mmuext_op op = {
		.cmd = MMUEXT_NEW_USER_BASEPTR,
		.arg1.mfn = virt_to_mfn((void *)si->pt_base),
	};
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall, .flags = CALLBACKF_mask_events,
		.address = (unsigned long)syscall_callback_entry,
	};
	unsigned long sp = 0x2000;	/* nothing maps the first pages */
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	callback_hook = syscall_callback;
	trap_hook = trap_ran;
	if (cmdline_has("kpf")) {
		printk("kernel #PF with the kernel stack at %016lx\n", sp);
		asm volatile("jmp bf_kernel_pf" ::: "memory");
	}
	if (cmdline_has("ro"))
		sp = si->pt_base + PAGE_SIZE;
	else if (cmdline_has("hole"))
		sp = HOLE_STACK;
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb)))
		test_abort("register syscall callback: rc %ld", rc);
	if ((rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF)))
		test_abort("MMUEXT_NEW_USER_BASEPTR: rc %ld", rc);
	if ((rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, sp)))
		test_abort("stack_switch(%lx): rc %ld", sp, rc);
	frame = (struct iret_context){
		.rip = (uint64_t)bf_user, .cs = FLAT_USER_CS64,
		.rflags = X86_EFLAGS_MBS | X86_EFLAGS_IF,
		.rsp = (uint64_t)user_stack + sizeof(user_stack), .ss = FLAT_USER_SS,
	};
	if (cmdline_has("pf"))
		frame.rip = (uint64_t)bf_user_pf;
	printk("user %s with the kernel stack at %016lx\n",
	       cmdline_has("pf") ? "#PF" : "syscall", sp);
	do_iret(&frame);
}
