// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ward-bench harness: the benchmark table entry, the clock, and the
 * two ways of measuring (calibrated per-operation loops and fixed-work
 * runs). main.c runs the whole table several rounds, each benchmark in
 * a fresh child process per round, so a benchmark that fails may simply
 * call bench_die(). A round's result is the best of its samples; the
 * final result is the best of the rounds (see harness.c for why).
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

/*
 * What one benchmark carries from round to round. It lives in memory
 * shared between main() and the benchmark's children: the first round
 * calibrates ops and later rounds reuse it, so every round of a system
 * measures the same amount of work.
 */
struct bench_state {
	int round;		/* 0-based round this child runs */
	uint64_t ops;		/* operations per sample; 0 until calibrated */
	double lo, hi;		/* this round's fastest and slowest sample */
	double value;		/* this round's result, in the bench's unit */
	int done;		/* value is valid */
};

/* The state of the benchmark this child runs (main.c sets it). */
extern struct bench_state *bench_state;

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
 * In the first round calibrates n so that one sample of fn takes about
 * the sample target; then takes this round's samples and returns the
 * fastest, in microseconds per operation.
 */
double bench_per_op_us(bench_loop_fn fn, void *arg);

/* Calls fn for this round's runs (after a warm-up call in the first
 * round); returns the fastest, in milliseconds. */
double bench_run_ms(bench_run_fn fn, void *arg);

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
