// SPDX-License-Identifier: GPL-2.0-only
/*
 * attack=dbg: hardware debug registers armed (HYPERVISOR_set_debugreg,
 * DR0-3 plus DR7's enable, type and length bits) on the very buffers the
 * hypercalls we then make read and write: an mmu_update request array,
 * its done count, an mmuext_op array, multicall entries, a console_io
 * buffer, a grant op, a reservation's domid, a runstate area the
 * hypervisor writes at every context switch, a trap table, a xen_version
 * buffer and the stack our bounce frames land on; and the trap flag set
 * across SYSCALL and int3. vCPU 1 does the same on its own buffer.
 *
 * The hypervisor touches those buffers from ring 0 through our linear
 * addresses, with our breakpoints loaded: a #DB in the hypervisor must
 * not take the machine down (on Xen it is noted for the guest and the
 * access goes on). The child takes its own #DBs (its accesses, single
 * steps) through TRY and carries on.
 */
#include "attack.h"
#include <xen/vcpu.h>

#define DR7_L(n)	(1UL << (2 * (n)))
#define DR7_G(n)	(2UL << (2 * (n)))
#define DR7_LE_GE	(3UL << 8)
#define DR7_RW_SHIFT(n)	(16 + 4 * (n))
#define DR7_LEN_SHIFT(n) (18 + 4 * (n))
#define RW_EXEC		0
#define RW_WRITE	1
#define RW_IO		2
#define RW_ACCESS	3
#define NR_ENTRIES	8

enum buffer { B_MMU, B_DONE, B_EXT, B_MC, B_CON, B_GNT, B_DOMID, B_RUNSTATE, B_TRAPS, B_VER,
	      B_CODE, B_STACK, NR_BUFFERS };

static mmu_update_t mmu_reqs[NR_ENTRIES];
static unsigned int done;
static struct mmuext_op ext_ops[NR_ENTRIES];
static multicall_entry_t mc[NR_ENTRIES];
static char con[64] = "child: dbg: console_io under a watchpoint\n";
static struct gnttab_query_size gq;
static domid_t domid_arg;
static struct vcpu_runstate_info runstate;
static trap_info_t traps[2];
static char ver[64];
static mmu_update_t v1_req;
static volatile unsigned long guest_dbs, accepted, efaults;

