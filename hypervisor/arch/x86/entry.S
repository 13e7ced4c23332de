/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exception and interrupt entry: one small stub per vector pushes a dummy
 * error code where the CPU pushes none, then the vector number, and jumps
 * to a common path that saves the general registers as struct cpu_regs
 * (asm/regs.h) and calls do_trap(regs).
 */
#include <asm/regs.h>
#include <asm/cpu-defs.h>
#include <asm/layout.h>
#include <asm-offsets.h>
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

/* stac/clac (GAS macro names ignore case: not STAC) around the fast paths' guest accesses (guest-access.c's rule). */
.macro GUEST_ACCESS_ON
	testb	$1, cpu_has_smap(%rip)
	jz	.Lno_stac_\@
	stac
.Lno_stac_\@:
.endm

.macro GUEST_ACCESS_OFF
	testb	$1, cpu_has_smap(%rip)
	jz	.Lno_clac_\@
	clac
.Lno_clac_\@:
.endm

/*
 * Jump to \bad unless [\gva, \gva + \len) is guest memory: the check
 * guest_range_ok() makes (no wrap, below GUEST_LOW_END or from
 * HYPERVISOR_VIRT_END up), so the fast paths never touch the hypervisor's
 * range for a guest. Clobbers \t1, \t2.
 */
.macro GUEST_RANGE gva, len, t1, t2, bad
	movq	\gva, \t1
	addq	$\len, \t1
	jc	\bad
	movabsq	$GUEST_LOW_END, \t2
	cmpq	\t2, \t1
	jbe	.Lrange_ok_\@
	movabsq	$__HYPERVISOR_VIRT_END, \t2
	cmpq	\t2, \gva
	jb	\bad
.Lrange_ok_\@:
.endm

/* A store or load of the guest's that may fault: resumes at \fixup. */
.macro GUEST_MOV src, dst, fixup
.Lguest_mov_\@:
	movq	\src, \dst
	EXTABLE .Lguest_mov_\@, \fixup
.endm

/*
 * tlb_load_cr3() for the fast paths (tlb-clock.c has the proof): advance
 * the clock with a locked add (a full barrier), load CR3 (serialising),
 * then publish the stamp and count, in this CPU's cpu_info, which is
 * right above the guest frame at RSP. A guest root is never the idle
 * one. Clobbers RAX.
 */
.macro TLB_LOAD_CR3 cr3
	movl	$1, %eax
	lock xaddq %rax, tlb_clock(%rip)
	incq	%rax
	movq	\cr3, %cr3
	movq	%rax, REGS_SIZE+CPUINFO_TLB_FLUSHED_AT(%rsp)
	movb	$1, REGS_SIZE+CPUINFO_TLB_ON_GUEST(%rsp)
	incq	REGS_SIZE+CPUINFO_TLB_CR3_LOADS(%rsp)
.endm

/*
 * pv_toggle_guest_mode() (context.c) for vCPU %rbx, from user to kernel
 * (\to = kernel) or back: save the GS base of the mode left, load the
 * other's, load its root. Clobbers RAX, RCX, RDX.
 */
.macro TOGGLE_GUEST_MODE save, load, root, in_kernel
	movl	$MSR_GS_BASE, %ecx
	rdmsr
	movl	%eax, \save(%rbx)
	movl	%edx, \save+4(%rbx)
	movl	\load(%rbx), %eax
	movl	\load+4(%rbx), %edx
	wrmsr
	movq	\root(%rbx), %rdx
	shlq	$ASM_PAGE_SHIFT, %rdx
	TLB_LOAD_CR3 %rdx
	movb	$\in_kernel, VCPU_IN_KERNEL(%rbx)
.endm

