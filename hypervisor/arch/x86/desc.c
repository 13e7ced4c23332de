// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor tables. Each CPU has a 16-page GDT window (asm/layout.h):
 * pages 0-13 show the running guest's descriptor frames (or a shared zero
 * page), page 14 is this CPU's own page with our code/data segments, the
 * ABI's flat ring-3 segments and this CPU's TSS. All CPUs share one IDT.
 * #DF, NMI and #MC run on IST stacks so they work even when the normal
 * stack is corrupt or has overflowed into the guard page.
 *
 * #DB has an IST stack too, because it can arrive before we have a stack
 * at all: a guest's mov-SS/pop-SS holds a #DB back until after the next
 * instruction, and if that is SYSCALL the #DB is taken on the first
 * instruction of syscall_entry, in ring 0 with RSP still the guest's
 * (XSA-260). Without IST the CPU would push the frame there.
 *
 * An IST stack is reused from its top on every entry, so a #DB nested in
 * a #DB would overwrite the frame of the first. The invariant that rules
 * it out: nothing that runs on the #DB stack can raise #DB. Guests cannot
 * point breakpoints at hypervisor addresses nor set DR7.GD (cpu-state.c),
 * the gate clears TF, and the hypervisor-context handler touches only
 * hypervisor memory; a #DB from guest mode moves its frame to the normal
 * stack before it reads or writes any guest memory (traps.c). NMI and #MC
 * have their own stacks and may interrupt it.
 */
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <asm/desc.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>

/* Segment descriptors (flat, limit 4 GiB). */
#define DESC_CS64_DPL0	0x00af9a000000ffffULL
#define DESC_DS_DPL0	0x00cf92000000ffffULL
#define DESC_CS32_DPL0	0x00cf9a000000ffffULL
#define DESC_CS32_DPL3	0x00cffa000000ffffULL
#define DESC_DS_DPL3	0x00cff2000000ffffULL
#define DESC_CS64_DPL3	0x00affa000000ffffULL
#define DESC_TSS_TYPE	0x9ULL		/* 64-bit available TSS */
#define DESC_PRESENT	(1ULL << 47)

#define GATE_INTR	0xe		/* interrupt gate: IF cleared on entry */
#define GATE_PRESENT	0x80
#define GATE_DPL3	0x60

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __packed;
BUILD_BUG_ON(sizeof(struct idt_gate) != 16);
BUILD_BUG_ON(sizeof(struct tss64) != 104);
BUILD_BUG_ON(FLAT_RING3_CS32 != (RESERVED_GDT_SEL(4) | 3));
BUILD_BUG_ON(FLAT_RING3_DS32 != (RESERVED_GDT_SEL(5) | 3));
BUILD_BUG_ON(FLAT_RING3_CS64 != (RESERVED_GDT_SEL(6) | 3));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

/* Per-CPU TSS, indexed by logical CPU number; written only by that CPU at bring-up. */
static struct tss64 tss[NR_CPUS] __aligned(16);
/* Written once by idt_init on the boot CPU; read-only afterwards. */
static struct idt_gate idt[NR_VECTORS] __aligned(16);
/* The page shown where a guest has no descriptor frame; never written after boot. */
static uint8_t zero_gdt_page[PAGE_SIZE] __aligned(PAGE_SIZE);

/* Entry stubs from entry.S, one per vector. */
extern const uint64_t entry_stubs[NR_VECTORS];

static void set_gate(unsigned int vec, uint64_t handler, unsigned int ist, bool user)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = HV_CS,
		.ist = (uint8_t)ist,
		.type_attr = GATE_PRESENT | GATE_INTR | (user ? GATE_DPL3 : 0),
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = (uint32_t)(handler >> 32),
	};
}

static void load_idtr(void)
{
	struct desc_ptr ip = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ __volatile__("lidt %0" :: "m"(ip));
}

/*
 * Early boot: no TSS yet, so no IST stacks; an early #DF then runs on the
 * boot stack, which is the best we can do before memory is set up.
 */
void idt_init(void)
{
	for (unsigned int v = 0; v < NR_VECTORS; v++)
		set_gate(v, entry_stubs[v], 0, false);
	/*
	 * Guests (ring 3) may execute int3, into and int $0x80 directly; any
	 * other "int n" raises #GP and is dealt with there (pv/traps.c).
	 */
	set_gate(X86_EXC_BP, entry_stubs[X86_EXC_BP], 0, true);
	set_gate(X86_EXC_OF, entry_stubs[X86_EXC_OF], 0, true);
	set_gate(LEGACY_SYSCALL_VECTOR, entry_stubs[LEGACY_SYSCALL_VECTOR], 0, true);
	load_idtr();
}

