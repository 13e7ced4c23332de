// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor tables. Each CPU has its own GDT (it holds that CPU's TSS
 * descriptor) and TSS (its IST stacks); all CPUs share one IDT. #DF, NMI
 * and #MC run on IST stacks so they work even when the normal stack is
 * corrupt or overflowed into the guard page.
 */
#include <hv/bug.h>
#include <hv/lib.h>
#include <asm/desc.h>
#include <asm/layout.h>

/* Code/data descriptors: same values as the boot GDT in head.S. */
#define DESC_CS64	0x00af9a000000ffffULL
#define DESC_DS		0x00cf92000000ffffULL
#define DESC_CS32	0x00cf9a000000ffffULL
#define DESC_TSS_TYPE	0x9ULL		/* 64-bit available TSS */
#define DESC_PRESENT	(1ULL << 47)

#define GATE_INTR	0xe		/* interrupt gate: IF cleared on entry */

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

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

/* Per-CPU tables, indexed by logical CPU number; written only by that CPU at bring-up. */
static uint64_t gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss64 tss[NR_CPUS] __aligned(16);
/* Written once by idt_init on the boot CPU; read-only afterwards. */
static struct idt_gate idt[NR_VECTORS] __aligned(16);

/* Entry stubs from entry.S, one per vector. */
extern const uint64_t entry_stubs[NR_VECTORS];

static void set_gate(unsigned int vec, uint64_t handler, unsigned int ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff,
		.sel = HV_CS,
		.ist = (uint8_t)ist,
		.type_attr = 0x80 | GATE_INTR,	/* present, DPL 0 */
		.off_mid = (handler >> 16) & 0xffff,
		.off_hi = (uint32_t)(handler >> 32),
	};
}

void idt_init(void)
{
	for (unsigned int v = 0; v < NR_VECTORS; v++)
		set_gate(v, entry_stubs[v], 0);
	set_gate(X86_EXC_DF, entry_stubs[X86_EXC_DF], IST_DF);
	set_gate(X86_EXC_NMI, entry_stubs[X86_EXC_NMI], IST_NMI);
	set_gate(X86_EXC_MC, entry_stubs[X86_EXC_MC], IST_MC);
}

void desc_init_cpu(unsigned int cpu, void *stack_block)
{
	uint64_t *g = gdt[cpu];
	struct tss64 *t = &tss[cpu];
	uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;
	uint64_t blk = (uint64_t)stack_block;
	struct desc_ptr gp = { sizeof(gdt[cpu]) - 1, (uint64_t)g };
	struct desc_ptr ip = { sizeof(idt) - 1, (uint64_t)idt };

	BUG_ON(cpu >= NR_CPUS);
	memset(t, 0, sizeof(*t));
	t->rsp[0] = blk + STACK_SIZE - 128;	/* below struct cpu_info */
	t->ist[IST_DF - 1] = blk + STACK_IST_DF_TOP;
	t->ist[IST_NMI - 1] = blk + STACK_IST_NMI_TOP;
	t->ist[IST_MC - 1] = blk + STACK_IST_MC_TOP;
	t->iomap_base = sizeof(*t);	/* no I/O bitmap: ring 3 port access faults */

	g[0] = 0;
	g[HV_CS >> 3] = DESC_CS64;
	g[HV_DS >> 3] = DESC_DS;
	g[3] = DESC_CS32;
	g[TSS_SEL >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			  (DESC_TSS_TYPE << 40) | DESC_PRESENT |
			  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	g[(TSS_SEL >> 3) + 1] = base >> 32;

	__asm__ __volatile__("lgdt %0" :: "m"(gp));
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
	__asm__ __volatile__("lidt %0" :: "m"(ip));
}