/*
 * The end of bounce() for the fast paths, past its point of no return (a
 * fault writing the frame ends at .Lbounce_fault, as bounce() ends): the
 * frame at %r13 is RCX, R11, then the error code %r8 if \ec, RIP, the CS
 * in %rdx with the saved upcall mask %r14 in bits 32-39, RFLAGS with IF
 * = !mask, RSP, SS; then the guest resumes at the handler %r12 on that
 * frame, with events masked if %r15d. %rsi is vcpu_info. Clobbers RAX,
 * RCX, RDX, R14.
 */
.macro BOUNCE_AND_EXIT ec
	shlq	$32, %r14
	orq	%r14, %rdx
	movq	REGS_RFLAGS(%rsp), %rcx
	andq	$~ASM_EVENT_MASK_FLAGS, %rcx
	testq	%r14, %r14
	jnz	.Lbounce_masked_\@
	orq	$X86_EFLAGS_IF, %rcx
.Lbounce_masked_\@:
	GUEST_ACCESS_ON
	movq	REGS_RCX(%rsp), %rax
	GUEST_MOV %rax, 0(%r13), .Lbounce_fault
	movq	REGS_R11(%rsp), %rax
	GUEST_MOV %rax, 8(%r13), .Lbounce_fault
	.if \ec
	GUEST_MOV %r8, 16(%r13), .Lbounce_fault
	.endif
	movq	REGS_RIP(%rsp), %rax
	GUEST_MOV %rax, 16+8*\ec(%r13), .Lbounce_fault
	GUEST_MOV %rdx, 24+8*\ec(%r13), .Lbounce_fault
	GUEST_MOV %rcx, 32+8*\ec(%r13), .Lbounce_fault
	movq	REGS_RSP(%rsp), %rax
	GUEST_MOV %rax, 40+8*\ec(%r13), .Lbounce_fault
	movq	REGS_SS(%rsp), %rax
	GUEST_MOV %rax, 48+8*\ec(%r13), .Lbounce_fault
	GUEST_ACCESS_OFF
	movq	%r13, REGS_RSP(%rsp)
	movq	%r12, REGS_RIP(%rsp)
	movq	$FLAT_KERNEL_CS, REGS_CS(%rsp)
	movq	$FLAT_KERNEL_SS, REGS_SS(%rsp)
	movq	REGS_RFLAGS(%rsp), %rax
	andq	$~ASM_BOUNCE_CLEAR_FLAGS, %rax
	orq	$X86_EFLAGS_IF, %rax
	movq	%rax, REGS_RFLAGS(%rsp)
	testl	%r15d, %r15d
	jz	restore_guest_regs
	movb	$1, VCPUINFO_UPCALL_MASK(%rsi)
	jmp	restore_guest_regs
.endm

/* The syscall callback's bounce frame: RCX, R11, RIP, CS, RFLAGS, RSP, SS. */
#define BOUNCE_SYSCALL_SIZE	(7 * 8)
/* An exception's: RCX, R11, error code, RIP, CS, RFLAGS, RSP, SS. */
#define BOUNCE_TRAP_SIZE	(8 * 8)

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.section .text
	/*
	 * The entry code that runs on every guest entry, from here to the
	 * vector stubs of the exceptions, shares one page (issue 15: under
	 * TCG each page an entry touches costs a TLB refill).
	 */
	.balign 4096
common_entry:
	CLEAR_AC
	SAVE_GPRS
	cld
.Lcommon_c:
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
 * #GP and #PF (their stubs come here instead of common_entry). From a
 * guest, when nothing is emulated, bounce it to the guest's trap-table
 * handler as pv_exception() -> pv_inject_trap() -> bounce() (pv/traps.c)
 * would, then leave as pv_exit_to_guest() would, without a call (issue
 * 15). Those stay the reference: anything else, or any doubt, goes to C
 * on the untouched frame, as do entries from the hypervisor itself (the
 * fixups of guest accesses). The invariants of syscall_entry's fast
 * paths hold here too: an interrupt gate leaves IF 0, the frame is
 * guest_regs(), guest memory only through GUEST_MOV.
 *
 * Emulated, so C: a #PF without PFEC_USER (a supervisor access made from
 * ring 3, emulate_smap_iret), a guest-kernel write to a present page (it
 * may be a page-table write, ptwr), a #GP with the IDT bit ("int n") and
 * a #GP(0) that UMIP or, in kernel mode, privileged-operation emulation
 * may take. Also C: guest_trap_trace, no handler (crash), no kernel stack
 * (crash), a frame outside guest memory (crash), an upcall that follows.
 */
	.balign 16
