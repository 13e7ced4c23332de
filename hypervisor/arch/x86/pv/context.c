// SPDX-License-Identifier: GPL-2.0-only
/*
 * PV vCPU context: what moves onto a CPU when a vCPU runs there (registers
 * in the stack-top frame, page-table root, segment bases, GDT, FPU) and
 * back off when it stops. Also the kernel/user mode switch: a PV guest
 * kernel and its user space both run in ring 3, told apart by our
 * in_kernel flag, each with its own page-table root and GS base.
 */
#include <hv/bug.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <asm/desc.h>
#include <asm/m2p.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/tlb-clock.h>

/* The RFLAGS a new vCPU starts with: IF set (guest "IRQs" are the upcall mask). */
#define INITIAL_RFLAGS	(X86_EFLAGS_IF | (1UL << 1))
/* FXSAVE image offset of MXCSR, and its reset value (all exceptions masked). */
#define FXSAVE_MXCSR_OFF	24
#define MXCSR_DEFAULT		0x1f80
#define FXSAVE_FCW_OFF		0
#define FCW_DEFAULT		0x037f

__noreturn void enter_guest_frame(struct cpu_regs *frame);

void pv_cpu_init(void)
{
	/* STAR: SYSCALL loads CS=HV_CS/SS=HV_DS; SYSRET's base is FLAT_RING3_CS32. */
	wrmsr(MSR_STAR, ((uint64_t)(FLAT_RING3_CS32 & ~3) << 48) | ((uint64_t)HV_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_CSTAR, (uint64_t)cstar_entry);
	/*
	 * SYSENTER is not a way in: with a null CS it raises #GP(0) (Intel;
	 * AMD has no SYSENTER in long mode at all), which the guest gets.
	 * Set, not left to firmware, which may have pointed it anywhere.
	 */
	wrmsr(MSR_SYSENTER_CS, 0);
	wrmsr(MSR_SYSENTER_ESP, 0);
	wrmsr(MSR_SYSENTER_EIP, 0);
	/*
	 * Clear IF, TF, DF, AC and NT on entry: we run with interrupts off
	 * until ready, and AC would switch SMAP off (entry.S: CLEAR_AC).
	 */
	wrmsr(MSR_SFMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_AC |
			  X86_EFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* syscall_entry finds this CPU's stack through the inactive GS base. */
	wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)get_cpu_info());
	wrmsr(MSR_GS_BASE, 0);
}

/* entry.S's fast paths read struct vcpu up to here: keep it on one page. */
#define VCPU_HOT_END	__builtin_offsetof(struct vcpu, arch.traps[X86_EXC_PF + 1])

void pv_vcpu_init(struct vcpu *v)
{
	struct pv_vcpu *pv = &v->arch;
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;

	/*
	 * Each page of it they touch costs a TLB refill under TCG (issue
	 * 15). struct vcpu is bigger than the heap's largest class, so it
	 * comes at the start of its own pages, after the heap's header.
	 */
	ASSERT(((unsigned long)v & ~PAGE_MASK) + VCPU_HOT_END <= PAGE_SIZE);

	pv->regs.cs = FLAT_KERNEL_CS;
	pv->regs.ss = FLAT_KERNEL_SS;
	pv->regs.rflags = INITIAL_RFLAGS;
	pv->in_kernel = true;
	pv->kernel_ss = FLAT_KERNEL_SS;
	memcpy(pv->fpu.fxsave + FXSAVE_FCW_OFF, &fcw, sizeof(fcw));
	memcpy(pv->fpu.fxsave + FXSAVE_MXCSR_OFF, &mxcsr, sizeof(mxcsr));
	/* What "mov %cr4" shows the guest: the bits Linux expects to see set. */
	pv->vcr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	/* Debug registers start at their architectural reset values. */
	pv->debugreg[6] = DR6_DEFAULT;
	pv->debugreg[7] = DR7_DEFAULT;
}

void pv_domain_destroy(struct domain *d)
{
	for (unsigned long pfn = 0; d->arch.p2m && pfn < d->arch.nr_pfns; pfn++)
		if (d->arch.p2m[pfn] != INVALID_MFN)
			m2p_set(d->arch.p2m[pfn], M2P_INVALID);
	/*
	 * No lock: none of d's vCPUs runs any more, so no update_descriptor
	 * or set_gdt of its can be under way (domain_destroy() waited).
	 */
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		for (unsigned int p = 0; p < GDT_GUEST_PAGES; p++)
			free_pages(d->vcpu[i]->arch.gdt_shadow[p], 0);
	xfree(d->arch.p2m);
}

static void load_gdt_of(const struct vcpu *v)
{
	mfn_t mfns[GDT_GUEST_PAGES];
	unsigned int n = DIV_ROUND_UP(v->arch.gdt_ents, 512);

	for (unsigned int i = 0; i < n; i++)
		mfns[i] = virt_to_mfn(v->arch.gdt_shadow[i]);
	desc_load_guest_gdt(mfns, n);
}

