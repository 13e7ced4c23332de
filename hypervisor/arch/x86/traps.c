// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exceptions and interrupts taken in the hypervisor. Interrupts go to
 * their handler; an exception in hypervisor context is a hypervisor bug:
 * we print everything a developer needs (all registers, control registers,
 * the fault address and error code decoded, a stack trace), stop the other
 * CPUs and stop the machine. Guest exceptions are bounced (issue 3).
 */
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/pirq.h>
#include <asm/extable.h>
#include <asm/io.h>
#include <asm/pv.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/ipi.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/watchdog.h>

BUILD_BUG_ON(__builtin_offsetof(struct cpu_regs, vector) != REGS_VECTOR);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_regs, rip) != REGS_RIP);
BUILD_BUG_ON(sizeof(struct cpu_regs) != REGS_SIZE);
BUILD_BUG_ON(sizeof(struct cpu_info) != CPU_INFO_SIZE);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_info, self) != CPUINFO_SELF);
BUILD_BUG_ON(__builtin_offsetof(struct cpu_info, scratch_rsp) != CPUINFO_SCRATCH_RSP);

#define STACK_TRACE_MAX_FRAMES	32
/* Exit code for a fatal error in test mode (QEMU reports (code << 1) | 1). */
#define FATAL_EXIT_CODE		3

static const char *const exc_names[X86_NR_EXC] = {
	[X86_EXC_DE] = "#DE divide error",
	[X86_EXC_DB] = "#DB debug",
	[X86_EXC_NMI] = "NMI",
	[X86_EXC_BP] = "#BP breakpoint",
	[X86_EXC_OF] = "#OF overflow",
	[X86_EXC_BR] = "#BR bound range",
	[X86_EXC_UD] = "#UD invalid opcode",
	[X86_EXC_NM] = "#NM device not available",
	[X86_EXC_DF] = "#DF double fault",
	[X86_EXC_TS] = "#TS invalid TSS",
	[X86_EXC_NP] = "#NP segment not present",
	[X86_EXC_SS] = "#SS stack fault",
	[X86_EXC_GP] = "#GP general protection",
	[X86_EXC_PF] = "#PF page fault",
	[X86_EXC_MF] = "#MF x87 error",
	[X86_EXC_AC] = "#AC alignment check",
	[X86_EXC_MC] = "#MC machine check",
	[X86_EXC_XM] = "#XM SIMD error",
	[X86_EXC_VE] = "#VE virtualization",
	[X86_EXC_CP] = "#CP control protection",
};

/* Set by the CPU that panics first; others stop when they see it. */
static volatile int panicking = -1;

static bool addr_in_stack_block(unsigned long a, unsigned long block)
{
	return a >= block && a + 16 <= block + STACK_SIZE;
}

void arch_dump_stack(unsigned long rbp)
{
	unsigned long sp, block;

	__asm__ ("mov %%rsp, %0" : "=r"(sp));
	block = sp & ~(unsigned long)(STACK_SIZE - 1);
	printk("Stack trace (frame pointers):\n");
	/* Walk only inside our own stack block, so a corrupt chain cannot fault. */
	for (unsigned int i = 0; i < STACK_TRACE_MAX_FRAMES; i++) {
		unsigned long *frame = (unsigned long *)rbp;

		if (!rbp || (rbp & 7) || !addr_in_stack_block(rbp, block))
			break;
		if (!frame[1])
			break;
		printk("  [<%p>]\n", (void *)frame[1]);
		rbp = frame[0];
	}
}

static void dump_regs(const struct cpu_regs *r)
{
	printk("RIP: %04llx:%p  RFLAGS: %016llx\n", (unsigned long long)r->cs,
	       (void *)r->rip, (unsigned long long)r->rflags);
	printk("RAX: %016llx  RBX: %016llx  RCX: %016llx\n", (unsigned long long)r->rax,
	       (unsigned long long)r->rbx, (unsigned long long)r->rcx);
	printk("RDX: %016llx  RSI: %016llx  RDI: %016llx\n", (unsigned long long)r->rdx,
	       (unsigned long long)r->rsi, (unsigned long long)r->rdi);
	printk("RBP: %016llx  RSP: %016llx  R8:  %016llx\n", (unsigned long long)r->rbp,
	       (unsigned long long)r->rsp, (unsigned long long)r->r8);
	printk("R9:  %016llx  R10: %016llx  R11: %016llx\n", (unsigned long long)r->r9,
	       (unsigned long long)r->r10, (unsigned long long)r->r11);
	printk("R12: %016llx  R13: %016llx  R14: %016llx\n", (unsigned long long)r->r12,
	       (unsigned long long)r->r13, (unsigned long long)r->r14);
	printk("R15: %016llx  SS: %04llx\n", (unsigned long long)r->r15,
	       (unsigned long long)r->ss);
	printk("CR0: %016lx  CR2: %016lx  CR3: %016lx  CR4: %016lx\n", read_cr0(),
	       read_cr2(), read_cr3(), read_cr4());
}