trap_fast_entry:
	CLEAR_AC
	SAVE_GPRS
	cld
	testb	$3, REGS_CS(%rsp)
	jz	.Lcommon_c
	movq	REGS_SIZE+CPUINFO_CURR(%rsp), %rbx
	testq	%rbx, %rbx
	jz	.Lcommon_c
	cmpb	$0, REGS_SIZE+CPUINFO_NEED_RESCHED(%rsp)
	jne	.Lcommon_c
	cmpl	$0, VCPU_PAUSE_FLAGS(%rbx)	/* also is_dying, is_shut_down */
	jne	.Lcommon_c
	testb	$1, opt_guest_trap_trace(%rip)
	jnz	.Lcommon_c
	movl	REGS_ERROR_CODE(%rsp), %r8d	/* the frame's error code word */
	movzbl	VCPU_IN_KERNEL(%rbx), %edi	/* was_kernel */
	cmpq	$ASM_EXC_PF, REGS_VECTOR(%rsp)
	jne	.Lgp_fast
	testl	$ASM_PFEC_USER, %r8d
	jz	.Lcommon_c
	testl	%edi, %edi
	jz	1f
	movl	%r8d, %eax
	andl	$ASM_PFEC_PRESENT_WRITE, %eax
	cmpl	$ASM_PFEC_PRESENT_WRITE, %eax
	je	.Lcommon_c
	andl	$~ASM_PFEC_USER, %r8d		/* U/S follows the guest's mode */
1:	movq	%cr2, %r9
	movq	VCPU_TRAP_PF_ADDR(%rbx), %r12
	movzbl	VCPU_TRAP_PF_FLAGS(%rbx), %r15d
	jmp	.Ltrap_bounce
.Lgp_fast:
	testl	$ASM_GP_EC_IDT, %r8d
	jnz	.Lcommon_c
	testl	%r8d, %r8d
	jnz	2f
	testl	%edi, %edi
	jnz	.Lcommon_c
	testb	$1, cpu_has_umip(%rip)
	jnz	.Lcommon_c
2:	movq	VCPU_TRAP_GP_ADDR(%rbx), %r12
	movzbl	VCPU_TRAP_GP_FLAGS(%rbx), %r15d
.Ltrap_bounce:
	testq	%r12, %r12
	jz	.Lcommon_c
	andl	$ASM_TRAP_INFO_IF, %r15d	/* mask_events */
	movq	REGS_RSP(%rsp), %r13
	testl	%edi, %edi
	jnz	3f
	movq	VCPU_KERNEL_SP(%rbx), %r13
	testq	%r13, %r13
	jz	.Lcommon_c
3:	andq	$~15, %r13
	subq	$BOUNCE_TRAP_SIZE, %r13		/* the frame; a wrap fails below */
	GUEST_RANGE %r13, BOUNCE_TRAP_SIZE, %rax, %rdx, .Lcommon_c
	/* The upcall mask, shared with the guest: read once, used twice. */
	movq	VCPU_VCPU_INFO(%rbx), %rsi
	movzbl	VCPUINFO_UPCALL_MASK(%rsi), %r14d
	movl	%r14d, %eax
	orl	%r15d, %eax
	jnz	4f
	cmpb	$0, VCPUINFO_UPCALL_PENDING(%rsi)
	jne	.Lcommon_c
	/* Past the C path's point of no return: a fault writing the frame ends as bounce() does. */
4:	testl	%edi, %edi
	jnz	5f
	TOGGLE_GUEST_MODE VCPU_GS_BASE_USER, VCPU_GS_BASE_KERNEL, VCPU_KERNEL_CR3, 1
