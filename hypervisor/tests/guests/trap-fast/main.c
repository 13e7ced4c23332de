// SPDX-License-Identifier: GPL-2.0-only
/*
 * #PF and #GP bounced to the trap table from guest user mode (and a few
 * from kernel mode), the shapes Ward's entry.S bounces without C (issue
 * 15) next to those it must leave to C. Each case enters user mode with
 * a full iret frame (RCX, R11 set to markers), takes one fault there and
 * checks everything the handler sees: vector, error code (U/S from the
 * guest's mode), CR2 in vcpu_info, the frame (RCX, R11, RIP, CS with RPL
 * 3 and the saved upcall mask in bits 32-39, RFLAGS.IF = !mask, the user
 * RSP and SS) at the top of the stack_switch stack, and the upcall mask
 * the trap-table entry leaves (TI_SET_IF), with events masked or not
 * before the fault. With an upcall pending at the fault, an entry that
 * leaves events unmasked gets the upcall first, on top of its handler's
 * first instruction; one that masks them gets it at the iret that
 * unmasks. The handler then returns to user mode, which makes a syscall
 * back to the test. Expected values are Xen 4.17's (ref=xen).
 */
#include "lib.h"

const char test_title[] = "trap-fast: #PF/#GP bounces from guest user mode";

#define MAGIC_RCX	0x1234567887654321UL
#define MAGIC_R11	0xa5a5a5a55a5a5a5aUL
#define UNMAPPED_VA	0x1000UL
#define SEL_LDT0_RPL3	7	/* LDT index 0: no LDT, so #GP(4) */
#define PENDING_RETRIES	3

__attribute__((used)) struct jmp_ctx resume_ctx;
/* What user mode writes or reads: read by the asm below. */
__attribute__((used)) uint64_t tf_target;
static uint8_t kernel_stack[8192] __aligned(16);
static uint8_t user_stack[4096] __aligned(16);
static struct iret_context frame;
static volatile struct vcpu_info *vi;

extern char tf_read[], tf_write[], tf_gp_sel[], tf_gp_hlt[], tf_pend[],
	tf_pend_fault[], tf_back[];

asm(".pushsection .text\n"
    "tf_read:\n\t"
    "mov 0x1000, %rax\n\t"
    "jmp tf_back\n"
    "tf_write:\n\t"
    "mov tf_target(%rip), %rdi\n"
    "tf_write_insn:\n\t"
    "mov %rax, (%rdi)\n\t"
    "jmp tf_back\n"
    "tf_gp_sel:\n\t"
    "mov $7, %eax\n"
    "tf_gp_sel_insn:\n\t"
    "mov %eax, %ds\n\t"
    "jmp tf_back\n"
    "tf_gp_hlt:\n\t"
    "hlt\n\t"
    "jmp tf_back\n"
    /* Make an upcall pending (the guest's own word), then fault at once. */
    "tf_pend:\n\t"
    "mov tf_target(%rip), %rdi\n\t"
    "movb $1, (%rdi)\n"
    "tf_pend_fault:\n\t"
    "mov 0x1000, %rax\n\t"
    "jmp tf_back\n"
    /* The handler resumes here: back to the kernel through the syscall callback. */
    "tf_back:\n\t"
    "mov $0x5ca1ab1e, %eax\n\t"
    "syscall\n\t"
    "ud2\n\t"
    ".popsection");
extern char tf_write_insn[], tf_gp_sel_insn[];

/* What the handler and the event callback saw, in the order they ran. */
static struct {
	unsigned int seq, traps, upcalls;
	unsigned int trap_seq, upcall_seq;
	uint64_t vector, ec, rip, cs, rflags, rsp, ss, rcx, r11, frame, cr2;
	uint8_t mask_in_handler;
	uint64_t upcall_rip, upcall_cs;
} seen;