/* Claim the panic; a second CPU arriving here just stops. */
static void enter_fatal(void)
{
	int me = (int)smp_processor_id();

	local_irq_disable();
	if (!__sync_bool_compare_and_swap(&panicking, -1, me) && panicking != me)
		for (;;)
			halt();
	console_force_unlock();
}

static __noreturn void die(void)
{
	arch_stop_other_cpus();
	printk("ward: system halted\n");
	if (opt_test_exit)
		arch_power_off(FATAL_EXIT_CODE);
	for (;;)
		halt();
}

static __noreturn void fatal_trap(const struct cpu_regs *r)
{
	unsigned int vec = (unsigned int)r->vector;

	enter_fatal();
	printk("\n*** FATAL TRAP on CPU %u: vector %u (%s), error code %#llx ***\n",
	       smp_processor_id(), vec, vec < X86_NR_EXC && exc_names[vec] ? exc_names[vec] : "?",
	       (unsigned long long)r->error_code);
	if (vec == X86_EXC_PF) {
		uint32_t ec = (uint32_t)r->error_code;

		printk("Faulting address (CR2): %p [%s %s%s%s]\n", (void *)read_cr2(),
		       ec & PFEC_PRESENT ? "protection" : "not-present",
		       ec & PFEC_INSN ? "fetch" : ec & PFEC_WRITE ? "write" : "read",
		       ec & PFEC_USER ? " user" : " supervisor",
		       ec & PFEC_RSVD ? " reserved-bit" : "");
	}
	dump_regs(r);
	printk("  [<%p>] (faulting instruction)\n", (void *)r->rip);
	arch_dump_stack(r->rbp);
	die();
}

/*
 * Exceptions that run on IST stacks: their frame is not the guest frame.
 * (#DB runs on one too, but do_trap moves a guest's #DB frame first.)
 */
static bool is_ist_vector(unsigned int vec)
{
	return vec == X86_EXC_NMI || vec == X86_EXC_DF || vec == X86_EXC_MC;
}

bool arch_in_nmi(void)
{
	return get_cpu_info()->in_nmi;
}

/* System control port B (port 0x61): the platform's NMI reasons. */
#define PORT_SYSCTL_B		0x61
#define SYSCTL_B_SERR		0x80	/* a PCI system error */
#define SYSCTL_B_IOCHK		0x40	/* an I/O channel check */

/*
 * An NMI other than the panic path's stop request: the watchdog's request
 * for a report (watchdog.c: this CPU has been stuck with interrupts off),
 * the platform's (LINT1 on the boot CPU: SERR, IOCHK, a BMC's or QEMU's
 * "nmi" button) or a stray one. Nothing here needs the machine stopped:
 * report and return to whatever was interrupted, guest or hypervisor (on
 * the NMI IST stack, which this never leaves; common_entry's return
 * handles both).
 */
static void do_nmi(const struct cpu_regs *regs)
{
	struct cpu_info *ci = get_cpu_info();
	uint64_t stuck_ms;
	uint8_t reason;

	ci->in_nmi = true;
	stuck_ms = watchdog_take_request();
	if (stuck_ms) {
		printk(LOG_ERR "\n*** Watchdog: CPU %u stuck for %llu ms with interrupts off ***\n",
		       ci->cpu, (unsigned long long)stuck_ms);
		dump_regs(regs);
		printk("  [<%p>] (interrupted instruction)\n", (void *)regs->rip);
		arch_dump_stack(regs->rbp);
		printk(LOG_ERR "Watchdog: CPU %u goes on\n", ci->cpu);
		ci->in_nmi = false;
		return;
	}
	reason = inb(PORT_SYSCTL_B);
	printk_ratelimited(LOG_WARN "CPU %u: NMI at %04lx:%p (%s%s), ignored\n",
			   ci->cpu, (unsigned long)regs->cs, (void *)regs->rip,
			   (reason & SYSCTL_B_SERR) ? "SERR " : "",
			   (reason & SYSCTL_B_IOCHK) ? "IOCHK" :
			   (reason & SYSCTL_B_SERR) ? "" : "no platform error flagged");
	ci->in_nmi = false;
}

