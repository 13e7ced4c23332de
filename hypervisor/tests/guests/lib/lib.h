/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test-guest library: console output, result reporting, the trap table
 * with an exception table for expected faults, and small memory helpers.
 * A guest provides test_title and test_main(); lib/head.S enters
 * guest_main(), which calls test_main() and then reports the one result.
 */
#pragma once

#include "types.h"
#include "hypercall.h"
#include "x86.h"

/* Provided by each guest. */
extern const char test_title[];
void test_main(start_info_t *si);

/* console.c */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void printk(const char *fmt, ...) __printf(1, 2);

/* report.c: XTF-style result bookkeeping; exactly one "Test result:" line. */
void test_fail(const char *fmt, ...) __printf(1, 2);
void __noreturn test_abort(const char *fmt, ...) __printf(1, 2);
void __noreturn test_error(const char *fmt, ...) __printf(1, 2);
void __noreturn test_skip(const char *fmt, ...) __printf(1, 2);
void __noreturn test_finish(void);
void test_report_only(void);
void __noreturn guest_shutdown(unsigned int reason);

struct test_case {
	const char *name;
	void (*fn)(void);
};
void run_cases(const struct test_case *cases, size_t nr);
void case_skip(const char *fmt, ...) __printf(1, 2);

const char *errno_name(long rc);
/* Fail unless RC == WANT; returns true if it matched. */
bool check_rc(const char *what, long rc, long want);
#define CHECK(cond, ...) do { if (!(cond)) test_fail(__VA_ARGS__); } while (0)

/* Start of day state, saved by guest_main(). */
extern start_info_t *start_info;
bool cmdline_has(const char *word);

/* mm.c */
#define VIRT_BASE 0xffffffff80000000UL
unsigned long virt_to_pfn(const void *va);
unsigned long virt_to_mfn(const void *va);
/* Map shared_info at a page of our bss; NULL (and rc in *rc) on failure. */
shared_info_t *map_shared_info(long *rc);
extern shared_info_t *shared_info;	/* NULL until map_shared_info() */
/* Remove the mapping of one page of our image; 0 or the hypercall's rc. */
long unmap_page(void *va);
/*
 * The level-@level entry (1-4) mapping @va in the builder's page tables,
 * through their read-only bootstrap-region mappings, and its machine
 * address in *maddr (an mmu_update ptr); NULL if a higher level does not
 * map @va or names a frame outside the bootstrap region.
 */
volatile uint64_t *bootstrap_entry(const void *va, unsigned int level, uint64_t *maddr);
/*
 * The next pfn from the top of our memory, beyond the bootstrap region so
 * nothing maps it (test_error if one is mapped); one at a time, downwards.
 */
unsigned long take_free_pfn(void);