/* An exec breakpoint's target: a call that is not inlined. */
static __attribute__((noinline)) long dbg_target(void)
{
	return HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

/*
 * A byte of @b's buffer. Any byte, not just the start: a watchpoint on the
 * last byte a copy touches is the one whose #DB comes after the copy's
 * last iteration, past the instruction the exception table names.
 */
static unsigned long buffer_addr(enum buffer b)
{
#define ANY_BYTE(obj)	((unsigned long)&(obj) + rnd_below(sizeof(obj)))
	switch (b) {
	case B_MMU: return ANY_BYTE(mmu_reqs);
	case B_DONE: return ANY_BYTE(done);
	case B_EXT: return ANY_BYTE(ext_ops);
	case B_MC: return ANY_BYTE(mc);
	case B_CON: return (unsigned long)con + rnd_below(42);
	case B_GNT: return ANY_BYTE(gq);
	case B_DOMID: return ANY_BYTE(domid_arg);
	case B_RUNSTATE: return ANY_BYTE(runstate);
	case B_TRAPS: return ANY_BYTE(traps);
	case B_VER: return (unsigned long)ver + rnd_below(16);
	case B_CODE: return (unsigned long)dbg_target;
	default: return 0;	/* B_STACK: chosen at the time */
	}
#undef ANY_BYTE
}

/* Fill the buffers with requests that work (the point is who reads them). */
static void fill(void)
{
	for (unsigned int i = 0; i < NR_ENTRIES; i++) {
		mmu_reqs[i].ptr = MADDR(at.pool[0], 0) | MMU_MACHPHYS_UPDATE;
		mmu_reqs[i].val = i;
		memset(&ext_ops[i], 0, sizeof(ext_ops[i]));
		ext_ops[i].cmd = MMUEXT_TLB_FLUSH_LOCAL;
		memset(&mc[i], 0, sizeof(mc[i]));
		mc[i].op = __HYPERVISOR_xen_version;
		mc[i].args[0] = XENVER_version;
	}
	gq.dom = DOMID_SELF;
	domid_arg = DOMID_SELF;
	memset(traps, 0, sizeof(traps));
	traps[0].vector = X86_EXC_DB;
	TI_SET_IF(&traps[0], 1);
	traps[0].cs = FLAT_KERNEL_CS;
	traps[0].address = trap_stub_addr[X86_EXC_DB];
}

static long call(enum buffer b)
{
	unsigned int n = 1 + (unsigned int)rnd_below(NR_ENTRIES);

	switch (b) {
	case B_MMU:
	case B_DONE:
		return HYPERVISOR_mmu_update(mmu_reqs, n, &done, DOMID_SELF);
	case B_EXT:
		return HYPERVISOR_mmuext_op(ext_ops, n, &done, DOMID_SELF);
	case B_MC:
		return HYPERVISOR_multicall(mc, n);
	case B_CON:
		return HYPERVISOR_console_io(CONSOLEIO_write, 42, con);
	case B_GNT:
		return gnttab(GNTTABOP_query_size, &gq, 1);
	case B_DOMID:
		return HYPERVISOR_memory_op(XENMEM_current_reservation, &domid_arg);
	case B_RUNSTATE: {
		struct vcpu_register_runstate_memory_area a;

		a.addr.v = &runstate;
		HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);
		for (unsigned int i = 0; i < 4; i++)	/* context switches write it */
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		a.addr.v = NULL;
		return HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &a);
	}
	case B_TRAPS:
		return HYPERVISOR_set_trap_table(traps);
	case B_VER:
		return HYPERVISOR_xen_version(XENVER_extraversion, ver);
	case B_STACK: {
		uint64_t v;

		/* A #PF bounced onto the stack we watch. */
		return try_load((unsigned long)BAD_PTR_UNMAPPED, &v);
	}
	default:
		return dbg_target();
	}
}

static unsigned long dr7_for(unsigned int dr, unsigned int rw, unsigned int len)
{
	unsigned long v = one_in(2) ? DR7_L(dr) : one_in(2) ? DR7_G(dr) : DR7_L(dr) | DR7_G(dr);

	v |= one_in(4) ? DR7_LE_GE : 0;
	return v | ((unsigned long)rw << DR7_RW_SHIFT(dr)) | ((unsigned long)len << DR7_LEN_SHIFT(dr));
}

/* One armed call: breakpoints on @b's buffer (and others), the call, disarmed. */
static void step_watch(void)
{
	/* The stack last and rarely: a bounce frame it stops crashes us (Ward). */
	enum buffer b = (enum buffer)rnd_below(one_in(16) ? NR_BUFFERS : B_STACK);
	static const unsigned int lens[] = { 0, 1, 3, 2 };	/* 1, 2, 4, 8 bytes */
	unsigned long dr7 = 0, sp;

	asm volatile("mov %%rsp, %0" : "=r"(sp));
	fill();
	for (unsigned int dr = 0; dr < 4; dr++) {
		unsigned int k = (unsigned int)rnd_below(4);
		unsigned long addr = b == B_STACK ? sp - 8 * (1 + rnd_below(64)) : buffer_addr(b);
		unsigned int rw = b == B_CODE ? RW_EXEC : one_in(8) ? RW_IO :
				  one_in(2) ? RW_WRITE : RW_ACCESS;

		if (dr && one_in(2))
			continue;
		if (rw == RW_EXEC)
			k = 0;
		addr &= ~((1UL << k) - 1);	/* aligned to its length */
		if (HYPERVISOR_set_debugreg((int)dr, addr))
			continue;
		dr7 |= dr7_for(dr, rw, lens[k]);
	}
	if (HYPERVISOR_set_debugreg(7, dr7))
		return;
	accepted++;
	if (TRY()) {
		/*
		 * Every call here works unwatched: an -EFAULT means the
		 * hypervisor took our breakpoint as a fault of its access.
		 */
		if (call(b) == -XEN_EFAULT && b != B_STACK)
			efaults++;
		END_TRY();
	} else {
		guest_dbs++;
	}
	HYPERVISOR_set_debugreg(7, 0);
	HYPERVISOR_set_debugreg(6, 0);
}