/* A guest #DB, its frame moved to the normal stack (see do_trap). */
static __noreturn void guest_debug(void)
{
	pv_exception(guest_regs());
	pv_enter_guest(guest_regs());
}

void do_trap(struct cpu_regs *regs);
void do_trap(struct cpu_regs *regs)
{
	unsigned int vec = (unsigned int)regs->vector;
	bool from_guest = (regs->cs & 3) == 3;
	unsigned long fixup;

	/* entry.S: CLEAR_AC (AC means nothing in ring 0 without SMAP). */
	ASSERT(!cpu_has_smap || !(read_rflags() & X86_EFLAGS_AC));
	switch (vec) {
	case LAPIC_TIMER_VECTOR:
		apic_timer_interrupt();
		if (from_guest) {
			pv_sample_guest(regs);
			pv_exit_to_guest(regs);
		}
		return;
	case EVENT_CHECK_VECTOR:
	case TLB_FLUSH_VECTOR:
		ipi_interrupt(vec);
		if (from_guest)
			pv_exit_to_guest(regs);
		return;
	case SPURIOUS_VECTOR:
		return;	/* no EOI for spurious interrupts */
	case IOAPIC_VECTOR_BASE ... IOAPIC_VECTOR_BASE + IOAPIC_MAX_GSIS - 1:
		pirq_interrupt(vec - IOAPIC_VECTOR_BASE);
		if (from_guest)
			pv_exit_to_guest(regs);
		return;
	case X86_EXC_DB:
		if (!from_guest) {
			pv_hypervisor_debug(regs);
			return;
		}
		/*
		 * From a guest, on the #DB IST stack: bouncing it writes guest
		 * memory, where a guest watchpoint may raise the next #DB on
		 * this very stack. Move the frame to where every other entry
		 * from ring 3 has it and go on from the normal stack, which is
		 * empty while a guest runs (desc.c has the invariant).
		 */
		*guest_regs() = *regs;
		arch_reset_stack_and_call(guest_debug);
	case X86_EXC_NMI:
		if (panicking >= 0 && panicking != (int)smp_processor_id())
			for (;;)
				halt();	/* stopped by arch_stop_other_cpus */
		do_nmi(regs);
		return;
	}
	if (from_guest && !is_ist_vector(vec) &&
	    (vec < X86_NR_EXC || vec == LEGACY_SYSCALL_VECTOR)) {
		pv_exception(regs);
		return;
	}
	if (vec < X86_NR_EXC) {
		/* A fault the code expected (guest memory access, guest iret...). */
		fixup = from_guest ? 0 : search_exception_table(regs->rip);
		if (fixup) {
			regs->rip = fixup;
			return;
		}
		fatal_trap(regs);
	}
	pr_warn("CPU %u: unexpected interrupt vector %u\n", smp_processor_id(), vec);
	apic_eoi();
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	enter_fatal();
	printk("\n*** PANIC on CPU %u: ", smp_processor_id());
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk(" ***\n");
	arch_dump_stack((unsigned long)__builtin_frame_address(0));
	die();
}

__noreturn void assert_failed(const char *expr, const char *file, int line, const char *func)
{
	panic("assertion '%s' failed at %s:%d in %s()", expr, file, line, func);
}

/* Deliberate faults, for the register-dump test. noinline keeps the frame visible. */
static __attribute__((noinline)) void fault_pf(void)
{
	/* The last page of the ioremap window is never mapped. */
	volatile uint64_t *p = (volatile uint64_t *)(IOREMAP_VIRT_START + IOREMAP_VIRT_SIZE - 8);

	*p = 0x5741524400000000ULL;
}

static __attribute__((noinline)) void fault_ud(void)
{
	__asm__ __volatile__("ud2");
}

static __attribute__((noinline)) void fault_gp(void)
{
	/* A non-canonical address: #GP, not #PF. */
	volatile uint64_t *p = (volatile uint64_t *)0x8000000000000000ULL;

	(void)*p;
}

static __attribute__((noinline)) void fault_de(void)
{
	volatile unsigned int zero = 0;
	volatile unsigned int x = 1;

	x = x / zero;
}

void arch_self_test_fault(const char *kind)
{
	pr_info("fault=%s: faulting on purpose to test the register dump\n", kind);
	if (!strcmp(kind, "pf"))
		fault_pf();
	else if (!strcmp(kind, "ud"))
		fault_ud();
	else if (!strcmp(kind, "gp"))
		fault_gp();
	else if (!strcmp(kind, "de"))
		fault_de();
	else
		pr_warn("fault=%s: unknown kind (pf, gp, ud, de); ignored\n", kind);
}
