// SPDX-License-Identifier: GPL-2.0-only
/*
 * sgdt, sidt, sldt, str and smsw (issue "Isolation", 9). They are not
 * privileged, so from a guest (kernel or user mode, both ring 3) they
 * show the hypervisor's own GDT and IDT addresses and its selectors
 * unless CR4.UMIP makes them #GP. Ward turns UMIP on where the CPU has
 * it and emulates the five with values that say nothing: GDT and IDT
 * base and limit 0, LDT and task selectors 0, and for smsw the CR0 the
 * guest sees through mov from CR0. Every operand form a compiler or a
 * program uses is covered: register and memory, 16/32/64-bit registers,
 * RIP-relative, base + index * scale + displacement, an FS override; a
 * store to an unmapped, a hypervisor or a non-canonical address is the
 * #PF/#GP the instruction itself would raise.
 *
 * Xen 4.17 does not use UMIP: the instructions run and show Xen's
 * values (its GDT and IDT, TR 0xe040, the real CR0 with Xen's lazy TS).
 * With ref=xen only the faults are checked.
 */
#include "lib.h"

const char test_title[] = "umip: sgdt, sidt, sldt, str and smsw show no hypervisor state";

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static bool ref_xen;

/* A base or a limit the guest may see: none of the hypervisor's. */
static void check_table(const char *what, const struct desc_ptr *p)
{
	printk("  %s: base %lx limit %x\n", what, (unsigned long)p->base, p->limit);
	if (ref_xen)
		return;
	CHECK(p->base == 0 && p->limit == 0, "%s: base %lx limit %x, expected 0 and 0",
	      what, (unsigned long)p->base, p->limit);
}

static unsigned long guest_cr0(void)
{
	unsigned long cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	return cr0;
}

/* Everything the five instructions store, from one mode. */
struct results {
	struct desc_ptr gdt, idt, gdt_sib, idt_fs;
	uint64_t sldt64, str64, smsw64;
	uint32_t sldt32, str32, smsw32;
	uint16_t sldt16_mem, str16_mem, smsw16_mem;
	uint64_t sldt16_reg, smsw16_reg;	/* upper bits must survive */
};

#define UPPER_KEPT	0x1234567812340000UL
#define POISON_R9	0xa5a5a5a5a5a5a5a5UL

/*
 * The instructions, one each, with these operands: RIP-relative memory;
 * base + index * 8 + displacement (RBX = &r, RCX = 1); an FS override
 * with FS's base at &r. Shared by the kernel-mode and user-mode runs
 * (the user run enters at umip_body and leaves through SYSCALL).
 */
extern char umip_body[], umip_body_end[];
static struct results user_r __aligned(16);	/* both modes' results */
asm(".pushsection .text\n"
    "umip_body:\n\t"
    "sgdt user_r+0(%rip)\n\t"
    "sidt user_r+10(%rip)\n\t"
    "sgdt 12(%rbx,%rcx,8)\n\t"		/* &r->gdt_sib = &r + 20 */
    "sidt %fs:30\n\t"			/* &r->idt_fs */
    "sldt %rax\n\t"
    "mov %rax, 40(%rbx)\n\t"
    "str %rax\n\t"
    "mov %rax, 48(%rbx)\n\t"
    "smsw %rax\n\t"
    "mov %rax, 56(%rbx)\n\t"
    "sldt %eax\n\t"
    "mov %eax, 64(%rbx)\n\t"
    "str %eax\n\t"
    "mov %eax, 68(%rbx)\n\t"
    "smsw %eax\n\t"
    "mov %eax, 72(%rbx)\n\t"
    "sldtw 76(%rbx)\n\t"
    "strw 78(%rbx)\n\t"
    "smsww 80(%rbx)\n\t"
    "movabs $0x1234567812345678, %rax\n\t"
    "sldt %ax\n\t"
    "mov %rax, 88(%rbx)\n\t"
    "movabs $0x1234567812345678, %rax\n\t"
    "smsw %ax\n\t"
    "mov %rax, 96(%rbx)\n"
    "umip_body_end:\n\t"
    "ret\n\t"
    ".popsection");
_Static_assert(__builtin_offsetof(struct results, idt) == 10, "layout");
_Static_assert(__builtin_offsetof(struct results, gdt_sib) == 20, "layout");
_Static_assert(__builtin_offsetof(struct results, idt_fs) == 30, "layout");
_Static_assert(__builtin_offsetof(struct results, sldt64) == 40, "layout");
_Static_assert(__builtin_offsetof(struct results, sldt32) == 64, "layout");
_Static_assert(__builtin_offsetof(struct results, sldt16_mem) == 76, "layout");
_Static_assert(__builtin_offsetof(struct results, sldt16_reg) == 88, "layout");

