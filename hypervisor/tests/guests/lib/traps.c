// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's trap table and expected-fault handling. An exception whose
 * RIP is listed in the exception table (see _ASM_EXTABLE) is recorded in
 * last_trap and resumed at its fixup; any other exception is reported as a
 * test ERROR with the frame, since the test did not expect it.
 */
#include "lib.h"

struct extable_entry {
	unsigned long fault, fixup;
};
extern const struct extable_entry __start_extable[], __stop_extable[];

volatile struct trap_record last_trap;
void (*callback_hook)(struct trap_frame *f);
void (*trap_hook)(struct trap_frame *f);

/* DPL a software `int n` needs: #BP and #OF are meant for int3 / into. */
static unsigned int default_dpl(unsigned int vector)
{
	return vector == X86_EXC_BP || vector == 4 ? 3 : 0;
}

static void fill_entry(trap_info_t *t, unsigned int vector, unsigned int dpl,
		       unsigned long address)
{
	t->vector = vector;
	t->flags = 0;
	TI_SET_DPL(t, dpl);
	TI_SET_IF(t, 1);	/* mask events in the handler, like Linux */
	t->cs = FLAT_KERNEL_CS;
	t->address = address;
}

long traps_install(void)
{
	static trap_info_t table[32 + 2 + 1];	/* + 0x80, 0x81, terminator */
	unsigned int v, n = 0;

	for (v = 0; v < 32; v++)
		fill_entry(&table[n++], v, default_dpl(v), trap_stub_addr[v]);
	fill_entry(&table[n++], 0x80, 0, (unsigned long)trap_stub_128);
	fill_entry(&table[n++], 0x81, 0, (unsigned long)trap_stub_129);
	memset(&table[n], 0, sizeof(table[n]));
	return HYPERVISOR_set_trap_table(table);
}

long traps_set_vector(unsigned int vector, unsigned int dpl)
{
	trap_info_t table[2];
	unsigned long addr;

	if (vector < 32)
		addr = trap_stub_addr[vector];
	else if (vector == 0x80)
		addr = (unsigned long)trap_stub_128;
	else if (vector == 0x81)
		addr = (unsigned long)trap_stub_129;
	else
		test_error("traps_set_vector: no stub for vector %u", vector);
	fill_entry(&table[0], vector, dpl, addr);
	memset(&table[1], 0, sizeof(table[1]));
	return HYPERVISOR_set_trap_table(table);
}

void trap_reset(void)
{
	memset((void *)&last_trap, 0, sizeof(last_trap));
}

static const struct extable_entry *search_extable(unsigned long rip)
{
	const struct extable_entry *e;

	for (e = __start_extable; e < __stop_extable; e++)
		if (e->fault == rip)
			return e;
	return NULL;
}

static void dump_frame(const char *why, const struct trap_frame *f)
{
	printk("%s: vector 0x%lx%s error 0x%lx\n", why,
	       f->vector & ~TRAP_HAS_EC,
	       f->vector & TRAP_HAS_EC ? "" : " (no error code)",
	       f->error_code);
	printk("  RIP %04lx:%016lx RFLAGS %016lx RSP %04lx:%016lx\n", f->cs,
	       f->rip, f->rflags, f->ss, f->rsp);
	printk("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax,
	       f->rbx, f->rcx, f->rdx);
	printk("  RSI %016lx RDI %016lx RBP %016lx R11 %016lx\n", f->rsi,
	       f->rdi, f->rbp, f->r11);
	if (shared_info)
		printk("  CR2 (vcpu_info) %016lx\n",
		       (unsigned long)READ_ONCE(shared_info->vcpu_info[0].arch.cr2));
}

/* Called from trap-entry.S for every bounced exception and callback. */
void trap_handle(struct trap_frame *f);
void trap_handle(struct trap_frame *f)
{
	unsigned int vector = f->vector & ~TRAP_HAS_EC;
	const struct extable_entry *e;

	if (vector >= VEC_EVENT && vector != VEC_FAILSAFE && callback_hook) {
		callback_hook(f);
		return;
	}
	if (vector >= VEC_EVENT) {
		dump_frame("unexpected callback", f);
		test_error("unexpected callback 0x%x at RIP %lx", vector, f->rip);
	}

	e = search_extable(f->rip);
	if (!e && trap_hook) {
		trap_hook(f);
		return;
	}
	if (!e) {
		dump_frame("unexpected exception", f);
		/*
		 * An expected fault whose frame is shifted by one word means
		 * the hypervisor got the error-code rule of 3.5 wrong. The
		 * frame cannot be resumed, so this ends the test.
		 */
		if (!(f->vector & TRAP_HAS_EC) && search_extable(f->cs))
			test_abort("vector %u bounced with an error code (0x%lx) it does not have",
				   vector, f->rip);
		if ((f->vector & TRAP_HAS_EC) && search_extable(f->error_code))
			test_abort("vector %u bounced without its error code",
				   vector);
		test_error("unexpected exception %u at RIP %lx (error 0x%lx)",
			   vector, f->rip, f->error_code);
	}
	last_trap.count++;
	last_trap.vector = vector;
	last_trap.has_ec = f->vector & TRAP_HAS_EC;
	last_trap.error_code = f->error_code;
	last_trap.rip = f->rip;
	last_trap.cs = f->cs;
	last_trap.rflags = f->rflags;
	last_trap.rsp = f->rsp;
	last_trap.ss = f->ss;
	last_trap.rcx = f->rcx;
	last_trap.r11 = f->r11;
	last_trap.frame = (uint64_t)&f->rip - 16 - (last_trap.has_ec ? 8 : 0);
	if (vector == X86_EXC_PF && shared_info)
		last_trap.cr2 = READ_ONCE(shared_info->vcpu_info[0].arch.cr2);
	f->rip = e->fixup;
}

bool check_trap(const char *what, unsigned int vector, uint64_t rip,
		uint64_t ec)
{
	unsigned int fails = 0;

	if (last_trap.count != 1) {
		test_fail("%s: %u exceptions taken, expected 1", what,
			  last_trap.count);
		return false;
	}
	if (last_trap.vector != vector && ++fails)
		test_fail("%s: vector %u, expected %u", what, last_trap.vector,
			  vector);
	if (last_trap.rip != rip && ++fails)
		test_fail("%s: RIP %lx, expected %lx", what, last_trap.rip, rip);
	if (ec != NO_EC && last_trap.error_code != ec && ++fails)
		test_fail("%s: error code 0x%lx, expected 0x%lx", what,
			  last_trap.error_code, ec);
	return !fails;
}

bool try_read(unsigned long va, uint64_t *val)
{
	uint64_t v = 0;

	trap_reset();
	asm volatile("1: mov (%[va]), %[v]\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [v] "+r"(v)
		     : [va] "r"(va)
		     : "memory");
	*val = v;
	return !last_trap.count;
}

bool try_write(unsigned long va, uint64_t val)
{
	trap_reset();
	asm volatile("1: mov %[val], (%[va])\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     :
		     : [va] "r"(va), [val] "r"(val)
		     : "memory");
	return !last_trap.count;
}
