// SPDX-License-Identifier: GPL-2.0-only
/*
 * Measuring. Under QEMU TCG a guest's clock follows the host's wall
 * clock, so anything else running on the host shows up as noise in a
 * sample. We therefore take several short samples and keep the median,
 * which ignores a minority of disturbed samples, rather than one long
 * sample whose mean absorbs every disturbance.
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

/* Samples per micro-benchmark; odd, so the median is one sample. */
#define BENCH_SAMPLES 9
/* Target length of one sample before --scale: 9 x 100 ms ~ 1 s a row. */
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
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

double bench_per_op_us(bench_loop_fn fn, void *arg)
{
	double us[BENCH_SAMPLES];
	uint64_t n = calibrate(fn, arg);
	double lo, hi, med;
	int i;

	for (i = 0; i < BENCH_SAMPLES; i++)
		us[i] = (double)fn(arg, n) / 1000.0 / (double)n;
	med = bench_median(us, BENCH_SAMPLES);
	lo = us[0];
	hi = us[BENCH_SAMPLES - 1];
	printf("BENCH-INFO %s ops_per_sample=%llu samples=%d min=%.4g max=%.4g\n",
	       bench_current, (unsigned long long)n, BENCH_SAMPLES, lo, hi);
	return med;
}

double bench_run_ms(bench_run_fn fn, void *arg, int runs)
{
	double ms[32], med;
	int i;

	if (runs > 32)
		runs = 32;
	fn(arg);
	for (i = 0; i < runs; i++)
		ms[i] = (double)fn(arg) / 1e6;
	med = bench_median(ms, runs);
	printf("BENCH-INFO %s runs=%d min=%.4g max=%.4g\n", bench_current,
	       runs, ms[0], ms[runs - 1]);
	return med;
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