static void check_results(const char *mode, const struct results *r)
{
	char what[64];
	unsigned long cr0 = guest_cr0();

	snprintf(what, sizeof(what), "%s sgdt (RIP-relative)", mode);
	check_table(what, &r->gdt);
	snprintf(what, sizeof(what), "%s sidt (RIP-relative)", mode);
	check_table(what, &r->idt);
	snprintf(what, sizeof(what), "%s sgdt (base + index * 8 + disp)", mode);
	check_table(what, &r->gdt_sib);
	snprintf(what, sizeof(what), "%s sidt (%%fs:)", mode);
	check_table(what, &r->idt_fs);
	printk("  %s: sldt %lx/%x/%x str %lx/%x/%x smsw %lx/%x/%x (CR0 %lx)\n", mode,
	       (unsigned long)r->sldt64, r->sldt32, r->sldt16_mem, (unsigned long)r->str64,
	       r->str32, r->str16_mem, (unsigned long)r->smsw64, r->smsw32, r->smsw16_mem,
	       cr0);
	if (ref_xen)
		return;
	CHECK(r->smsw64 == cr0 && r->smsw32 == (uint32_t)cr0 &&
	      r->smsw16_mem == (uint16_t)cr0 &&
	      r->smsw16_reg == (UPPER_KEPT | (uint16_t)cr0),
	      "%s smsw: %lx/%x/%x/%lx, CR0 is %lx", mode, (unsigned long)r->smsw64,
	      r->smsw32, r->smsw16_mem, (unsigned long)r->smsw16_reg, cr0);
	CHECK(!r->sldt64 && !r->sldt32 && !r->sldt16_mem && r->sldt16_reg == UPPER_KEPT,
	      "%s sldt: %lx/%x/%x/%lx, expected 0 (upper bits of %%ax kept)", mode,
	      (unsigned long)r->sldt64, r->sldt32, r->sldt16_mem,
	      (unsigned long)r->sldt16_reg);
	CHECK(!r->str64 && !r->str32 && !r->str16_mem,
	      "%s str: %lx/%x/%x, expected 0", mode, (unsigned long)r->str64, r->str32,
	      r->str16_mem);
}

static void test_kernel_mode(void)
{
	struct results *r = &user_r;

	memset(r, 0xa5, sizeof(*r));
	HYPERVISOR_set_segment_base(SEGBASE_FS, (unsigned long)r);
	trap_reset();
	asm volatile("call umip_body" :: "b"(r), "c"(1UL) : "rax", "memory");
	HYPERVISOR_set_segment_base(SEGBASE_FS, 0);
	CHECK(!last_trap.count, "%u exceptions, the last %u at %lx", last_trap.count,
	      last_trap.vector, last_trap.rip);
	check_results("kernel", r);
}

/*
 * Guest user mode: the user root is the kernel's own L4 (every page of
 * ours is a user page to the CPU), the body runs with RBX/RCX/FS set as
 * in kernel mode and ends in SYSCALL, which our syscall callback turns
 * back into a return here.
 */
static uint8_t kernel_stack[8192] __aligned(16);
static uint8_t user_stack[4096] __aligned(16);
static struct jmp_ctx resume_ctx;
extern char user_entry[];
asm(".pushsection .text\n"
    "user_entry:\n\t"
    "call umip_body\n\t"
    "syscall\n\t"
    "ud2\n\t"
    ".popsection");

static void back_from_user(struct trap_frame *f)
{
	if ((f->vector & ~TRAP_HAS_EC) != VEC_SYSCALL_CB)
		test_error("unexpected callback 0x%lx", f->vector);
	ctx_resume(&resume_ctx);
}

static bool enter_user(void (*entry)(void), uint64_t rbx, uint64_t rcx)
{
	static struct iret_context frame;
	struct mmuext_op op = {
		.cmd = MMUEXT_NEW_USER_BASEPTR,
		.arg1.mfn = virt_to_mfn((void *)start_info->pt_base),
	};
	struct callback_register cb = {
		.type = CALLBACKTYPE_syscall,
		.address = (unsigned long)syscall_callback_entry,
		.flags = CALLBACKF_mask_events,
	};

	if (!check_rc("MMUEXT_NEW_USER_BASEPTR(kernel L4)",
		      HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0) ||
	    !check_rc("stack_switch", HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
				(unsigned long)kernel_stack + sizeof(kernel_stack)), 0) ||
	    !check_rc("register syscall callback",
		      HYPERVISOR_callback_op(CALLBACKOP_register, &cb), 0))
		return false;
	callback_hook = back_from_user;
	/* RCX comes from the frame; RBX rides along in its register. */
	frame = (struct iret_context){
		.rcx = rcx,
		.rip = (uint64_t)entry, .cs = FLAT_USER_CS64, .rflags = X86_EFLAGS_MBS,
		.rsp = (uint64_t)user_stack + sizeof(user_stack), .ss = FLAT_USER_SS,
	};
	if (ctx_save(&resume_ctx) == 0) {
		asm volatile("mov %0, %%rbx\n\t"
			     "mov %1, %%rdi\n\t"
			     "jmp do_iret"
			     :: "r"(rbx), "r"(&frame) : "rbx", "rdi", "memory");
	}
	callback_hook = NULL;
	return true;
}

