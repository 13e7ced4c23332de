// SPDX-License-Identifier: GPL-2.0-only
/*
 * Measuring. Under QEMU TCG a guest's clock follows the host's wall
 * clock, so whatever else runs on the host (other QEMUs, builds) shows up
 * in a sample, and it only ever adds time. We therefore keep the fastest
 * sample rather than a mean or median: the best of several samples is
 * the one least disturbed, and it is the most reproducible estimate of
 * the cost itself. Interference comes in episodes of seconds to minutes,
 * so main.c spreads each benchmark's samples over several rounds of the
 * whole suite, and the host takes the median over several boots.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* Samples per round of a calibrated loop, and runs per round of a
 * fixed-work benchmark. */
#define SAMPLES_PER_ROUND 3
#define RUNS_PER_ROUND 2
/* Target length of one sample before --scale. */
#define SAMPLE_TARGET_NS 100000000ull
/* Upper bound on operations per sample, so calibration always ends. */
#define MAX_OPS_PER_SAMPLE (1ull << 32)

struct bench_opts bench_opts = {
	.scale = 1.0,
	.libdir = "/usr/lib/ward-bench",
	.tmpdir = "/tmp",
	.loop_dir = "/mnt/bench-loop",
	.vda_dir = "/mnt/bench-vda",
};

const char *bench_current = "?";

/* Used when a benchmark runs without main.c's shared state (it never does
 * in ward-bench; this keeps the harness usable on its own). */
static struct bench_state private_state;
struct bench_state *bench_state = &private_state;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void bench_die(const char *fmt, ...)
{
	va_list ap;

	printf("BENCH-FAIL %s ", bench_current);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(1);
}

static uint64_t sample_target_ns(void)
{
	return (uint64_t)(SAMPLE_TARGET_NS * bench_opts.scale);
}

/*
 * Doubles n until a call takes a quarter of the target, then scales it to
 * the target. The first, short calls double as the warm-up (page cache,
 * TLB, QEMU's translation cache).
 */
static uint64_t calibrate(bench_loop_fn fn, void *arg)
{
	uint64_t target = sample_target_ns();
	uint64_t n = 1, t;

	for (;;) {
		t = fn(arg, n);
		if (t >= target / 4 || n >= MAX_OPS_PER_SAMPLE)
			break;
		/* Far below the target: grow faster than doubling. */
		n *= t < target / 64 ? 8 : 2;
	}
	if (t == 0)
		t = 1;
	n = (uint64_t)((double)n * (double)target / (double)t);
	if (n < 1)
		n = 1;
	if (n > MAX_OPS_PER_SAMPLE)
		n = MAX_OPS_PER_SAMPLE;
	return n;
}

/* Records this round's spread of samples; returns the fastest. */
static double best_of(const double *v, int n)
{
	double lo = v[0], hi = v[0];

	for (int i = 1; i < n; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	bench_state->lo = lo;
	bench_state->hi = hi;
	return lo;
}

double bench_per_op_us(bench_loop_fn fn, void *arg)
{
	double us[SAMPLES_PER_ROUND];
	uint64_t n = bench_state->ops;

	if (n == 0) {
		n = calibrate(fn, arg);
		bench_state->ops = n;
	} else {
		/* Warm this fresh process up: caches, TLB, page tables. */
		fn(arg, n / 4 ? n / 4 : 1);
	}
	for (int i = 0; i < SAMPLES_PER_ROUND; i++)
		us[i] = (double)fn(arg, n) / 1000.0 / (double)n;
	return best_of(us, SAMPLES_PER_ROUND);
}

double bench_run_ms(bench_run_fn fn, void *arg)
{
	double ms[RUNS_PER_ROUND];

	/*
	 * Only the first round warms up: a run's programs and files stay in
	 * the page cache, and QEMU keeps their translated code, across rounds.
	 */
	if (bench_state->round == 0)
		fn(arg);
	for (int i = 0; i < RUNS_PER_ROUND; i++)
		ms[i] = (double)fn(arg) / 1e6;
	bench_state->ops = 1;	/* for BENCH-ROUND's ops=: one run, no loop */
	return best_of(ms, RUNS_PER_ROUND);
}

void bench_write_file(const char *path, const void *data, size_t size)
{
	const char *p = data;
	ssize_t w;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		bench_die("open %s: %s", path, strerror(errno));
	while (size > 0) {
		w = write(fd, p, size);
		if (w <= 0)
			bench_die("write %s: %s", path, strerror(errno));
		p += w;
		size -= (size_t)w;
	}
	if (close(fd) < 0)
		bench_die("close %s: %s", path, strerror(errno));
}

uint64_t bench_spawn(const char *path, char *const argv[], const char *out)
{
	uint64_t t0;
	int status, fd;
	pid_t pid;

	/* The child must not inherit (and later print) buffered output. */
	fflush(stdout);
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (out) {
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(126);
			close(fd);
		}
		execv(path, argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		bench_die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_die("%s exited with status 0x%x", path, status);
	return now_ns() - t0;
}
