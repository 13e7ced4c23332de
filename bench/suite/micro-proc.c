// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process micro-benchmarks: creating, replacing and switching between
 * processes. These are dominated by page-table work (copying, building,
 * tearing down and switching address spaces), which a PV guest cannot do
 * itself: every page-table update is validated by the hypervisor.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* Waits for pid and dies unless it exited 0. */
static void reap(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		bench_die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bench_die("%s: child status 0x%x", what, status);
}

static pid_t fork_or_die(void)
{
	pid_t pid = fork();

	if (pid < 0)
		bench_die("fork: %s", strerror(errno));
	return pid;
}

static uint64_t loop_fork_exit(void *arg, uint64_t n)
{
	uint64_t t0 = now_ns();
	pid_t pid;

	(void)arg;
	for (uint64_t i = 0; i < n; i++) {
		pid = fork_or_die();
		if (pid == 0)
			_exit(0);
		reap(pid, "fork+exit");
	}
	return now_ns() - t0;
}

static int run_fork_exit(double *out)
{
	*out = bench_per_op_us(loop_fork_exit, NULL);
	return 0;
}

/* argv[0] of the child is the program; the child only execs it. */
static uint64_t loop_fork_exec(void *arg, uint64_t n)
{
	char *const *argv = arg;
	uint64_t t0 = now_ns();
	pid_t pid;

	for (uint64_t i = 0; i < n; i++) {
		pid = fork_or_die();
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		reap(pid, argv[0]);
	}
	return now_ns() - t0;
}

static int run_fork_exec(double *out)
{
	static char path[PATH_MAX];
	char *argv[] = { path, NULL };

	snprintf(path, sizeof(path), "%s/exit-helper", bench_opts.libdir);
	if (access(path, X_OK) < 0)
		bench_die("%s: %s", path, strerror(errno));
	*out = bench_per_op_us(loop_fork_exec, argv);
	return 0;
}

static int run_fork_sh(double *out)
{
	char *argv[] = { "/bin/sh", "-c", "exit", NULL };

	*out = bench_per_op_us(loop_fork_exec, argv);
	return 0;
}

/*
 * Ping-pong of one byte over two pipes. One round trip is two context
 * switches plus two writes and two reads. main() pins the suite to one
 * CPU, so both processes share it and every hand-over is a real switch,
 * not a cross-CPU wake-up.
 */
struct pingpong {
	int to_child;
	int to_parent;
};

static uint64_t loop_pipe(void *arg, uint64_t n)
{
	struct pingpong *pp = arg;
	uint64_t t0 = now_ns();
	char c = 'p';

	for (uint64_t i = 0; i < n; i++) {
		if (write(pp->to_child, &c, 1) != 1 ||
		    read(pp->to_parent, &c, 1) != 1)
			bench_die("pipe ping-pong: %s", strerror(errno));
	}
	return now_ns() - t0;
}

static int run_pipe_ctxsw(double *out)
{
	int down[2], up[2];
	struct pingpong pp;
	pid_t pid;
	char c;

	if (pipe(down) < 0 || pipe(up) < 0)
		bench_die("pipe: %s", strerror(errno));
	pid = fork_or_die();
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		/* Echo until the parent closes its end. */
		while (read(down[0], &c, 1) == 1)
			if (write(up[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(down[0]);
	close(up[1]);
	pp.to_child = down[1];
	pp.to_parent = up[0];
	*out = bench_per_op_us(loop_pipe, &pp);
	close(down[1]);
	reap(pid, "pipe echo");
	return 0;
}

const struct bench micro_proc_benches[] = {
	{ "fork_exit", "us",
	  "fork(); child _exit(0); parent waitpid()",
	  run_fork_exit },
	{ "fork_exec", "us",
	  "fork + execv of a 1-page static helper that exits + waitpid",
	  run_fork_exec },
	{ "fork_sh", "us",
	  "fork + exec /bin/sh -c exit (static BusyBox) + waitpid",
	  run_fork_sh },
	{ "pipe_ctxsw", "us",
	  "1-byte pipe round trip between 2 processes on 1 CPU (2 switches)",
	  run_pipe_ctxsw },
	{ NULL, NULL, NULL, NULL },
};
