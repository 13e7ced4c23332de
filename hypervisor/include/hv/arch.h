/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The only way common code reaches the machine: each arch_*() here is
 * implemented under arch/<arch>/ and documented at its declaration.
 */
#pragma once
#include <hv/types.h>

struct boot_info;

/* "test_exit" on the command line: end QEMU runs by themselves (tests). */
extern bool opt_test_exit;

/*
 * The TLB-flush clock (arch/x86/tlb-clock.c): a stamp for a translation
 * taken away just now (the entry already written), and a flush of exactly
 * the CPUs whose TLB may be older than such a stamp (none for 0).
 */
uint64_t arch_tlb_clock_now(void);
void arch_tlb_flush_stale(uint64_t stamp);

/* Early CPU setup on the boot CPU: descriptor tables, traps, features. */
void arch_early_init(void);

/* Write console bytes to the hardware console ("\n" becomes "\r\n"). */
void arch_console_write(const char *s, size_t len);

/* One byte of console input, or -1 when none is waiting. */
int arch_console_getc(void);

/* Read a pointer to boot-loader memory during early boot (phys_reader_t). */
const void *arch_boot_phys_read(uint64_t pa, size_t len);

/* Physical ranges the hypervisor image occupies. */
void arch_image_range(uint64_t *start, uint64_t *end);

/* Build the final page tables (directmap of @bi's RAM, W^X image) and switch. */
void arch_paging_init(const struct boot_info *bi);

/* Find ACPI tables, calibrate time, start the timer, bring up all CPUs. */
void arch_platform_init(const struct boot_info *bi);

/* Number of CPUs online. */
unsigned int arch_cpus_online(void);

/* Call @fn on this CPU's stack, reset to empty (below the guest frame). */
__noreturn void arch_reset_stack_and_call(void (*fn)(void));

/* Boot is done: let the other CPUs start scheduling vCPUs. */
void arch_smp_boot_done(void);

/* Idle this CPU forever with interrupts on. */
__noreturn void arch_idle_loop(void);

/*
 * Stop the machine: in test mode ("test_exit" on the command line) QEMU's
 * isa-debug-exit device ends the run with @code; otherwise ACPI soft-off,
 * and if that fails, halt.
 */
__noreturn void arch_power_off(int code);

/* Reset the machine (ACPI reset register, then the keyboard controller). */
__noreturn void arch_reboot(void);

/*
 * Is this CPU handling an NMI? The code it interrupted may hold any lock,
 * console_lock included, so printk must not wait for it for ever.
 */
bool arch_in_nmi(void);

/* Stop the other CPUs (panic path); safe to call from any context. */
void arch_stop_other_cpus(void);

/* Print a stack trace starting from frame pointer @rbp. */
void arch_dump_stack(unsigned long rbp);

/* Deliberately fault, for the register-dump test ("fault=pf|gp|ud|de"). */
void arch_self_test_fault(const char *kind);

/*
 * Physical IRQs (x86: arch/x86/pv/pirq.c), called by the event-channel
 * glue with @d's evtchn_lock held. bind_check: 0 if @d may bind @pirq now
 * (-EPERM, -EINVAL, -EEXIST otherwise); bind: deliver @pirq to @port from
 * now on; unbind: stop (the port is closing).
 */
struct domain;
int arch_pirq_bind_check(struct domain *d, uint32_t pirq);
void arch_pirq_bind(struct domain *d, uint32_t pirq, uint32_t port);
void arch_pirq_unbind(struct domain *d, uint32_t pirq);
