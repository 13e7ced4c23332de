// SPDX-License-Identifier: GPL-2.0-only
/*
 * Struct offsets and C-only constants for entry.S. Compiled to assembly
 * only, never linked: each DEFINE leaves a "->NAME value" string, which
 * the Makefile turns into a #define of build/include/asm-offsets.h. So
 * the fast paths follow the structs when they change, with nothing
 * written by hand (STYLE.md: no magic numbers).
 */
#include <hv/domain.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/regs.h>
#include <public/xen.h>

#define DEFINE(sym, val) \
	__asm__ __volatile__("\n.ascii \"->" #sym " %c0\"" :: "i"((long)(val)))
#define OFFSET(sym, type, member) DEFINE(sym, __builtin_offsetof(type, member))

_Static_assert(sizeof(((struct vcpu *)0)->pause_flags) == 4, "cmpl in entry.S");
_Static_assert(sizeof(((struct cpu_info *)0)->need_resched) == 1, "cmpb in entry.S");
_Static_assert(sizeof(((struct pv_vcpu *)0)->in_kernel) == 1, "movb in entry.S");
_Static_assert(sizeof(((struct trap_info *)0)->flags) == 1, "movzbl in entry.S");
_Static_assert(sizeof(((struct cpu_regs *)0)->error_code) == 8, "movl of its low half in entry.S");

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(CPUINFO_CURR, struct cpu_info, curr);
	OFFSET(CPUINFO_NEED_RESCHED, struct cpu_info, need_resched);
	OFFSET(CPUINFO_TLB_FLUSHED_AT, struct cpu_info, tlb_flushed_at);
	OFFSET(CPUINFO_TLB_CR3_LOADS, struct cpu_info, tlb_cr3_loads);
	OFFSET(CPUINFO_TLB_ON_GUEST, struct cpu_info, tlb_on_guest_tables);

	OFFSET(REGS_ERROR_CODE, struct cpu_regs, error_code);
	OFFSET(REGS_RAX, struct cpu_regs, rax);
	OFFSET(REGS_RCX, struct cpu_regs, rcx);
	OFFSET(REGS_R11, struct cpu_regs, r11);
	OFFSET(REGS_RFLAGS, struct cpu_regs, rflags);
	OFFSET(REGS_RSP, struct cpu_regs, rsp);
	OFFSET(REGS_SS, struct cpu_regs, ss);

	OFFSET(VCPU_DOMAIN, struct vcpu, domain);
	OFFSET(VCPU_PAUSE_FLAGS, struct vcpu, pause_flags);
	OFFSET(VCPU_VCPU_INFO, struct vcpu, vcpu_info);
	OFFSET(VCPU_IN_KERNEL, struct vcpu, arch.in_kernel);
	OFFSET(VCPU_KERNEL_SP, struct vcpu, arch.kernel_sp);
	OFFSET(VCPU_KERNEL_CR3, struct vcpu, arch.kernel_cr3);
	OFFSET(VCPU_USER_CR3, struct vcpu, arch.user_cr3);
	OFFSET(VCPU_GS_BASE_KERNEL, struct vcpu, arch.gs_base_kernel);
	OFFSET(VCPU_GS_BASE_USER, struct vcpu, arch.gs_base_user);
	OFFSET(VCPU_CB_SYSCALL, struct vcpu, arch.callbacks[PV_CB_SYSCALL].address);
	OFFSET(VCPU_CB_SYSCALL_MASK, struct vcpu, arch.callbacks[PV_CB_SYSCALL].mask_events);
	OFFSET(VCPU_TRAP_GP_ADDR, struct vcpu, arch.traps[X86_EXC_GP].address);
	OFFSET(VCPU_TRAP_GP_FLAGS, struct vcpu, arch.traps[X86_EXC_GP].flags);
	OFFSET(VCPU_TRAP_PF_ADDR, struct vcpu, arch.traps[X86_EXC_PF].address);
	OFFSET(VCPU_TRAP_PF_FLAGS, struct vcpu, arch.traps[X86_EXC_PF].flags);
	OFFSET(VCPUINFO_CR2, struct vcpu_info, arch.cr2);
	OFFSET(VCPUINFO_UPCALL_PENDING, struct vcpu_info, evtchn_upcall_pending);
	OFFSET(VCPUINFO_UPCALL_MASK, struct vcpu_info, evtchn_upcall_mask);

	OFFSET(IRET_RAX, struct iret_context, rax);
	OFFSET(IRET_R11, struct iret_context, r11);
	OFFSET(IRET_RCX, struct iret_context, rcx);
	OFFSET(IRET_FLAGS, struct iret_context, flags);
	OFFSET(IRET_RIP, struct iret_context, rip);
	OFFSET(IRET_CS, struct iret_context, cs);
	OFFSET(IRET_RFLAGS, struct iret_context, rflags);
	OFFSET(IRET_RSP, struct iret_context, rsp);
	OFFSET(IRET_SS, struct iret_context, ss);
	DEFINE(IRET_FRAME_SIZE, sizeof(struct iret_context));

	DEFINE(ASM_PAGE_SHIFT, PAGE_SHIFT);
	DEFINE(ASM_EXC_GP, X86_EXC_GP);
	DEFINE(ASM_EXC_PF, X86_EXC_PF);
	DEFINE(ASM_PFEC_USER, PFEC_USER);
	DEFINE(ASM_PFEC_PRESENT_WRITE, PFEC_PRESENT | PFEC_WRITE);
	DEFINE(ASM_GP_EC_IDT, GP_EC_IDT);
	DEFINE(ASM_TRAP_INFO_IF, TRAP_INFO_IF);
	DEFINE(ASM_VGCF_IN_SYSCALL, VGCF_in_syscall);
	DEFINE(ASM_IRET_CLEAR_FLAGS, X86_EFLAGS_IOPL | X86_EFLAGS_VM);
	DEFINE(ASM_BOUNCE_CLEAR_FLAGS, BOUNCE_CLEAR_FLAGS);
	DEFINE(ASM_EVENT_MASK_FLAGS, X86_EFLAGS_IF | X86_EFLAGS_IOPL);
	DEFINE(ASM_SYSRET_RFLAGS, SYSRET_RFLAGS);
	DEFINE(ASM_HV_DS, HV_DS);
}
