// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ward-bench harness: the benchmark table entry, the clock, and the
 * two ways of measuring (calibrated per-operation loops and fixed-work
 * runs). Every benchmark runs in its own child process (main.c), so a
 * benchmark that fails may simply call bench_die().
 */
#pragma once

#include <stdint.h>

/* One row of the suite. run() stores the value in *out, in unit. */
struct bench {
	const char *name;	/* [a-z0-9_], the BENCH line's name */
	const char *unit;	/* "us" per operation, "ms" per run, or "MB/s" */
	const char *what;	/* one line: what one operation or run is */
	int (*run)(double *out);	/* 0, or bench_die() */
};

/*
 * Runs n operations and returns the nanoseconds they took. Setup that is
 * not part of an operation (an mmap before touching, say) may be done
 * inside and left out of the returned time.
 */
typedef uint64_t (*bench_loop_fn)(void *arg, uint64_t n);

/* Does one fixed unit of work (one "run") and returns its nanoseconds. */
typedef uint64_t (*bench_run_fn)(void *arg);

/* The arguments of ward-bench that benchmarks read. */
struct bench_opts {
	double scale;		/* multiplies every time target (--scale) */
	const char *libdir;	/* helper binaries (--libdir) */
	const char *tmpdir;	/* scratch files, tmpfs in the guest (--tmpdir) */
	const char *loop_dir;	/* ext4 on a loop device (--loop-dir) */
	const char *vda_dir;	/* ext4 on the virtio disk (--vda-dir) */
};

extern struct bench_opts bench_opts;

/* Name of the benchmark this process is running, for bench_die(). */
extern const char *bench_current;

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

/*
 * Calibrates n so that one sample of fn takes about the sample target,
 * takes BENCH_SAMPLES samples and returns the median microseconds per
 * operation. Prints a BENCH-INFO line with n and the spread of samples.
 */
double bench_per_op_us(bench_loop_fn fn, void *arg);

/* Calls fn runs times after one warm-up call; median milliseconds. */
double bench_run_ms(bench_run_fn fn, void *arg, int runs);

/* Median of v[0..n-1]; sorts v. */
double bench_median(double *v, int n);

/* Prints "BENCH-FAIL <current> <reason>" and exits the benchmark's child. */
void bench_die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* Creates (truncates) path and fills it with size bytes of data. */
void bench_write_file(const char *path, const void *data, size_t size);

/* fork + execv(path, argv) with stdout sent to out (NULL: unchanged),
 * then waits; dies unless the child exits 0. Returns its nanoseconds. */
uint64_t bench_spawn(const char *path, char *const argv[], const char *out);

/* The benchmark table of each file, NULL-name terminated. */
extern const struct bench micro_sys_benches[];
extern const struct bench micro_signal_benches[];
extern const struct bench micro_proc_benches[];
extern const struct bench micro_mem_benches[];
extern const struct bench macro_cpu_benches[];
extern const struct bench macro_fileio_benches[];