/*
 * db_selftest: while a guest runs, an instruction breakpoint of ours on
 * syscall_entry (DR3, unless the guest uses DR3), so every hypercall and
 * system call takes a #DB in ring 0 with RSP still the guest's: the
 * position XSA-260's mov-SS #DB puts the CPU in, which QEMU's TCG does
 * not reproduce. For tests (guest-tests.sh boots debug-regs with it).
 */
static bool opt_db_selftest;
boolean_param("db_selftest", opt_db_selftest);
#define SELFTEST_BP		3
#define DR7_L3_EXEC_1BYTE	(1UL << (2 * SELFTEST_BP))
#define DR7_BP3_CONTROL		(0xfUL << (16 + 4 * SELFTEST_BP))

void pv_load_debugregs(const struct vcpu *v)
{
	const unsigned long *dr = v->arch.debugreg;
	unsigned long dr7 = dr[7];

	/* DR7 off first, so no breakpoint is armed with stale addresses. */
	write_dr7(DR7_DEFAULT);
	write_dr0(dr[0]);
	write_dr1(dr[1]);
	write_dr2(dr[2]);
	write_dr3(dr[3]);
	if (opt_db_selftest && !DR7_ENABLED(dr7, SELFTEST_BP)) {
		write_dr3((unsigned long)syscall_entry);
		dr7 = (dr7 & ~DR7_BP3_CONTROL) | DR7_L3_EXEC_1BYTE;
	}
	if (dr7 & 0xff)
		write_dr7(dr7);
}

/*
 * A guest's data selectors go with its vCPU, as its registers do: the next
 * vCPU on this CPU must neither see them nor lose its own. A selector that
 * no longer loads (the guest changed its GDT since) becomes null, as a
 * segment load fault would leave it on Xen.
 */
#define LOAD_SELECTOR(seg, sel)						\
	__asm__ __volatile__("1: movl %k0, %%" #seg "\n\t"		\
			     "2:\n\t"					\
			     ".pushsection .text.fixup, \"ax\"\n"	\
			     "3: xorl %k0, %k0\n\t"			\
			     "movl %k0, %%" #seg "\n\t"		\
			     "jmp 2b\n\t"				\
			     ".popsection\n\t"				\
			     ".pushsection .ex_table, \"a\"\n\t"	\
			     ".balign 8\n\t"				\
			     ".quad 1b, 3b\n\t"				\
			     ".popsection"					\
			     : "+r"(sel) :: "memory")