static void trap_seen(struct trap_frame *f)
{
	seen.traps++;
	seen.trap_seq = ++seen.seq;
	seen.vector = f->vector & ~TRAP_HAS_EC;
	seen.ec = (f->vector & TRAP_HAS_EC) ? f->error_code : ~0UL;
	seen.rip = f->rip;
	seen.cs = f->cs;
	seen.rflags = f->rflags;
	seen.rsp = f->rsp;
	seen.ss = f->ss;
	seen.rcx = f->rcx;
	seen.r11 = f->r11;
	seen.frame = (uint64_t)&f->rip - 16 - ((f->vector & TRAP_HAS_EC) ? 8 : 0);
	seen.cr2 = READ_ONCE(vi->arch.cr2);
	seen.mask_in_handler = READ_ONCE(vi->evtchn_upcall_mask);
	f->rip = (uint64_t)tf_back;
}

static void callback(struct trap_frame *f)
{
	unsigned int vector = f->vector & ~TRAP_HAS_EC;

	if (vector == VEC_EVENT) {
		seen.upcalls++;
		seen.upcall_seq = ++seen.seq;
		seen.upcall_rip = f->rip;
		seen.upcall_cs = f->cs;
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		return;
	}
	if (vector != VEC_SYSCALL_CB)
		test_error("unexpected callback 0x%x", vector);
	ctx_resume(&resume_ctx);
}

/* Vector @vec to the library's stub, masking events in it or not. */
static void set_vector(unsigned int vec, bool mask_events)
{
	trap_info_t t[2];
	long rc;

	memset(t, 0, sizeof(t));
	t[0].vector = vec;
	TI_SET_DPL(&t[0], 0);
	TI_SET_IF(&t[0], mask_events);
	t[0].cs = FLAT_KERNEL_CS;
	t[0].address = trap_stub_addr[vec];
	if ((rc = HYPERVISOR_set_trap_table(t)))
		test_abort("set_trap_table(%u): rc %ld %s", vec, rc, errno_name(rc));
}

/* Run user code at @entry, events unmasked there or not, until its syscall back. */
static void run_user(const char *entry, bool events_on)
{
	memset(&seen, 0, sizeof(seen));
	frame = (struct iret_context){
		.rcx = MAGIC_RCX, .r11 = MAGIC_R11,
		.rip = (uint64_t)entry, .cs = FLAT_USER_CS64,
		.rflags = X86_EFLAGS_MBS | (events_on ? X86_EFLAGS_IF : 0),
		.rsp = (uint64_t)user_stack + sizeof(user_stack), .ss = FLAT_USER_SS,
	};
	vi->evtchn_upcall_mask = 1;
	if (ctx_save(&resume_ctx) == 0)
		do_iret(&frame);
	/* Back in kernel mode, events masked by the syscall callback. */
}

/* The checks every user-mode bounce shares. */
static void check_user_frame(const char *what, unsigned int vector, uint64_t ec,
			     const char *rip, bool events_on, bool mask_events)
{
	const uint64_t ktop = (uint64_t)kernel_stack + sizeof(kernel_stack);

	if (seen.traps != 1) {
		test_fail("%s: %u exceptions, expected 1", what, seen.traps);
		return;
	}
	CHECK(seen.vector == vector && seen.ec == ec,
	      "%s: vector %lu error code 0x%lx, expected %u 0x%lx", what,
	      seen.vector, seen.ec, vector, ec);
	CHECK(seen.rip == (uint64_t)rip, "%s: RIP %lx, expected %p", what,
	      seen.rip, (void *)rip);
	CHECK((seen.cs & 0xffff) == FLAT_USER_CS64,
	      "%s: CS %lx, expected %x", what, seen.cs, FLAT_USER_CS64);
	CHECK(((seen.cs >> 32) & 0xff) == !events_on,
	      "%s: saved upcall mask (CS bits 32-39) %lu, expected %u", what,
	      (seen.cs >> 32) & 0xff, !events_on);
	CHECK(!!(seen.rflags & X86_EFLAGS_IF) == events_on,
	      "%s: RFLAGS %lx: IF should be %u", what, seen.rflags, events_on);
	CHECK(!(seen.rflags & X86_EFLAGS_IOPL), "%s: RFLAGS %lx has IOPL",
	      what, seen.rflags);
	CHECK(seen.rsp == (uint64_t)user_stack + sizeof(user_stack) &&
	      seen.ss == FLAT_USER_SS, "%s: RSP %lx SS %lx", what, seen.rsp,
	      seen.ss);
	CHECK(seen.rcx == MAGIC_RCX && seen.r11 == MAGIC_R11,
	      "%s: frame RCX/R11 %lx/%lx, expected the user's", what, seen.rcx,
	      seen.r11);
	CHECK(seen.frame == ktop - 64,
	      "%s: frame at %lx, expected %lx (top of the stack_switch stack)",
	      what, seen.frame, ktop - 64);
	CHECK(seen.mask_in_handler == (mask_events || !events_on),
	      "%s: upcall mask %u in the handler, expected %u", what,
	      seen.mask_in_handler, mask_events || !events_on);
}

