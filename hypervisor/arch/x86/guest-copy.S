/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Byte copies that may fault: the guest-access helpers' engine. A fault
 * in "rep movsb/stosb" resumes at the fixup with RCX = bytes not done.
 */
	.section .text

/* unsigned long raw_copy_guest(void *dst, const void *src, size_t len) */
	.globl raw_copy_guest
raw_copy_guest:
	movq	%rdx, %rcx
1:	rep movsb
	xorl	%eax, %eax
	ret
2:	movq	%rcx, %rax
	ret
	.pushsection .ex_table, "a"
	.balign 8
	.quad 1b, 2b
	.popsection

/* unsigned long raw_clear_guest(void *dst, size_t len) */
	.globl raw_clear_guest
raw_clear_guest:
	movq	%rsi, %rcx
	xorl	%eax, %eax
3:	rep stosb
	ret
4:	movq	%rcx, %rax
	ret
	.pushsection .ex_table, "a"
	.balign 8
	.quad 3b, 4b
	.popsection
