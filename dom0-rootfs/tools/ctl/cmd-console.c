// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl console NAME|ID: attach this terminal to the domain's console
 * through its console daemon's socket. Ctrl-] detaches, as in xl.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "xs.h"
#include "wardctl.h"

#define DETACH_CHAR	0x1d	/* Ctrl-] */
#define IO_BUF		1024

static int connect_console(uint32_t domid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	snprintf(sa.sun_path, sizeof(sa.sun_path),
		 WARDCTL_RUN_DIR "/console-%" PRIu32 ".sock", domid);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		pr_err("console: %s: %s (is its console daemon running?)",
		       sa.sun_path, strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Copy both ways until Ctrl-], end of input or the daemon goes away. */
static void relay(int sock)
{
	struct pollfd p[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = sock, .events = POLLIN },
	};
	char buf[IO_BUF], *detach;
	ssize_t n;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[1].revents) {
			n = read(sock, buf, sizeof(buf));
			if (n <= 0 || write_all(STDOUT_FILENO, buf, n))
				return;
		}
		if (p[0].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				return;
			detach = memchr(buf, DETACH_CHAR, n);
			if (detach)
				n = detach - buf;
			if (n && write_all(sock, buf, n))
				return;
			if (detach)
				return;
		}
	}
}

int cmd_console(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	struct termios saved, raw;
	bool tty;
	int fd, sock;

	if (verb_parse(argc, argv, "", "domain NAME or ID", &args))
		return 2;
	fd = ctl_open();
	if (fd < 0)
		return 1;
	xs = xs_open(NULL);
	if (dom_find(fd, xs, args.pos, &d))
		return 1;
	if (d.info.domid == 0) {
		pr_err("console: dom0's console is the hypervisor's serial line");
		return 1;
	}
	sock = connect_console(d.info.domid);
	if (sock < 0)
		return 1;

	tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	relay(sock);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(sock);
	if (xs)
		xs_close(xs);
	return 0;
}