static void user_faults(bool mask_events)
{
	const char *how = mask_events ? "masking entry" : "unmasking entry";
	char what[96];

	set_vector(X86_EXC_PF, mask_events);
	set_vector(X86_EXC_GP, mask_events);
	for (int on = 0; on <= 1; on++) {
		snprintf(what, sizeof(what), "user read #PF, %s, events %s", how,
			 on ? "on" : "off");
		run_user(tf_read, on);
		check_user_frame(what, X86_EXC_PF, PFEC_USER, tf_read, on, mask_events);
		CHECK(seen.cr2 == UNMAPPED_VA, "%s: CR2 %lx", what, seen.cr2);

		snprintf(what, sizeof(what), "user write #PF, %s, events %s", how,
			 on ? "on" : "off");
		tf_target = start_info->pt_base;	/* present, read-only */
		run_user(tf_write, on);
		check_user_frame(what, X86_EXC_PF, PFEC_USER | PFEC_WRITE | PFEC_PRESENT,
				 tf_write_insn, on, mask_events);
		CHECK(seen.cr2 == start_info->pt_base, "%s: CR2 %lx, expected %lx",
		      what, seen.cr2, start_info->pt_base);

		snprintf(what, sizeof(what), "ldt-null: user LDT selector #GP(sel), %s, events %s", how,
			 on ? "on" : "off");
		run_user(tf_gp_sel, on);
		check_user_frame(what, X86_EXC_GP, SEL_LDT0_RPL3 & ~3UL, tf_gp_sel_insn,
				 on, mask_events);

		snprintf(what, sizeof(what), "user #GP(0) hlt, %s, events %s", how,
			 on ? "on" : "off");
		run_user(tf_gp_hlt, on);
		check_user_frame(what, X86_EXC_GP, 0, tf_gp_hlt, on, mask_events);
	}
	set_vector(X86_EXC_PF, true);
	set_vector(X86_EXC_GP, true);
}

static void test_user_masking(void)
{
	user_faults(true);
}

static void test_user_unmasking(void)
{
	user_faults(false);
}

/*
 * An upcall pending when user mode faults, events on. A masking entry:
 * the handler runs first, the upcall comes at the iret back to user mode
 * (at tf_back). An unmasking one: the upcall first, at the handler's
 * first instruction in kernel mode, then the handler. A timer tick
 * between the store and the fault delivers it earlier: retried.
 */