/* Once the boot CPU has a TSS: move #DF, NMI, #MC and #DB onto their IST stacks. */
static void idt_enable_ist(void)
{
	set_gate(X86_EXC_DF, entry_stubs[X86_EXC_DF], IST_DF, false);
	set_gate(X86_EXC_NMI, entry_stubs[X86_EXC_NMI], IST_NMI, false);
	set_gate(X86_EXC_MC, entry_stubs[X86_EXC_MC], IST_MC, false);
	set_gate(X86_EXC_DB, entry_stubs[X86_EXC_DB], IST_DB, false);
}

unsigned long gdt_window(unsigned int cpu)
{
	return GDT_WINDOW_VIRT_START + (unsigned long)cpu * GDT_WINDOW_SIZE;
}

static void load_gdtr(unsigned int cpu)
{
	struct desc_ptr gp = { GDT_PAGES * PAGE_SIZE - 1, gdt_window(cpu) };

	__asm__ __volatile__("lgdt %0" :: "m"(gp));
}

void desc_load_guest_gdt(const mfn_t *mfns, unsigned int n)
{
	unsigned long base = gdt_window(smp_processor_id());

	BUG_ON(n > GDT_GUEST_PAGES);
	/*
	 * Guest frames are mapped read-only: the guest's descriptors are
	 * validated with the accessed bit set, so the CPU never writes them.
	 */
	for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++)
		paging_map_page(base + i * PAGE_SIZE,
				i < n ? mfns[i] : virt_to_mfn(zero_gdt_page), PAGING_RO);
	load_gdtr(smp_processor_id());
}

void desc_init_cpu(unsigned int cpu, void *stack_block)
{
	struct tss64 *t = &tss[cpu];
	uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;
	uint64_t blk = (uint64_t)stack_block;
	unsigned long win = gdt_window(cpu);
	uint64_t *g;

	BUG_ON(cpu >= NR_CPUS);
	memset(t, 0, sizeof(*t));
	/* Ring-3 entries land just below struct cpu_info: the guest frame's end. */
	t->rsp[0] = blk + STACK_SIZE - CPU_INFO_SIZE;
	t->ist[IST_DF - 1] = blk + STACK_IST_DF_TOP;
	t->ist[IST_NMI - 1] = blk + STACK_IST_NMI_TOP;
	t->ist[IST_MC - 1] = blk + STACK_IST_MC_TOP;
	t->ist[IST_DB - 1] = blk + STACK_IST_DB_TOP;
	t->iomap_base = sizeof(*t);	/* no I/O bitmap: ring-3 port access faults */

	/* Our page of the window: a fresh frame per CPU, written here only. */
	g = alloc_pages(0);
	BUG_ON(!g);
	g[(HV_CS >> 3) - FIRST_RESERVED_GDT_ENTRY] = DESC_CS64_DPL0;
	g[(HV_DS >> 3) - FIRST_RESERVED_GDT_ENTRY] = DESC_DS_DPL0;
	g[(HV_CS32 >> 3) - FIRST_RESERVED_GDT_ENTRY] = DESC_CS32_DPL0;
	g[(FLAT_RING3_CS32 >> 3) - FIRST_RESERVED_GDT_ENTRY] = DESC_CS32_DPL3;
	g[(FLAT_RING3_DS32 >> 3) - FIRST_RESERVED_GDT_ENTRY] = DESC_DS_DPL3;
	g[(FLAT_RING3_CS64 >> 3) - FIRST_RESERVED_GDT_ENTRY] = DESC_CS64_DPL3;
	g[(TSS_SEL >> 3) - FIRST_RESERVED_GDT_ENTRY] =
		(limit & 0xffff) | ((base & 0xffffff) << 16) | (DESC_TSS_TYPE << 40) |
		DESC_PRESENT | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	g[(TSS_SEL >> 3) - FIRST_RESERVED_GDT_ENTRY + 1] = base >> 32;
	/* The CPU writes this page (TSS busy bit), so it is mapped writable. */
	paging_map_page(win + FIRST_RESERVED_GDT_PAGE * PAGE_SIZE, virt_to_mfn(g), PAGING_RW);
	for (unsigned int i = 0; i < GDT_GUEST_PAGES; i++)
		paging_map_page(win + i * PAGE_SIZE, virt_to_mfn(zero_gdt_page), PAGING_RO);

	load_gdtr(cpu);
	__asm__ __volatile__(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		:: [cs] "i"(HV_CS), [ds] "i"(HV_DS) : "rax", "memory");
	__asm__ __volatile__("ltr %w0" :: "r"(TSS_SEL));
	/*
	 * No LDT: a null LDTR, so that any LDT selector is #GP(selector).
	 * Left alone, LDTR keeps its reset value (base 0, limit 0xffff),
	 * and a guest loading an LDT selector would have the CPU read
	 * descriptors, call gates included, from the guest's own address 0.
	 */
	__asm__ __volatile__("lldt %w0" :: "r"(0));
	if (cpu == 0)
		idt_enable_ist();
	load_idtr();
}