5:	cmpq	$ASM_EXC_PF, REGS_VECTOR(%rsp)
	jne	6f
	movq	%r9, VCPUINFO_CR2(%rsi)
6:	movq	REGS_CS(%rsp), %rdx
	testl	%edi, %edi
	jz	7f
	andq	$~3, %rdx			/* kernel frames carry RPL 0 */
7:	BOUNCE_AND_EXIT 1

/*
 * SYSCALL from a guest (ring 3) leaves no frame and switches no stack:
 * borrow the hypervisor's per-CPU pointer from MSR_KERNEL_GS_BASE for a
 * moment to find this CPU's stack, and build the frame an exception from
 * ring 3 would (with the selectors the guest had: @ss, @cs). The
 * hypervisor itself never uses %gs.
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
.endm

/*
 * 64-bit SYSCALL (MSR_LSTAR): hypercalls, and guest user space's system
 * calls. Two fast paths, in assembly so that the round trip a guest
 * system call makes (user SYSCALL -> its callback -> HYPERVISOR_iret)
 * costs no calls and few pages (issue 15): (1) a user SYSCALL bounced to
 * the syscall callback, and (2) HYPERVISOR_iret. Each is do_guest_syscall()
 * (pv/traps.c, pv/iret.c) for the common case, which stays the reference:
 * anything else, or any doubt, goes there before anything has changed.
 *
 * Invariants, from the SYSCALL to the exit:
 * - IF is 0 (MSR_SFMASK), so no interrupt runs here: the pending-event,
 *   reschedule and dying checks cannot go stale before the exit, as in
 *   pv_exit_to_guest(), which also decides with interrupts off. An IPI
 *   sent after a check (an event, a wakeup) waits until the guest runs
 *   again and is taken at once, through the C path.
 * - The guest's registers are in the frame at RSP (guest_regs()) before
 *   anything else runs, so every fall-back is the C path on an untouched
 *   frame, and the GPRs are scratch until RESTORE_GPRS.
 * - NMI, #MC and #DB use IST stacks and never look at the frame, the GS
 *   base or the guest mode; they return here. A #DB at the first
 *   instruction (db_selftest's breakpoint, XSA-260's deferred #DB) comes
 *   with the guest's RSP and GS base: pv_hypervisor_debug() touches
 *   neither. A guest watchpoint on its stack traps after our access,
 *   which then simply goes on.
 * - Guest memory is touched only by GUEST_MOV, after GUEST_RANGE, with
 *   AC set (stac) for exactly those instructions; a fault resumes at a
 *   fixup that clears AC first (the #PF's iretq restores it).
 */
	.balign 16
	.globl syscall_entry
syscall_entry:
	SYSCALL_FRAME FLAT_KERNEL_SS, FLAT_KERNEL_CS
	movq	REGS_SIZE+CPUINFO_CURR(%rsp), %rbx
	testq	%rbx, %rbx
	jz	.Lsyscall_slow
	/* schedule() would switch away: the C path does it. */
	cmpb	$0, REGS_SIZE+CPUINFO_NEED_RESCHED(%rsp)
	jne	.Lsyscall_slow
	/* Also the domain's is_dying/is_shut_down (VPF_DYING, VPF_DOWN). */
	cmpl	$0, VCPU_PAUSE_FLAGS(%rbx)
	jne	.Lsyscall_slow
	movq	VCPU_VCPU_INFO(%rbx), %rsi
	cmpb	$0, VCPU_IN_KERNEL(%rbx)
	jne	.Lfast_iret

	/*
	 * (1) User SYSCALL: bounce() to the syscall callback. Not here: no
	 * callback (#UD), no kernel stack (crash), an upcall that would
	 * follow (events unmasked before and after), a frame outside guest
	 * memory (crash).
	 */
	movq	VCPU_CB_SYSCALL(%rbx), %r12
	testq	%r12, %r12
	jz	.Lsyscall_slow
	movq	VCPU_KERNEL_SP(%rbx), %r13
	testq	%r13, %r13
	jz	.Lsyscall_slow
	andq	$~15, %r13
	subq	$BOUNCE_SYSCALL_SIZE, %r13	/* the frame; a wrap fails below */
	GUEST_RANGE %r13, BOUNCE_SYSCALL_SIZE, %rax, %rdx, .Lsyscall_slow
	/* The upcall mask, shared with the guest: read once, used twice. */
	movzbl	VCPUINFO_UPCALL_MASK(%rsi), %r14d
	movzbl	VCPU_CB_SYSCALL_MASK(%rbx), %r15d
	movl	%r14d, %eax
	orl	%r15d, %eax
	jnz	1f
	cmpb	$0, VCPUINFO_UPCALL_PENDING(%rsi)
	jne	.Lsyscall_slow