static void pending_case(bool mask_events)
{
	const char *what = mask_events ? "pending upcall, masking entry" :
					 "pending upcall, unmasking entry";

	set_vector(X86_EXC_PF, mask_events);
	tf_target = (uint64_t)&vi->evtchn_upcall_pending;
	for (int i = 0; i < PENDING_RETRIES; i++) {
		run_user(tf_pend, true);
		if (seen.upcalls && seen.upcall_rip == (uint64_t)tf_pend_fault)
			continue;	/* the tick came first */
		break;
	}
	set_vector(X86_EXC_PF, true);
	check_user_frame(what, X86_EXC_PF, PFEC_USER, tf_pend_fault, true, mask_events);
	if (seen.upcalls != 1) {
		test_fail("%s: %u upcalls, expected 1", what, seen.upcalls);
		return;
	}
	if (mask_events) {
		CHECK(seen.trap_seq < seen.upcall_seq,
		      "%s: the upcall came before the handler", what);
		CHECK(seen.upcall_rip == (uint64_t)tf_back && (seen.upcall_cs & 3) == 3,
		      "%s: upcall at %lx:%lx, expected user mode at %p", what,
		      seen.upcall_cs, seen.upcall_rip, (void *)tf_back);
	} else {
		CHECK(seen.upcall_seq < seen.trap_seq,
		      "%s: the handler ran before the upcall", what);
		CHECK(seen.upcall_rip == trap_stub_addr[X86_EXC_PF] &&
		      (seen.upcall_cs & 0xffff) == (FLAT_KERNEL_CS & ~3),
		      "%s: upcall at %lx:%lx, expected the #PF handler %lx in kernel mode",
		      what, seen.upcall_cs, seen.upcall_rip, trap_stub_addr[X86_EXC_PF]);
	}
}

static void test_pending(void)
{
	pending_case(true);
	pending_case(false);
}

/*
 * Kernel mode: a read of unmapped memory (a vmalloc fault's shape) and a
 * write to a read-only page table (without writable_page_tables: the
 * guest's #PF), U/S clear in both.
 */
static void test_kernel(void)
{
	uint64_t val;

	set_vector(X86_EXC_PF, true);
	CHECK(!try_read(UNMAPPED_VA, &val) && last_trap.vector == X86_EXC_PF &&
	      last_trap.error_code == 0 && last_trap.cr2 == UNMAPPED_VA &&
	      (last_trap.cs & 0xffff) == (FLAT_KERNEL_CS & ~3),
	      "kernel read #PF: vector %u error 0x%lx CR2 %lx CS %lx", last_trap.vector,
	      last_trap.error_code, last_trap.cr2, last_trap.cs);
	CHECK(!try_write(start_info->pt_base, 0) && last_trap.vector == X86_EXC_PF &&
	      last_trap.error_code == (PFEC_WRITE | PFEC_PRESENT) &&
	      last_trap.cr2 == start_info->pt_base,
	      "kernel write #PF: vector %u error 0x%lx CR2 %lx", last_trap.vector,
	      last_trap.error_code, last_trap.cr2);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "user faults, events masked by the entry", test_user_masking },
		{ "user faults, events left as they were", test_user_unmasking },
		{ "a fault with an upcall pending", test_pending },
		{ "kernel-mode #PF", test_kernel },
	};
	struct mmuext_op op = {
		.cmd = MMUEXT_NEW_USER_BASEPTR,
		.arg1.mfn = virt_to_mfn((void *)si->pt_base),
	};
	struct callback_register cb = { .flags = CALLBACKF_mask_events };
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	if (!map_shared_info(&rc))
		test_abort("map shared_info: rc %ld %s", rc, errno_name(rc));
	vi = &shared_info->vcpu_info[0];
	callback_hook = callback;
	trap_hook = trap_seen;
	cb.type = CALLBACKTYPE_event;
	cb.address = (unsigned long)event_callback_entry;
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb)))
		test_abort("register event callback: rc %ld", rc);
	cb.type = CALLBACKTYPE_syscall;
	cb.address = (unsigned long)syscall_callback_entry;
	if ((rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb)))
		test_abort("register syscall callback: rc %ld", rc);
	/* The user root is the kernel's own L4, as in iret-user. */
	if ((rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF)))
		test_abort("MMUEXT_NEW_USER_BASEPTR: rc %ld %s", rc, errno_name(rc));
	if ((rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
					  (uint64_t)kernel_stack + sizeof(kernel_stack))))
		test_abort("stack_switch: rc %ld", rc);
	run_cases(cases, ARRAY_SIZE(cases));
}
