/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and interrupt entry: one small stub per vector pushes a dummy
 * error code where the CPU pushes none, then the vector number, and jumps
 * to a common path that saves the general registers as struct cpu_regs
 * (asm/regs.h) and calls do_trap(regs).
 */
#include <asm/regs.h>
#include <asm/cpu-defs.h>
#include <public/xen.h>

/* Record that a fault at \from resumes at \to (see extable.c). */
.macro EXTABLE from, to
	.pushsection .ex_table, "a"
	.balign 8
	.quad \from, \to
	.popsection
.endm

.macro SAVE_GPRS
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro RESTORE_GPRS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
.endm

/*
 * Clear RFLAGS.AC. Interrupt and exception entries keep the interrupted
 * code's AC, which a guest can set with popf at any CPL, and with AC set
 * SMAP lets the hypervisor touch guest pages anywhere. SYSCALL clears AC
 * through MSR_SFMASK already; this is the same rule for every entry.
 * clac is #UD on a CPU without SMAP (where AC means nothing in ring 0),
 * hence the test; it changes only arithmetic flags, and the interrupted
 * code's are in the frame or in R11 by now.
 */
.macro CLEAR_AC
	testb	$1, cpu_has_smap(%rip)
	jz	.Lno_smap_\@
	clac
.Lno_smap_\@:
.endm

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.section .text
	.balign 16
common_entry:
	CLEAR_AC
	SAVE_GPRS
	cld
	movq	%rsp, %rdi
	/* A frame record so stack traces walk through the trap. */
	pushq	REGS_RIP(%rsp)		/* interrupted rip as the return address */
	pushq	%rbp
	movq	%rsp, %rbp
	call	do_trap
	addq	$16, %rsp
	/* Back to a guest (ring 3)? Leave through the one guest exit. */
	testb	$3, REGS_CS(%rsp)
	jnz	restore_guest_regs
	RESTORE_GPRS
	addq	$16, %rsp		/* vector and error code */
	iretq

/*
 * SYSCALL from a guest (ring 3) leaves no frame and switches no stack:
 * borrow the hypervisor's per-CPU pointer from MSR_KERNEL_GS_BASE for a
 * moment to find this CPU's stack, build the frame an exception from ring
 * 3 would (with the selectors the guest had: @ss, @cs) and hand it to C.
 * The hypervisor itself never uses %gs.
 */
.macro SYSCALL_FRAME ss, cs
	CLEAR_AC
	swapgs
	movq	%rsp, %gs:CPUINFO_SCRATCH_RSP
	movq	%gs:CPUINFO_SELF, %rsp
	pushq	$\ss
	pushq	%gs:CPUINFO_SCRATCH_RSP
	swapgs
	pushq	%r11			/* RFLAGS */
	pushq	$\cs
	pushq	%rcx			/* RIP */
	pushq	$0			/* error code */
	pushq	$VECTOR_SYSCALL
	SAVE_GPRS
	cld
	movq	%rsp, %rdi
	call	do_guest_syscall
.endm

/* 64-bit SYSCALL (MSR_LSTAR): hypercalls, and guest user space's system calls. */
	.balign 16
	.globl syscall_entry
syscall_entry:
	SYSCALL_FRAME FLAT_KERNEL_SS, FLAT_KERNEL_CS
	/* fall through */

/*
 * The one way back to a guest: RSP points at its frame (struct cpu_regs)
 * at the top of this CPU's stack.
 */
	.globl restore_guest_regs
restore_guest_regs:
	cli
	RESTORE_GPRS
	addq	$16, %rsp
guest_iret:
	iretq
	/*
	 * iretq faults (#GP/#NP/#SS) when the frame holds selectors or an
	 * address the CPU refuses. The fault handler resumes here with the
	 * guest's registers loaded again and RSP at the frame's RIP slot
	 * (the words below were overwritten by the fault's own frame): save
	 * the registers again to rebuild the frame, and hand it to C.
	 */
	EXTABLE guest_iret, guest_iret_fault
guest_iret_fault:
	pushq	$0			/* error code */
	pushq	$0			/* vector */
	SAVE_GPRS
	movq	%rsp, %rdi
	call	do_guest_iret_fault
	jmp	restore_guest_regs

/* Run @fn on a fresh stack: used to go idle or enter a guest. */
	.globl reset_stack_and_call
reset_stack_and_call:		/* (void (*fn)(void), unsigned long rsp) */
	movq	%rsi, %rsp
	xorl	%ebp, %ebp
	call	*%rdi
	ud2

/*
 * SYSCALL from compatibility mode (a guest's 32-bit code): MSR_CSTAR.
 * Left at 0, it would send the CPU to address 0 in ring 0, so it is set
 * even though no PV kernel runs 32-bit; C decides what the guest gets.
 */
	.balign 16
	.globl cstar_entry
cstar_entry:
	SYSCALL_FRAME FLAT_USER_SS32, FLAT_USER_CS32
	jmp	restore_guest_regs

/* Enter the guest whose registers are in the frame at @frame. */
	.globl enter_guest_frame
enter_guest_frame:		/* (struct cpu_regs *frame) */
	movq	%rdi, %rsp
	jmp	restore_guest_regs

	.pushsection .rodata
	.balign 8
	.globl entry_stubs
entry_stubs:
	.popsection

	.balign 16
	vec = 0
	.rept 256
	.balign 16
1:
	.if HAS_ERRCODE(vec) == 0
	pushq	$0
	.endif
	pushq	$vec
	jmp	common_entry
	.pushsection .rodata
	.quad	1b
	.popsection
	vec = vec + 1
	.endr