1:	TOGGLE_GUEST_MODE VCPU_GS_BASE_USER, VCPU_GS_BASE_KERNEL, VCPU_KERNEL_CR3, 1
	/*
	 * From here the C path would be past its point of no return too: a
	 * fault writing the frame ends as bounce() ends it (.Lbounce_fault).
	 * The frame: RCX, R11, RIP, CS | mask << 32, RFLAGS, RSP, SS.
	 */
	movq	REGS_CS(%rsp), %rdx
	BOUNCE_AND_EXIT 0

	/*
	 * (2) HYPERVISOR_iret (do_iret). Not here: any other hypercall, a
	 * frame outside guest memory or unreadable (crash), a non-canonical
	 * RIP (crash), a return to user mode without user page tables
	 * (crash), an upcall that would follow (events unmasked by the
	 * frame's IF). The frame is read once, into registers.
	 */
.Lfast_iret:
	cmpq	$__HYPERVISOR_iret, REGS_RAX(%rsp)
	jne	.Lsyscall_slow
	movq	REGS_RSP(%rsp), %r13
	GUEST_RANGE %r13, IRET_FRAME_SIZE, %rax, %rdx, .Lsyscall_slow
	GUEST_ACCESS_ON
	GUEST_MOV IRET_RAX(%r13), %r8, .Liret_read_fault
	GUEST_MOV IRET_R11(%r13), %r9, .Liret_read_fault
	GUEST_MOV IRET_RCX(%r13), %r10, .Liret_read_fault
	GUEST_MOV IRET_FLAGS(%r13), %r11, .Liret_read_fault
	GUEST_MOV IRET_RIP(%r13), %r12, .Liret_read_fault
	GUEST_MOV IRET_CS(%r13), %r14, .Liret_read_fault
	GUEST_MOV IRET_RFLAGS(%r13), %r15, .Liret_read_fault
	GUEST_MOV IRET_RSP(%r13), %rdi, .Liret_read_fault
	GUEST_MOV IRET_SS(%r13), %rbp, .Liret_read_fault
	GUEST_ACCESS_OFF
	movq	%r12, %rax
	shlq	$16, %rax
	sarq	$16, %rax
	cmpq	%r12, %rax
	jne	.Lsyscall_slow
	/* The new upcall mask, !IF, in %ecx: with events unmasked, a pending one goes to C. */
	xorl	%ecx, %ecx
	testl	$X86_EFLAGS_IF, %r15d
	sete	%cl
	jz	3f
	cmpb	$0, VCPUINFO_UPCALL_PENDING(%rsi)
	jne	.Lsyscall_slow
3:	testb	$3, %r14b
	jz	4f				/* to kernel mode: we are in it */
	cmpq	$0, VCPU_USER_CR3(%rbx)
	je	.Lsyscall_slow
	movl	%ecx, %r13d			/* TOGGLE clobbers RCX */
	TOGGLE_GUEST_MODE VCPU_GS_BASE_KERNEL, VCPU_GS_BASE_USER, VCPU_USER_CR3, 0
	movl	%r13d, %ecx
