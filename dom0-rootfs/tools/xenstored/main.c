// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstored for Ward's dom0: set up dom0's ring, the socket and the
 * domain-death VIRQ, say "ready", then serve from one poll() loop.
 *
 *   xenstored [--no-fork|-N] [-T TRACEFILE] [-v] [-s SOCKET] [--no-xen]
 *
 * --no-xen serves the socket only (no rings, no event channels): for
 * testing the daemon and its clients on any Linux host.
 * Without --no-fork the parent exits 0 once the daemon serves, so a boot
 * script may use xenstore right after it returns.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "conn.h"
#include "xsd.h"

#define MAX_POLLFDS	512

/* Set by the signal handler, read by the loop. */
static volatile sig_atomic_t stop;
/* The trace file (-T) or stderr (-v); NULL: no tracing. */
static FILE *trace_file;

void xsd_log(const char *fmt, ...)
{
	va_list ap;

	fputs("xenstored: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *const type_names[XS_TYPE_COUNT] = {
	[XS_CONTROL] = "CONTROL", [XS_DIRECTORY] = "DIRECTORY",
	[XS_READ] = "READ", [XS_GET_PERMS] = "GET_PERMS",
	[XS_WATCH] = "WATCH", [XS_UNWATCH] = "UNWATCH",
	[XS_TRANSACTION_START] = "TRANSACTION_START",
	[XS_TRANSACTION_END] = "TRANSACTION_END",
	[XS_INTRODUCE] = "INTRODUCE", [XS_RELEASE] = "RELEASE",
	[XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH", [XS_WRITE] = "WRITE",
	[XS_MKDIR] = "MKDIR", [XS_RM] = "RM", [XS_SET_PERMS] = "SET_PERMS",
	[XS_WATCH_EVENT] = "WATCH_EVENT", [XS_ERROR] = "ERROR",
	[XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
	[XS_RESUME] = "RESUME", [XS_SET_TARGET] = "SET_TARGET",
	[XS_RESET_WATCHES] = "RESET_WATCHES",
	[XS_DIRECTORY_PART] = "DIRECTORY_PART",
};

static void trace(struct xsd *d, struct conn *c, const char *dir,
		  const struct xsd_sockmsg *hdr, const void *body)
{
	const unsigned char *p = body;
	const char *name = hdr->type < XS_TYPE_COUNT ? type_names[hdr->type]
						      : NULL;
	uint32_t i;

	(void)d;
	fprintf(trace_file, "%-3s %s%u %s req=%u tx=%u len=%u \"", dir,
		c->kind == CONN_SOCKET ? "sock/" : "dom", c->domid,
		name ? name : "?", hdr->req_id, hdr->tx_id, hdr->len);
	for (i = 0; body && i < hdr->len && i < 256; i++) {
		if (p[i] == '\0')
			fputs("\\0", trace_file);
		else if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '"')
			fprintf(trace_file, "\\x%02x", p[i]);
		else
			fputc(p[i], trace_file);
	}
	fputs("\"\n", trace_file);
	fflush(trace_file);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xenstored [--no-fork|-N] [-T TRACEFILE] [-v] "
		   "[-s SOCKET] [--no-xen]\n");
}

/* One line on the log and on the console, for people and tests. */
static void announce_ready(void)
{
	static const char line[] = "xenstored: ready\n";
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);

	fputs(line, stderr);
	fflush(stderr);
	if (fd >= 0) {
		/* A failure here is harmless: the log has the line. */
		ssize_t n = write(fd, line, sizeof(line) - 1);

		(void)n;
		close(fd);
	}
}

int main(int argc, char **argv)
{
	const char *socket_path = XSD_SOCKET_PATH;
	bool no_fork = false, no_xen = false;
	struct pollfd pfd[MAX_POLLFDS];
	struct sigaction sa = { .sa_handler = on_signal };
	struct xsd d;
	struct io io;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-fork") || !strcmp(argv[i], "-N")) {
			no_fork = true;
		} else if (!strcmp(argv[i], "-v")) {
			if (!trace_file)
				trace_file = stderr;
		} else if (!strcmp(argv[i], "-T") && i + 1 < argc) {
			trace_file = fopen(argv[++i], "a");
			if (!trace_file) {
				fprintf(stderr, "xenstored: cannot open %s: "
					"%s\n", argv[i], strerror(errno));
				return 1;
			}
		} else if (!strcmp(argv[i], "--no-xen")) {
			no_xen = true;
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			socket_path = argv[++i];
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 1;
		}
	}

	if (!no_xen && access(XSD_KVA_PATH, F_OK) < 0) {
		xsd_log("%s is missing: not a Xen dom0, or xenfs is not "
			"mounted on /proc/xen", XSD_KVA_PATH);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (xsd_init(&d, &io_domain_ops)) {
		xsd_log("out of memory");
		return 1;
	}
	if (trace_file)
		d.trace = trace;
	if (io_init(&d, &io, no_xen) || io_listen(&d, socket_path) ||
	    (!no_xen && io_dom0_ring(&d)))
		return 1;
	announce_ready();

	if (!no_fork) {
		pid_t pid = fork();

		if (pid < 0) {
			xsd_log("fork: %s", strerror(errno));
			return 1;
		}
		if (pid > 0)
			return 0;
		setsid();
	}

	while (!stop) {
		bool more = io_flush(&d);
		int n = io_pollfds(&d, pfd, MAX_POLLFDS);

		if (poll(pfd, n, more ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			xsd_log("poll: %s", strerror(errno));
			break;
		}
		io_handle(&d, pfd, n);
	}
	xsd_log("exiting");
	io_shutdown(&d);
	xsd_destroy(&d);
	return 0;
}
