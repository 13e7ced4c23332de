// SPDX-License-Identifier: GPL-2.0-only
/*
 * The program fork_exec runs: no libc, no dynamic linker, one exit
 * system call. Built -static -nostdlib, so exec maps a single small
 * text segment and the row measures exec itself, not libc start-up.
 */
#include <sys/syscall.h>

__attribute__((noreturn)) void _start(void)
{
	/* exit(0): rax = SYS_exit, rdi = status; the syscall does not return. */
	__asm__ volatile("syscall" : : "a"(SYS_exit), "D"(0) : "rcx", "r11", "memory");
	__builtin_unreachable();
}
