// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzing child: a domU that makes thousands of hypercalls with random
 * numbers and arguments, and random structures behind its pointers. The
 * hypervisor must answer each with an error code, or crash this domain
 * alone; dom0's side (main.c) then checks that the machine goes on and the
 * child's memory comes back. Deterministic for a seed, so a failure can be
 * replayed ("child fuzz seed=N").
 *
 * Left out: the calls that would stop the fuzzing itself rather than test
 * the hypervisor (our trap table and callbacks, iret, stack and FPU state,
 * sched_op other than yield, taking our own vCPU down, console output,
 * remapping our own image).
 * Multicall entries in our buffer get the same treatment. The child may
 * still crash (it can hurt itself in many other ways), which main.c
 * accepts.
 */
#include "lib.h"
#include <ward/ctl.h>
#include "domctl.h"

#define FUZZ_CALLS		40000
#define FUZZ_TRIES		(4 * FUZZ_CALLS)	/* left-out draws count here too */
#define FUZZ_REPORT_EVERY	10000
#define SCRATCH_PAGES		2
#define MAX_HYPERCALL		64	/* numbers tried: 0..63, and now and then far beyond */
#define HUGE_HYPERCALL_1_IN	64

static uint8_t scratch[SCRATCH_PAGES * PAGE_SIZE] __page_aligned;
static uint64_t rng;

static uint64_t next(void)
{
	return xorshift64s(&rng);
}

/* A value of the kind hypercall arguments and structure fields hold. */
static uint64_t pick(void)
{
	uint64_t r = next();

	switch (r % 17) {
	case 0: return 0;
	case 1: return 1;
	case 2: return (uint64_t)-1;
	case 3: return (r >> 8) % 64;			/* small counts, commands, ids */
	case 4: return (r >> 8) % 4096;
	case 5: return (uint32_t)(r >> 8);
	case 6: return (unsigned long)scratch + ((r >> 8) % PAGE_SIZE);	/* inside our buffer */
	case 7: return (unsigned long)scratch;
	case 8: return (unsigned long)BAD_PTR_UNMAPPED;
	case 9: return (unsigned long)BAD_PTR_NONCANONICAL;
	case 10: return (unsigned long)BAD_PTR_M2P + ((r >> 8) % 0x100000);
	case 11: return (unsigned long)BAD_PTR_HYPERVISOR + ((r >> 8) % 0x100000);
	case 12: return DOMID_SELF;
	case 13: return (r >> 8) % 8;			/* domids, vCPUs, ports */
	case 14: return (r >> 8) % 0x80000;		/* machine frames, anyone's */
	case 15: return ((const unsigned long *)start_info->mfn_list)[(r >> 8) %
								    start_info->nr_pages];
	default: return r;
	}
}

/* Fill the buffer our pointers land in with plausible structures. */
static void refill(void)
{
	uint64_t *w = (uint64_t *)scratch;

	for (size_t i = 0; i < sizeof(scratch) / sizeof(*w); i++)
		w[i] = pick();
}

/* A hypercall with a full 64-bit number in RAX (hypercall5 takes 32 bits). */
static long raw_hypercall(unsigned long nr, const unsigned long a[5])
{
	register unsigned long r10 asm("r10") = a[3];
	register unsigned long r8 asm("r8") = a[4];
	unsigned long rdi = a[0], rsi = a[1], rdx = a[2];
	long rax = (long)nr;

	asm volatile("syscall"
		     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10), "+r"(r8)
		     :
		     : "rcx", "r11", "memory");
	return rax;
}

static bool left_out(unsigned long nr, const unsigned long a[5])
{
	switch (nr) {
	case __HYPERVISOR_set_trap_table:
	case __HYPERVISOR_set_callbacks:
	case __HYPERVISOR_callback_op:
	case __HYPERVISOR_iret:
	case __HYPERVISOR_stack_switch:
	case __HYPERVISOR_fpu_taskswitch:
	case __HYPERVISOR_set_segment_base:
	case __HYPERVISOR_console_io:
	case __HYPERVISOR_sched_op_compat:
		return true;
	case __HYPERVISOR_sched_op:
		return a[0] != SCHEDOP_yield;
	case __HYPERVISOR_vcpu_op:
		return a[0] == VCPUOP_down && a[1] == 0;
	case __HYPERVISOR_update_va_mapping:
	case __HYPERVISOR_update_va_mapping_otherdomain:
		/* Remapping our own image or buffer only cuts off the fuzzer. */
		return a[0] >= VIRT_BASE;
	default:
		return false;
	}
}

/*
 * A multicall's entries come from the buffer: give the left-out ones a
 * harmless op instead, so the batch cannot stop the fuzzer either.
 */
static void tame_multicall(unsigned long list, unsigned long *count)
{
	unsigned long end = (unsigned long)scratch + sizeof(scratch);

	if (list < (unsigned long)scratch || list >= end)
		return;
	/* Entries past the buffer would be our own data, run as calls. */
	if (*count > (end - list) / sizeof(multicall_entry_t))
		*count = (end - list) / sizeof(multicall_entry_t);
	for (multicall_entry_t *e = (multicall_entry_t *)list;
	     (unsigned long)(e + 1) <= end; e++) {
		unsigned long a[5] = { e->args[0], e->args[1], e->args[2], e->args[3],
				       e->args[4] };

		if (e->op == __HYPERVISOR_multicall || left_out(e->op, a))
			e->op = __HYPERVISOR_xen_version;
	}
}

/* ---- random instructions ------------------------------------------------ */

