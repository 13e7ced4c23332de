/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and interrupt entry: one small stub per vector pushes a dummy
 * error code where the CPU pushes none, then the vector number, and jumps
 * to a common path that saves the general registers as struct cpu_regs
 * (asm/regs.h) and calls do_trap(regs).
 */
#include <asm/regs.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.section .text
	.balign 16
common_entry:
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
	cld
	movq	%rsp, %rdi
	/* A frame record so stack traces walk through the trap. */
	pushq	REGS_RIP(%rsp)		/* interrupted rip as the return address */
	pushq	%rbp
	movq	%rsp, %rbp
	call	do_trap
	addq	$16, %rsp
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
	addq	$16, %rsp		/* vector and error code */
	iretq

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
