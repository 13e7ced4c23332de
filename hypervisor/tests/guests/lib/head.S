/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PV entry point. The builder enters in guest kernel mode with RSI = the
 * start_info page and RSP on its bootstrap stack (pv-abi-core.md 2.6); we
 * use a stack inside our own image instead, so that nothing depends on
 * where the builder put its stack.
 */
#define BOOT_STACK_SIZE 16384

	.section .text.head, "ax"
	.globl _start
_start:
	cld
	mov	%rsi, %r12			/* start_info, survives rep stos */
	lea	_bss_start(%rip), %rdi
	lea	_bss_end(%rip), %rcx
	sub	%rdi, %rcx
	shr	$3, %rcx			/* the linker script page-aligns both */
	xor	%eax, %eax
	rep stosq
	lea	boot_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	mov	%r12, %rdi
	call	guest_main			/* test_main(si), then the report */
	ud2					/* guest_main does not return */

	.section .bss.page_aligned, "aw", @nobits
	.balign 4096
	.globl boot_stack
boot_stack:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
