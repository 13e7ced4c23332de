/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV guest ABI: what common code and the x86 trap path call. */
#pragma once
#include <hv/types.h>

struct vcpu;
struct domain;
struct cpu_regs;

/* RFLAGS bits cleared on entry to a guest handler, as the CPU would. */
#define BOUNCE_CLEAR_FLAGS	(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF | \
				 X86_EFLAGS_VM | X86_EFLAGS_AC)
/*
 * The RFLAGS a return to the guest may carry and still leave by SYSRET,
 * which loads RFLAGS from R11 without RF and VM (those must be clear for
 * it to equal the iretq) and which we do not trust with TF (rare: iretq).
 */
#define SYSRET_RFLAGS		(0x3c7fd7UL & ~X86_EFLAGS_TF)

#define TRAP_INFO_IF		4	/* public/arch-x86/xen.h TI_GET_IF: mask events */
/* #GP error code bit 1: the index is an IDT vector ("int n"). */
#define GP_EC_IDT		2

/* guest_trap_trace: log every exception a guest takes (entry.S falls back to C). */
extern bool opt_guest_trap_trace;

/* entry.S: the SYSCALL entry points (MSR_LSTAR, MSR_CSTAR). */
void syscall_entry(void);
void cstar_entry(void);

/* context.c */
void pv_vcpu_init(struct vcpu *v);
void pv_domain_destroy(struct domain *d);
/* Load @v's state onto this CPU; @frame becomes its registers. */
void pv_load_vcpu(struct vcpu *v, struct cpu_regs *frame);
/*
 * Save this CPU's live state of @v (registers from @frame) into @v. Its
 * page tables stay loaded: the caller loads the next vCPU's
 * (pv_load_vcpu) or the idle ones (pv_unload_vcpu) before it lets @v go
 * (v->processor = -1), so a switch between two vCPUs writes CR3 once.
 */
void pv_save_vcpu(struct vcpu *v, const struct cpu_regs *frame);
/* After pv_save_vcpu when no vCPU follows: the idle page tables and GDT. */
void pv_unload_vcpu(void);
/*
 * pv_load_vcpu for the vCPU whose page tables this CPU kept loaded since
 * it saved it (sched.c: lazy idle switching): the same, without the CR3
 * write. BUG()s if CR3 is not @v's live root.
 */
void pv_resume_vcpu(struct vcpu *v, struct cpu_regs *frame);
__noreturn void pv_enter_guest(struct cpu_regs *frame);
/* Switch the current vCPU between guest kernel and guest user mode. */
void pv_toggle_guest_mode(struct vcpu *v);
/* Put @v's debug registers into the CPU (it must be running here). */
void pv_load_debugregs(const struct vcpu *v);
void pv_dump_guest_state(const struct vcpu *v, const struct cpu_regs *regs);
/* Per-CPU: SYSCALL MSRs and the hypervisor's %gs pointer for syscall_entry. */
void pv_cpu_init(void);

/* traps.c */
void pv_exception(struct cpu_regs *regs);
/* A #DB taken in hypervisor context: the guest's breakpoint; record, resume. */
void pv_hypervisor_debug(struct cpu_regs *regs);
void pv_sample_guest(const struct cpu_regs *regs);
/* Bounce @vector to the current guest (error code when @has_ec). */
void pv_inject_trap(struct cpu_regs *regs, unsigned int vector, bool has_ec, uint32_t ec);
void pv_inject_page_fault(struct cpu_regs *regs, unsigned long cr2, uint32_t ec);
/* Last step of every guest entry: reschedule and deliver events. */
void pv_exit_to_guest(struct cpu_regs *regs);
/* Bounce a pending event upcall into the current vCPU, if it has events unmasked. */
void pv_deliver_events(struct cpu_regs *regs);

/* emul-priv.c: true if the #GP at regs->rip was emulated (RIP advanced). */
bool pv_emulate_privileged(struct cpu_regs *regs);
/* The readable bytes (up to 15) of the instruction at regs->rip; how many. */
#define PV_MAX_INSN_LEN	15
unsigned int pv_fetch_insn(const struct cpu_regs *regs, uint8_t insn[PV_MAX_INSN_LEN]);
/* CR0 as @v sees it (mov from CR0, smsw): ours, with its virtual TS. */
unsigned long pv_guest_cr0(const struct vcpu *v);
/*
 * emul-umip.c: true if the #GP(0) at regs->rip was sgdt, sidt, sldt, str
 * or smsw under CR4.UMIP, emulated (or turned into the fault it raises).
 */
bool pv_emulate_umip(struct cpu_regs *regs);
/* cpuid.c: true if the #UD was the forced-emulation CPUID prefix. */
bool pv_emulate_forced_cpuid(struct cpu_regs *regs);
void pv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/* callback.c and descriptor.c, for any vCPU of the caller's domain. */
long pv_set_callback(struct vcpu *v, unsigned int type, unsigned long address,
		     unsigned int flags);
long pv_stack_switch(struct vcpu *v, unsigned long ss, unsigned long sp);
long pv_set_gdt(struct vcpu *v, const unsigned long *frames, unsigned long entries);

/* vcpu-context.c: VCPUOP_initialise (guest handle @arg) and whether @v has had it. */
long pv_vcpu_initialise(struct vcpu *v, unsigned long arg);
bool pv_vcpu_initialised(const struct vcpu *v);

/* mm.c: make @l4 (0: none, user only) @v's kernel or user root; -EINVAL if not an L4. */
long pv_mm_set_root(struct vcpu *v, mfn_t l4, bool user);
/* mm.c: drop both roots of @v, which is not running (a failed VCPUOP_initialise). */
void pv_mm_clear_roots(struct vcpu *v);

/* mm.c: type, validate and pin the builder's L4 and hold it as CR3. */
int pv_mm_take_initial_tables(struct vcpu *v, mfn_t l4);

/* mm.c: validate and store entry @idx of a level-@level table (mm_lock held). */
int pv_mm_write_entry(struct domain *d, mfn_t mfn, unsigned int level, unsigned int idx,
		      uint64_t val);
/* mm.c, for grant mappings (mm_lock held): see the comments there. */
mfn_t pv_mm_l1_of_va(const struct vcpu *v, unsigned long va);
bool pv_mm_is_l1(const struct domain *d, mfn_t mfn);
uint64_t pv_mm_install_l1e(struct domain *d, mfn_t l1, unsigned int idx, uint64_t val);
/* Flush the TLBs of every CPU running one of @d's vCPUs (and this one). */
void pv_mm_flush(const struct domain *d);
/* grant-map.c: the mapping half of grant_table_op (hv/grant-table.h). */
struct gnttab_map_grant_ref;
struct gnttab_unmap_grant_ref;
void gnttab_map_one(struct vcpu *v, struct gnttab_map_grant_ref *op);
void gnttab_unmap_one(struct vcpu *v, struct gnttab_unmap_grant_ref *op);

/* ptwr.c: emulate a guest kernel's store into its own L1 page table. */
bool pv_emulate_ptwr(struct cpu_regs *regs, unsigned long cr2, uint32_t ec);

/* io-mem.c: @mfn is one no domain owns (never reference-counted). */
bool pv_io_frame(mfn_t mfn);
/* io-mem.c: @d may map @mfn as I/O memory (@writable: with write access). */
bool pv_io_frame_ok(const struct domain *d, mfn_t mfn, bool writable);

/* hypercall.c */
void pv_hypercall(struct cpu_regs *regs);
long pv_do_hypercall(unsigned long nr, unsigned long args[6], struct cpu_regs *regs);