static void test_user_mode(void)
{
	memset(&user_r, 0xa5, sizeof(user_r));
	/* The user GS/FS: set while in kernel mode, FS is shared by both. */
	HYPERVISOR_set_segment_base(SEGBASE_FS, (unsigned long)&user_r);
	trap_reset();
	if (!enter_user((void (*)(void))user_entry, (uint64_t)&user_r, 1))
		return;
	HYPERVISOR_set_segment_base(SEGBASE_FS, 0);
	CHECK(!last_trap.count, "%u exceptions in user mode, the last %u at %lx",
	      last_trap.count, last_trap.vector, last_trap.rip);
	check_results("user", &user_r);
}

/*
 * The rarer encodings: a REX.B register, disp32 (mod 2), SIB with no
 * base (disp32 + index), a GS override, and a 32-bit address (0x67),
 * which truncates our kernel address to an unmapped one: #PF there.
 */
static struct slot {
	struct desc_ptr p;
	uint8_t pad[6];
} forms[3] __aligned(16);
_Static_assert(sizeof(struct slot) == 16, "layout");

static void test_operand_forms(void)
{
	register unsigned long r9 asm("r9") = POISON_R9;
	unsigned long rip, base = (unsigned long)forms - 0x100;

	memset(forms, 0xa5, sizeof(forms));
	HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&forms[2]);
	trap_reset();
	asm volatile("str %%r9d\n\t"
		     "sgdt 0x100(%[base])\n\t"		/* forms[0] */
		     "sidt forms+8(,%[one],8)\n\t"	/* forms[1] */
		     "sgdt %%gs:0\n\t"			/* forms[2] */
		     : "+r"(r9) : [base] "r"(base), [one] "r"(1UL) : "memory");
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: sgdt (%k[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip) : [p] "r"(forms) : "memory");
	HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0);
	if (check_trap("sgdt with a 32-bit address", X86_EXC_PF, rip, NO_EC))
		CHECK(last_trap.cr2 == (uint32_t)(unsigned long)forms,
		      "32-bit address: CR2 %lx, expected %x", (unsigned long)last_trap.cr2,
		      (uint32_t)(unsigned long)forms);
	if (ref_xen)
		return;
	CHECK(r9 == 0, "str %%r9d: %lx", r9);
	for (unsigned int i = 0; i < ARRAY_SIZE(forms); i++)
		CHECK(forms[i].p.base == 0 && forms[i].p.limit == 0,
		      "form %u: base %lx limit %x", i, (unsigned long)forms[i].p.base,
		      forms[i].p.limit);
}

/* A store the instruction cannot make: the fault it would raise itself. */
static void test_bad_operands(void)
{
	unsigned long rip;

	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: sgdt (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip) : [p] "r"(0x1000UL) : "memory");
	if (check_trap("sgdt to an unmapped page", X86_EXC_PF, rip, PFEC_WRITE))
		CHECK(last_trap.cr2 == 0x1000, "sgdt: CR2 %lx", (unsigned long)last_trap.cr2);

	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: sidt (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip) : [p] "r"(BAD_PTR_HYPERVISOR) : "memory");
	if (check_trap("sidt to the hypervisor's directmap", X86_EXC_PF, rip, NO_EC))
		CHECK(last_trap.cr2 == (unsigned long)BAD_PTR_HYPERVISOR &&
		      (last_trap.error_code & PFEC_WRITE),
		      "sidt: CR2 %lx error code %lx", (unsigned long)last_trap.cr2,
		      (unsigned long)last_trap.error_code);

	trap_reset();
	asm volatile("lea 1f(%%rip), %[rip]\n\t"
		     "1: smsww (%[p])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [rip] "=&r"(rip) : [p] "r"(NONCANONICAL_ADDR) : "memory");
	check_trap("smsw to a non-canonical address", X86_EXC_GP, rip, 0);

}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "umip: kernel mode", test_kernel_mode },
		{ "umip: user mode", test_user_mode },
		{ "umip: operand forms", test_operand_forms },
		{ "umip: stores that fault", test_bad_operands },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	if (!map_shared_info(&rc))
		test_abort("update_va_mapping(shared_info): rc %ld", rc);
	ref_xen = cmdline_has("ref=xen");
	run_cases(cases, ARRAY_SIZE(cases));
}