#define INSN_RUNS		3000
#define INSN_BYTES		16
#define INT3			0xcc
#define NR_FUZZ_GPRS		15	/* all but RSP */
/* Opcodes tame_code() rewrites (Intel SDM vol. 2, one-byte opcode map). */
#define OP_NOP			0x90
#define OP_HLT			0xf4
#define OP_LOOPNE		0xe0	/* e0-e3: loopne, loope, loop, jrcxz */
#define OP_JCXZ			0xe3
#define OP_JMP_SHORT		0xeb
#define OP_JCC_SHORT		0x70	/* 70-7f: jcc rel8 */
#define OP_JCC_SHORT_LAST	0x7f
#define SHORT_FORWARD_MASK	0x7f

static uint8_t code_page[PAGE_SIZE] __page_aligned;
static uint64_t gprs[NR_FUZZ_GPRS];
static struct jmp_ctx insn_ctx;
static unsigned long insn_traps;

void fuzz_enter_code(const uint64_t *regs);

/* Load every register but RSP from @regs (RDI last) and run code_page. */
asm(".pushsection .text\n"
    "fuzz_enter_code:\n\t"
    "mov 0(%rdi), %rax\n\t"
    "mov 8(%rdi), %rbx\n\t"
    "mov 16(%rdi), %rcx\n\t"
    "mov 24(%rdi), %rdx\n\t"
    "mov 32(%rdi), %rsi\n\t"
    "mov 40(%rdi), %rbp\n\t"
    "mov 48(%rdi), %r8\n\t"
    "mov 56(%rdi), %r9\n\t"
    "mov 64(%rdi), %r10\n\t"
    "mov 72(%rdi), %r11\n\t"
    "mov 80(%rdi), %r12\n\t"
    "mov 88(%rdi), %r13\n\t"
    "mov 96(%rdi), %r14\n\t"
    "mov 104(%rdi), %r15\n\t"
    "mov 112(%rdi), %rdi\n\t"
    "jmp code_page\n"
    ".popsection");

/*
 * Random code that only spins or sleeps tests nothing and stalls the run:
 * no hlt (a PV kernel's hlt sleeps until an event, and ours are masked),
 * no loop/jcxz, and short jumps only forward.
 */
static void tame_code(void)
{
	for (unsigned int i = 0; i < INSN_BYTES; i++) {
		uint8_t b = code_page[i];

		if (b == OP_HLT || (b >= OP_LOOPNE && b <= OP_JCXZ))
			code_page[i] = OP_NOP;
		else if ((b == OP_JMP_SHORT || (b >= OP_JCC_SHORT && b <= OP_JCC_SHORT_LAST)) &&
			 i + 1 < INSN_BYTES)
			code_page[i + 1] &= SHORT_FORWARD_MASK;
	}
}

/* Every exception the random code takes comes back here. */
static void insn_trap(struct trap_frame *f)
{
	(void)f;
	insn_traps++;
	ctx_resume(&insn_ctx);
}

/*
 * Random instructions in guest kernel mode: privileged ones the hypervisor
 * must emulate or refuse, faults it must bounce, writes to our own page
 * tables it must check. Each run is INSN_BYTES random bytes with registers
 * pointing at random places, then int3s; any trap resumes the loop.
 */
void __noreturn child_insn_fuzz(unsigned long seed)
{
	volatile unsigned long runs = 0;

	rng = seed * 0x9e3779b97f4a7c15ULL + 7;
	printk("child: instruction fuzz seed %lu: %u runs\n", seed, INSN_RUNS);
	if (traps_install()) {
		printk("child: FAILED: set_trap_table\n");
		guest_shutdown(SHUTDOWN_reboot);
	}
	trap_hook = insn_trap;
	ctx_save(&insn_ctx);
	while (runs < INSN_RUNS) {
		runs++;
		memset(code_page, INT3, sizeof(code_page));
		for (unsigned int i = 0; i < INSN_BYTES; i++)
			code_page[i] = (uint8_t)next();
		tame_code();
		for (unsigned int i = 0; i < NR_FUZZ_GPRS; i++)
			gprs[i] = pick();
		refill();
		fuzz_enter_code(gprs);
	}
	trap_hook = NULL;
	printk("child: instruction fuzz seed %lu: survived %lu runs (%lu traps)\n", seed,
	       (unsigned long)runs, insn_traps);
	guest_shutdown(SHUTDOWN_poweroff);
}

/* ---- random hypercalls ---------------------------------------------------- */

void __noreturn child_fuzz(unsigned long seed)
{
	unsigned long done = 0, errors = 0, tries = 0;

	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	printk("child: fuzz seed %lu: %u hypercalls\n", seed, FUZZ_CALLS);
	while (done < FUZZ_CALLS && tries++ < FUZZ_TRIES) {
		unsigned long nr = next() % MAX_HYPERCALL, a[5];
		long rc;

		if (next() % HUGE_HYPERCALL_1_IN == 0)
			nr = next();
		for (unsigned int i = 0; i < ARRAY_SIZE(a); i++)
			a[i] = pick();
		if (left_out(nr, a))
			continue;
		refill();
		if (nr == __HYPERVISOR_multicall)
			tame_multicall(a[0], &a[1]);
		rc = raw_hypercall(nr, a);
		if (nr >= MAX_HYPERCALL && nr != WARD_HYPERCALL_ctl && rc != -XEN_ENOSYS) {
			printk("child: FAILED: hypercall %lx gave %ld, not -ENOSYS\n", nr, rc);
			guest_shutdown(SHUTDOWN_reboot);
		}
		errors += rc < 0;
		if (++done % FUZZ_REPORT_EVERY == 0)
			printk("child: fuzz seed %lu: %lu calls, %lu refused\n", seed, done, errors);
	}
	printk("child: fuzz seed %lu: survived %lu calls (%lu refused)\n", seed, done, errors);
	guest_shutdown(SHUTDOWN_poweroff);
}