#define SAVE_SELECTOR(seg, sel)						\
	__asm__ __volatile__("movw %%" #seg ", %0" : "=m"(sel))

static void load_selectors(const struct pv_vcpu *pv)
{
	unsigned int ds = pv->sel_ds, es = pv->sel_es, fs = pv->sel_fs, gs = pv->sel_gs;

	LOAD_SELECTOR(ds, ds);
	LOAD_SELECTOR(es, es);
	LOAD_SELECTOR(fs, fs);
	LOAD_SELECTOR(gs, gs);
}

static void save_selectors(struct pv_vcpu *pv)
{
	SAVE_SELECTOR(ds, pv->sel_ds);
	SAVE_SELECTOR(es, pv->sel_es);
	SAVE_SELECTOR(fs, pv->sel_fs);
	SAVE_SELECTOR(gs, pv->sel_gs);
}

static unsigned long live_cr3_of(const struct vcpu *v)
{
	return (v->arch.in_kernel ? v->arch.kernel_cr3 : v->arch.user_cr3) << PAGE_SHIFT;
}

/* Everything of pv_load_vcpu but the page tables. */
static void load_state(struct vcpu *v, struct cpu_regs *frame)
{
	struct pv_vcpu *pv = &v->arch;

	*frame = pv->regs;
	load_gdt_of(v);
	/* Selectors first: loading FS/GS sets their bases, which the MSRs then fix. */
	load_selectors(pv);
	wrmsr(MSR_FS_BASE, pv->fs_base);
	wrmsr(MSR_GS_BASE, pv->in_kernel ? pv->gs_base_kernel : pv->gs_base_user);
	__asm__ __volatile__("fxrstor64 %0" :: "m"(pv->fpu));
	pv_load_debugregs(v);
	write_cr0(pv->vcr0_ts ? read_cr0() | X86_CR0_TS : read_cr0() & ~X86_CR0_TS);
}

void pv_load_vcpu(struct vcpu *v, struct cpu_regs *frame)
{
	tlb_load_cr3(live_cr3_of(v));
	load_state(v, frame);
}

void pv_resume_vcpu(struct vcpu *v, struct cpu_regs *frame)
{
	/*
	 * Its page tables never left this CPU (sched.c's lazy idle
	 * switching). What the TLB still holds of them is what it held when
	 * @v stopped, less whatever a flush took since: every flush aimed at
	 * @v (v->processor still names this CPU) or at a frame it used (the
	 * flush clock: tlb_on_guest_tables is still set) came here. So it is
	 * what a CR3 reload would leave, short of entries the guest itself
	 * took away without asking for a flush, which hardware and Xen may
	 * keep too. Its roots cannot have changed meanwhile: only @v itself
	 * (new_baseptr) and VCPUOP_initialise of a vCPU that never ran
	 * change them, and teardown waits for this CPU to let @v go.
	 */
	BUG_ON(read_cr3() != live_cr3_of(v));
	load_state(v, frame);
}

void pv_save_vcpu(struct vcpu *v, const struct cpu_regs *frame)
{
	struct pv_vcpu *pv = &v->arch;

	pv->regs = *frame;
	save_selectors(pv);
	pv->fs_base = rdmsr(MSR_FS_BASE);
	if (pv->in_kernel)
		pv->gs_base_kernel = rdmsr(MSR_GS_BASE);
	else
		pv->gs_base_user = rdmsr(MSR_GS_BASE);
	/* The guest may have TS set; fxsave would fault with #NM. */
	write_cr0(read_cr0() & ~X86_CR0_TS);
	__asm__ __volatile__("fxsave64 %0" : "=m"(pv->fpu));
	write_dr7(DR7_DEFAULT);		/* no guest breakpoint outlives its vCPU */
}

void pv_unload_vcpu(void)
{
	/*
	 * Off the guest's page tables, so they can be freed while it is off.
	 * With lazy idle switching (sched.c) this happens only when an idle
	 * CPU must let go of the vCPU it still holds.
	 */
	tlb_load_cr3(idle_pg_table_cr3);
	desc_load_guest_gdt(NULL, 0);
}

__noreturn void pv_enter_guest(struct cpu_regs *frame)
{
	enter_guest_frame(frame);
}

void pv_toggle_guest_mode(struct vcpu *v)
{
	struct pv_vcpu *pv = &v->arch;

	if (pv->in_kernel) {
		pv->gs_base_kernel = rdmsr(MSR_GS_BASE);
		wrmsr(MSR_GS_BASE, pv->gs_base_user);
		tlb_load_cr3(pv->user_cr3 << PAGE_SHIFT);
	} else {
		pv->gs_base_user = rdmsr(MSR_GS_BASE);
		wrmsr(MSR_GS_BASE, pv->gs_base_kernel);
		tlb_load_cr3(pv->kernel_cr3 << PAGE_SHIFT);
	}
	pv->in_kernel = !pv->in_kernel;
}

void pv_dump_guest_state(const struct vcpu *v, const struct cpu_regs *r)
{
	printk("d%uv%u: %s mode, RIP %04llx:%p RFLAGS %016llx\n", v->domain->domain_id,
	       v->vcpu_id, v->arch.in_kernel ? "kernel" : "user", (unsigned long long)r->cs,
	       (void *)r->rip, (unsigned long long)r->rflags);
	printk("d%uv%u: RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n",
	       v->domain->domain_id, v->vcpu_id, (unsigned long long)r->rax,
	       (unsigned long long)r->rbx, (unsigned long long)r->rcx,
	       (unsigned long long)r->rdx);
	printk("d%uv%u: RSI %016llx RDI %016llx RBP %016llx RSP %016llx\n",
	       v->domain->domain_id, v->vcpu_id, (unsigned long long)r->rsi,
	       (unsigned long long)r->rdi, (unsigned long long)r->rbp,
	       (unsigned long long)r->rsp);
	printk("d%uv%u: R8  %016llx R9  %016llx R10 %016llx R11 %016llx\n",
	       v->domain->domain_id, v->vcpu_id, (unsigned long long)r->r8,
	       (unsigned long long)r->r9, (unsigned long long)r->r10,
	       (unsigned long long)r->r11);
	printk("d%uv%u: R12 %016llx R13 %016llx R14 %016llx R15 %016llx\n",
	       v->domain->domain_id, v->vcpu_id, (unsigned long long)r->r12,
	       (unsigned long long)r->r13, (unsigned long long)r->r14,
	       (unsigned long long)r->r15);
	printk("d%uv%u: SS %04llx CR2 %016lx CR3 %016lx vector %llu error %#llx\n",
	       v->domain->domain_id, v->vcpu_id, (unsigned long long)r->ss,
	       v->vcpu_info ? (unsigned long)v->vcpu_info->arch.cr2 : 0UL, read_cr3(),
	       (unsigned long long)r->vector, (unsigned long long)r->error_code);
}
