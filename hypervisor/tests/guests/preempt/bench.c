// SPDX-License-Identifier: GPL-2.0-only
/*
 * "bench" on the command line: how long can a hypercall keep others
 * waiting? For each family, vCPU 1 issues its huge call BENCH_REPS times
 * while vCPU 0 measures its longest wait: on one host CPU, the longest
 * time it was kept off the CPU (vCPU 0 spins, so both use whole time
 * slices; with vCPU 1 spinning in guest code the wait is one slice, the
 * baseline); on two, the longest one tiny mmu_update took. The excess over
 * the baseline is how long the call ran past the point where it should
 * have let the other vCPU in: without preemption points, the whole call.
 * Not a pass/fail test (scripts/hypercall-latency.sh collects the table).
 */
#include "preempt.h"

#define BENCH_REPS	3
#define SPIN_NS		(300ULL * 1000 * 1000)

/* vCPU 1 spins in guest code for SPIN_NS: what a vCPU that never calls does. */
static long call_spin(void)
{
	uint64_t end = vcpu_now(1) + SPIN_NS;

	while (vcpu_now(1) < end)
		;
	return 0;
}

static unsigned long spin_progress(void)
{
	return 0;	/* nothing is "inside" guest code */
}

static const struct huge spin = { "(guest code, baseline)", 0, call_spin, spin_progress };

/* "12.34": @ns in milliseconds with two decimals. */
static const char *ms(char *buf, size_t size, uint64_t ns)
{
	unsigned long c = (unsigned long)(ns / 10000);	/* hundredths of a ms */

	snprintf(buf, size, "%lu.%02lu", c / 100, c % 100);
	return buf;
}

/*
 * One row: the worst of BENCH_REPS runs of @h, each set up by @prepare
 * and undone by @after (given the call's result).
 */
static uint64_t bench_one(const char *key, const struct huge *h, void (*prepare)(void),
			  void (*after)(long rc), uint64_t baseline)
{
	uint64_t worst = 0, call = 0;
	char b1[24], b2[24], b3[24];
	struct watch w;
	long rc = 0;

	for (unsigned int i = 0; i < BENCH_REPS; i++) {
		if (prepare)
			prepare();
		rc = run_huge(h, &w, true);
		if (after)
			after(w.rc);
		if (w.max_gap_ns > worst)
			worst = w.max_gap_ns;
		if (w.ns > call)
			call = w.ns;
	}
	printk("bench: %-20s %8lu %7ld %10s %10s %10s\n", key, h->ops, rc, ms(b1, sizeof(b1), call),
	       ms(b2, sizeof(b2), worst), ms(b3, sizeof(b3), worst > baseline ? worst - baseline : 0));
	return worst;
}

void bench_main(void)
{
	uint64_t baseline;

	printk("bench: %u host CPU(s); wait: vCPU 0's longest %s\n", nr_cpus,
	       nr_cpus == 1 ? "time off the CPU" : "tiny mmu_update");
	printk("bench: %-20s %8s %7s %10s %10s %10s\n", "family", "ops", "rc", "call_ms", "wait_ms",
	       "excess_ms");
	baseline = bench_one("baseline", &spin, NULL, NULL, ~0ULL);
	bench_one("mmu_update", &huge_mmu, mmu_bench_prepare, NULL, baseline);
	bench_one("mmuext_op", &huge_mmuext, mmuext_bench_prepare, NULL, baseline);
	bench_one("multicall", &huge_multicall, multicall_bench_prepare, NULL, baseline);
	bench_one("decrease_reservation", &huge_decrease, decrease_bench_prepare,
		  decrease_bench_after, baseline);
	bench_one("gnttab_copy", &huge_gnttab, gnttab_bench_prepare, NULL, baseline);
	bench_one("pin_fresh_tree", &huge_pin, tree_bench_pin_prepare, tree_bench_pin_after,
		  baseline);
	bench_one("unpin_tree", &huge_unpin, tree_bench_unpin_prepare, NULL, baseline);
	printk("bench: done\n");
}
