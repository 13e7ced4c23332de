// SPDX-License-Identifier: GPL-2.0-only
/*
 * lib/xs.c against the real daemon over a Unix socket: a child process
 * runs xenstored's socket layer (conn.c without Xen, as --no-xen does)
 * and the tests use the client API the toolstack uses. Covers framing
 * both ways, errors as -errno, watch events queued while waiting for a
 * reply, transactions with EAGAIN, permissions and domain requests.
 */
// sources: xenstored/store.c xenstored/wire.c xenstored/watch.c xenstored/transaction.c xenstored/request.c xenstored/conn.c lib/xs.c lib/evtchn.c lib/privcmd.c
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/xs.h"
#include "xenstored/conn.h"

static char sock_path[64];
static pid_t daemon_pid;

void xsd_log(const char *fmt, ...)
{
	(void)fmt;
}

static void serve(void)
{
	struct pollfd pfd[64];
	struct xsd d;
	struct io io;

	if (xsd_init(&d, &io_domain_ops) || io_init(&d, &io, true) ||
	    io_listen(&d, sock_path))
		_exit(1);
	/* Tell the parent the socket is listening. */
	kill(getppid(), SIGUSR1);
	for (;;) {
		int n;

		io_flush(&d);
		n = io_pollfds(&d, pfd, 64);
		if (poll(pfd, n, -1) < 0)
			_exit(1);
		io_handle(&d, pfd, n);
	}
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int start_daemon(void **state)
{
	sigset_t set, old;

	(void)state;
	snprintf(sock_path, sizeof(sock_path), "/tmp/test-xsd-%d.sock",
		 (int)getpid());
	signal(SIGUSR1, on_usr1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	daemon_pid = fork();
	if (daemon_pid == 0)
		serve();
	if (daemon_pid < 0)
		return -1;
	sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

static int stop_daemon(void **state)
{
	(void)state;
	kill(daemon_pid, SIGKILL);
	waitpid(daemon_pid, NULL, 0);
	unlink(sock_path);
	return 0;
}

static struct xs_handle *open_h(void)
{
	struct xs_handle *h = xs_open(sock_path);

	assert_non_null(h);
	return h;
}

static void test_read_write_directory(void **state)
{
	struct xs_handle *h = open_h();
	char *val, **names;
	unsigned int n;
	size_t len;

	assert_int_equal(xs_write_str(h, XS_NO_TX, "/s/a", "one"), 0);
	assert_int_equal(xs_write(h, XS_NO_TX, "/s/b", "\0x", 2), 0);
	assert_int_equal(xs_read(h, XS_NO_TX, "/s/a", &val, &len), 0);
	assert_int_equal(len, 3);
	assert_string_equal(val, "one");
	free(val);
	assert_int_equal(xs_read(h, XS_NO_TX, "/s/b", &val, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(val, "\0x", 2);
	free(val);
	assert_int_equal(xs_directory(h, XS_NO_TX, "/s", &names, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "a");
	assert_string_equal(names[1], "b");
	free(names);
	assert_int_equal(xs_mkdir(h, XS_NO_TX, "/s/empty"), 0);
	assert_int_equal(xs_directory(h, XS_NO_TX, "/s/empty", &names, &n), 0);
	assert_int_equal(n, 0);
	free(names);
	assert_int_equal(xs_rm(h, XS_NO_TX, "/s"), 0);
	assert_int_equal(xs_read(h, XS_NO_TX, "/s/a", &val, NULL), -ENOENT);
	assert_int_equal(xs_read(h, XS_NO_TX, "bad//path", &val, NULL),
			 -EINVAL);
	/* Relative paths on the socket are dom0's. */
	assert_int_equal(xs_write_str(h, XS_NO_TX, "rel", "r"), 0);
	assert_int_equal(xs_read(h, XS_NO_TX, "/local/domain/0/rel", &val,
				 NULL), 0);
	free(val);
	xs_close(h);
}

static void test_perms(void **state)
{
	struct xs_handle *h = open_h();
	const char *set[] = { "n0", "r5", "b7" };
	char **perms;
	unsigned int n;

	assert_int_equal(xs_mkdir(h, XS_NO_TX, "/p"), 0);
	assert_int_equal(xs_set_perms(h, XS_NO_TX, "/p", set, 3), 0);
	assert_int_equal(xs_get_perms(h, XS_NO_TX, "/p", &perms, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(perms[1], "r5");
	assert_string_equal(perms[2], "b7");
	free(perms);
	set[0] = "z0";
	assert_int_equal(xs_set_perms(h, XS_NO_TX, "/p", set, 1), -EINVAL);
	xs_close(h);
}

static void test_watch_across_handles(void **state)
{
	struct xs_handle *w = open_h(), *h = open_h();
	char *path, *token, *val;

	assert_int_equal(xs_watch(w, "/wt", "tok"), 0);
	assert_int_equal(xs_read_watch(w, &path, &token, 0), 0);
	assert_string_equal(path, "/wt");			/* initial */
	assert_string_equal(token, "tok");
	free(path);
	free(token);
	assert_int_equal(xs_read_watch(w, &path, &token, XS_NONBLOCK),
			 -EAGAIN);
	assert_int_equal(xs_write_str(h, XS_NO_TX, "/wt/x", "1"), 0);
	/* The event arrives while w waits for this reply: it is queued. */
	assert_int_equal(xs_read(w, XS_NO_TX, "/wt/x", &val, NULL), 0);
	free(val);
	assert_int_equal(xs_read_watch(w, &path, &token, XS_NONBLOCK), 0);
	assert_string_equal(path, "/wt/x");
	free(path);
	free(token);
	assert_int_equal(xs_watch(w, "/wt", "tok"), -EEXIST);
	assert_int_equal(xs_unwatch(w, "/wt", "tok"), 0);
	assert_int_equal(xs_unwatch(w, "/wt", "tok"), -ENOENT);
	assert_int_equal(xs_watch(w, "@releaseDomain", "r"), 0);
	xs_close(w);
	xs_close(h);
}

static void test_transactions(void **state)
{
	struct xs_handle *h = open_h(), *o = open_h();
	uint32_t t;
	char *val;

	assert_int_equal(xs_transaction_start(h, &t), 0);
	assert_true(t != XS_NO_TX);
	assert_int_equal(xs_write_str(h, t, "/tx/a", "in"), 0);
	assert_int_equal(xs_read(o, XS_NO_TX, "/tx/a", &val, NULL), -ENOENT);
	assert_int_equal(xs_transaction_end(h, t, 0), 0);
	assert_int_equal(xs_read(o, XS_NO_TX, "/tx/a", &val, NULL), 0);
	free(val);

	/* Someone else changes the same node: EAGAIN. */
	assert_int_equal(xs_transaction_start(h, &t), 0);
	assert_int_equal(xs_write_str(h, t, "/tx/a", "lost"), 0);
	assert_int_equal(xs_write_str(o, XS_NO_TX, "/tx/a", "meanwhile"), 0);
	assert_int_equal(xs_transaction_end(h, t, 0), -EAGAIN);
	assert_int_equal(xs_transaction_end(h, t, 0), -ENOENT);
	/* Someone else changes another node: both changes stay. */
	assert_int_equal(xs_transaction_start(h, &t), 0);
	assert_int_equal(xs_write_str(h, t, "/tx/a", "kept"), 0);
	assert_int_equal(xs_write_str(o, XS_NO_TX, "/other", "too"), 0);
	assert_int_equal(xs_transaction_end(h, t, 0), 0);
	assert_int_equal(xs_read(o, XS_NO_TX, "/tx/a", &val, NULL), 0);
	assert_string_equal(val, "kept");
	free(val);
	xs_close(h);
	xs_close(o);
}

static void test_domains(void **state)
{
	struct xs_handle *h = open_h();
	char *path;

	assert_int_equal(xs_get_domain_path(h, 3, &path), 0);
	assert_string_equal(path, "/local/domain/3");
	free(path);
	assert_int_equal(xs_is_domain_introduced(h, 0), 1);
	assert_int_equal(xs_is_domain_introduced(h, 3), 0);
	assert_int_equal(xs_release(h, 3), -ENOENT);
	assert_int_equal(xs_introduce(h, 0, 1, 1), -EINVAL);
	xs_close(h);
}

static void test_errno_names(void **state)
{
	(void)state;
	assert_int_equal(xs_errno_from_name("ENOENT"), -ENOENT);
	assert_int_equal(xs_errno_from_name("EAGAIN"), -EAGAIN);
	assert_int_equal(xs_errno_from_name("EWHATEVER"), -EINVAL);
	assert_null(xs_open("/nonexistent/socket"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write_directory),
		cmocka_unit_test(test_perms),
		cmocka_unit_test(test_watch_across_handles),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_errno_names),
	};

	return cmocka_run_group_tests(tests, start_daemon, stop_daemon);
}