static inline uint64_t mfn_pte(unsigned long mfn, uint64_t flags)
{
	return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

/* Machine address of entry @idx of frame @mfn (an mmu_update ptr). */
static inline uint64_t mfn_maddr(unsigned long mfn, unsigned int idx)
{
	return ((uint64_t)mfn << PAGE_SHIFT) + idx * sizeof(uint64_t);
}
/* Guest addresses every guest-handle check must refuse. */
#define BAD_PTR_UNMAPPED	((void *)0x1000UL)
#define BAD_PTR_NONCANONICAL	((void *)NONCANONICAL_ADDR)
#define BAD_PTR_M2P		((void *)0xffff800000000000UL)
#define BAD_PTR_HYPERVISOR	((void *)0xffff830000000000UL)

/* time.c: system time in ns from @t (version-checked read). */
uint64_t pvclock_ns(const volatile struct vcpu_time_info *t);

/*
 * smp.c: start vCPU @id in fn(arg) on the stack ending at @stack_top, on
 * our page tables and callbacks (no trap table: it must not fault);
 * vcpu_context() only builds that context. vcpu_now(): vCPU @id's clock
 * in ns (reads shared_info, so map_shared_info() first).
 */
void vcpu_context(vcpu_guest_context_t *ctx, void (*fn)(unsigned long), unsigned long arg,
		  void *stack_top);
long vcpu_start(unsigned int id, void (*fn)(unsigned long), unsigned long arg, void *stack_top);
uint64_t vcpu_now(unsigned int id);
/* A guest for two vCPUs: SKIP without a second one; map shared_info, install the traps. */
void smp_guest_setup(void);

/* string.c */
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
char *strstr(const char *hay, const char *needle);

/*
 * traps.c / trap-entry.S. An expected fault is declared next to the
 * instruction that raises it with _ASM_EXTABLE(fault, fixup): when a
 * bounced exception's RIP equals `fault`, the handler records it in
 * last_trap and resumes at `fixup`. Traps (int3, int n) report the RIP
 * after the instruction, so for them `fault` is the label after it.
 */
#define _ASM_EXTABLE(fault, fixup)				\
	".pushsection .extable, \"a\"\n\t"			\
	".balign 8\n\t"						\
	".quad " #fault ", " #fixup "\n\t"			\
	".popsection\n\t"

/* Pseudo-vectors for callbacks that enter through the same common path. */
#define VEC_EVENT	0x100
#define VEC_FAILSAFE	0x101
#define VEC_NMI_CB	0x102
#define VEC_SYSCALL_CB	0x103

/* Registers saved by trap-entry.S, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;	/* vector | TRAP_HAS_EC */
	uint64_t error_code;	/* 0 when the vector has none */
	uint64_t rip, cs, rflags, rsp, ss;
};
#define TRAP_HAS_EC	0x10000UL

struct trap_record {
	unsigned int count;	/* expected faults taken since trap_reset() */
	unsigned int vector;
	bool has_ec;
	uint64_t error_code, rip, cs, rflags, rsp, ss, rcx, r11;
	uint64_t cr2;		/* from vcpu_info (needs shared_info) */
	uint64_t frame;		/* address of the bounce frame */
};
extern volatile struct trap_record last_trap;
void trap_reset(void);
/* Install the full table (vectors 0-31, 0x80, 0x81); returns the rc. */
long traps_install(void);
/* Rewrite one vector with DPL `dpl` through a one-entry table. */
long traps_set_vector(unsigned int vector, unsigned int dpl);
/*
 * Expect exactly one trap since trap_reset(), with this vector, RIP and
 * error code (NO_EC for vectors without one; the stub of each vector knows
 * whether the frame has one, and a frame that disagrees ends the test).
 */
#define NO_EC (~0UL)
bool check_trap(const char *what, unsigned int vector, uint64_t rip,
		uint64_t ec);
/* A load or store that may fault: false (the fault in last_trap) if it did. */
bool try_read(unsigned long va, uint64_t *val);
bool try_write(unsigned long va, uint64_t val);
/* Optional hook for VEC_EVENT / VEC_SYSCALL_CB / VEC_NMI_CB entries. */
extern void (*callback_hook)(struct trap_frame *f);
/*
 * Optional hook for exceptions no _ASM_EXTABLE entry expects. It may not
 * return, or return to resume the frame as it left it (a trap such as
 * #DB, whose RIP is past the instruction).
 */
extern void (*trap_hook)(struct trap_frame *f);
extern const unsigned long trap_stub_addr[];	/* vectors 0-31 */
extern char trap_stub_128[], trap_stub_129[];
extern char event_callback_entry[], failsafe_callback_entry[];
extern char nmi_callback_entry[], syscall_callback_entry[];

/* A longjmp for returning from user mode or a foreign stack. */
struct jmp_ctx {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};
int ctx_save(struct jmp_ctx *c) __attribute__((returns_twice));
void __noreturn ctx_resume(struct jmp_ctx *c);
/* HYPERVISOR_iret with RSP = frame (struct iret_context, 72 bytes). */
void __noreturn do_iret(const struct iret_context *frame);