/* The trap flag set when SYSCALL (or int3) runs: the #DB comes right after it. */
static void step_single_step(void)
{
	unsigned long nr = __HYPERVISOR_xen_version, cmd = XENVER_version, arg = 0;
	bool via_int3 = one_in(3);

	if (TRY()) {
		if (via_int3)
			asm volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\tint3\n\tnop"
				     ::: "memory", "cc");
		else
			asm volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
				     "syscall\n\tnop"
				     : "+a"(nr), "+D"(cmd), "+S"(arg)
				     :
				     : "rcx", "r11", "rdx", "r10", "r8", "memory", "cc");
		END_TRY();
	} else {
		guest_dbs++;
	}
	asm volatile("pushfq\n\tandq $~0x100, (%%rsp)\n\tpopfq" ::: "memory", "cc");
	HYPERVISOR_set_debugreg(6, 0);
}

/*
 * The deterministic opening: a one-byte watch on each byte of an
 * mmu_update request, then of its done count, one call each. A #DB
 * inside a copy's "rep movsb" has RIP on the instruction; after its last
 * byte, RIP is past it, where no exception-table entry is.
 */
static long watched_mmu_update(void)
{
	volatile long rc = 0;

	if (TRY()) {
		rc = HYPERVISOR_mmu_update(mmu_reqs, 1, &done, DOMID_SELF);
		END_TRY();
	} else {
		guest_dbs++;
	}
	return rc;
}

static void step_byte_sweep(void)
{
	unsigned int hit = 0, n = 0;

	for (unsigned int off = 0; off < sizeof(mmu_update_t) + sizeof(done); off++) {
		unsigned long a = off < sizeof(mmu_update_t) ? (unsigned long)&mmu_reqs[0] + off :
				  (unsigned long)&done + off - sizeof(mmu_update_t);

		fill();
		if (HYPERVISOR_set_debugreg(0, a) ||
		    HYPERVISOR_set_debugreg(7, dr7_for(0, RW_ACCESS, 0)))
			continue;
		n++;
		hit += watched_mmu_update() == -XEN_EFAULT;
		HYPERVISOR_set_debugreg(7, 0);
	}
	efaults += hit;
	printk("child: dbg: 1-byte watches on each byte of a request and its done: %u of %u calls "
	       "-EFAULT\n", hit, n);
}

void attack_dbg(void)
{
	unsigned long nr_steps = at.longer ? 3000 : 200;

	v1_req.ptr = MADDR(at.pool[1], 0) | MMU_MACHPHYS_UPDATE;
	v1_req.val = 1;
	if (v1_up())
		v1_start(V1_DBG, DR7_L(0) | ((unsigned long)RW_ACCESS << DR7_RW_SHIFT(0)) |
			 (3UL << DR7_LEN_SHIFT(0)), __HYPERVISOR_mmu_update,
			 (unsigned long)&v1_req, 1);
	step_byte_sweep();
	for (unsigned long s = 0; s < nr_steps; s++) {
		if (one_in(8))
			step_single_step();
		else
			step_watch();
	}
	v1_stop();
	/* The trap table B_TRAPS rewrote: ours again. */
	traps_install();
	printk("child: dbg: %lu steps, %lu armed, %lu #DBs of our own, %lu calls -EFAULT\n",
	       nr_steps, accepted, guest_dbs, efaults);
}