4:	movb	%cl, VCPUINFO_UPCALL_MASK(%rsi)
	movq	%r8, REGS_RAX(%rsp)
	movq	%r12, REGS_RIP(%rsp)
	orq	$3, %r14
	movq	%r14, REGS_CS(%rsp)
	andq	$~ASM_IRET_CLEAR_FLAGS, %r15
	orq	$X86_EFLAGS_IF, %r15
	movq	%r15, REGS_RFLAGS(%rsp)
	movq	%rdi, REGS_RSP(%rsp)
	orq	$3, %rbp
	movq	%rbp, REGS_SS(%rsp)
	testl	$ASM_VGCF_IN_SYSCALL, %r11d
	jz	5f
	movq	%r12, %r10			/* RCX, R11 as SYSRET leaves them */
	movq	%r15, %r9
5:	movq	%r10, REGS_RCX(%rsp)
	movq	%r9, REGS_R11(%rsp)
	jmp	restore_guest_regs

.Liret_read_fault:
	GUEST_ACCESS_OFF
	jmp	.Lsyscall_slow
.Lbounce_fault:
	GUEST_ACCESS_OFF
	movq	%rsp, %rdi
	call	pv_bounce_frame_fault
	jmp	restore_guest_regs
.Lsyscall_slow:
	movq	%rsp, %rdi
	call	do_guest_syscall
	/* fall through */

/*
 * The one way back to a guest: RSP points at its frame (struct cpu_regs)
 * at the top of this CPU's stack. SYSRET when it does exactly what the
 * iretq would: RCX = RIP and R11 = RFLAGS already (every hypercall return
 * and VGCF_in_syscall iret), the flat 64-bit CS and the SS that STAR
 * makes SYSRET load, RFLAGS within SYSRET_RFLAGS with IF set. And RIP
 * canonical, checked before: on Intel a SYSRET to a non-canonical RCX
 * raises #GP in ring 0 on the guest's stack (CVE-2012-0217); iretq to it
 * faults on our own stack instead, and guest_iret_fault gives the guest
 * its #GP. From the load of the guest RSP to the SYSRET, only NMI, #MC
 * and #DB (IST stacks, interrupts are off) can arrive.
 */
	.globl restore_guest_regs
restore_guest_regs:
	cli
	movq	REGS_RIP(%rsp), %rax
	cmpq	%rax, REGS_RCX(%rsp)
	jne	.Liretq
	movq	%rax, %rcx
	shlq	$16, %rcx
	sarq	$16, %rcx
	cmpq	%rax, %rcx
	jne	.Liretq
	movq	REGS_RFLAGS(%rsp), %rax
	cmpq	%rax, REGS_R11(%rsp)
	jne	.Liretq
	testq	$~ASM_SYSRET_RFLAGS, %rax
	jnz	.Liretq
	testl	$X86_EFLAGS_IF, %eax
	jz	.Liretq
	cmpq	$FLAT_RING3_CS64, REGS_CS(%rsp)
	jne	.Liretq
	cmpq	$FLAT_RING3_SS64, REGS_SS(%rsp)
	jne	.Liretq
	/*
	 * AMD's SYSRET loads the SS selector but keeps SS's cached
	 * attributes. An interrupt from ring 3 leaves SS null (unusable), and
	 * the guest would inherit that: its 32-bit code's stack accesses
	 * would fault. A valid SS first, as Linux does on AMD.
	 */
	movl	$ASM_HV_DS, %eax
	movl	%eax, %ss
	RESTORE_GPRS
	movq	REGS_RSP-REGS_VECTOR(%rsp), %rsp
	sysretq
.Liretq:
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
	movq	%rsp, %rdi
	call	do_guest_syscall
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
	.if vec == 13 || vec == 14
	jmp	trap_fast_entry
	.else
	jmp	common_entry
	.endif
	.pushsection .rodata
	.quad	1b
	.popsection
	vec = vec + 1
	.endr
