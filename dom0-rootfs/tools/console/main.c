// SPDX-License-Identifier: GPL-2.0-only
/*
 * ward-consoled: serves one domU's primary console (one process per domain,
 * started by wardctl create).
 *
 *   ward-consoled DOMID CONSOLE_MFN CONSOLE_PORT NAME \
 *                 ON_POWEROFF ON_REBOOT ON_CRASH CONFIG
 *
 * It foreign-maps the ring page, binds the console event channel, and
 * drains everything the guest writes into /var/log/ward/console-NAME.log
 * and to the clients attached to /run/ward/console-DOMID.sock (wardctl
 * console), whose input goes into the ring. It drains whether or not a
 * client is attached, so a guest never blocks on a full ring. When the
 * domain shuts down it performs the configured on_* action (destroy or
 * restart through wardctl, preserve: leave it) and exits; SIGTERM (sent by
 * wardctl destroy) makes it exit at once.
 *
 * The parent returns 0 only once the ring is served, so create can tell.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "xen-sys.h"
#include "privcmd.h"
#include "evtchn.h"
#include "xs.h"
#include "ring.h"
#include "action.h"

#define RUN_DIR		"/run/ward"
#define LOG_DIR		"/var/log/ward"
#define WARDCTL		"/usr/sbin/wardctl"
#define MAX_CLIENTS	4
#define IO_BUF		2048	/* the out ring's size: one drain empties it */
#define TICK_MS		1000	/* drain and re-check even without events */
#define WATCH_TOKEN	"ward-consoled"

struct client {
	int fd;			/* -1: free slot */
	char pending[IO_BUF];	/* input not yet in the ring (ring full) */
	size_t npending;
};

/* The daemon's state; single-threaded, owned by main(). */
static struct {
	uint32_t domid;
	uint64_t mfn;
	uint32_t remote_port;
	const char *name, *config;
	enum dom_action on_poweroff, on_reboot, on_crash;

	int privcmd, evtchn, listen_fd, log_fd;
	int local_port;
	struct xencons_interface *ring;
	struct xs_handle *xs;
	struct client clients[MAX_CLIENTS];
	char sock_path[108], pid_path[64];
	bool ring_corrupt_logged;
} d;

static volatile sig_atomic_t stop;
/*
 * SIGTERM and SIGINT stay blocked except inside ppoll() (serve), so one
 * that arrives while we work is delivered at the next ppoll() and ends
 * it at once: with plain poll(), a signal just before it would wait a
 * whole tick, and teardown waits for our exit. Set in main().
 */
static sigset_t term_sigs, wait_mask;

static void on_sigterm(int sig)
{
	(void)sig;
	stop = 1;
}

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ward-consoled: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int parse_args(int argc, char **argv)
{
	char *end;
	unsigned long long v;

	if (argc != 9) {
		err("usage: ward-consoled DOMID MFN PORT NAME ON_POWEROFF ON_REBOOT ON_CRASH CONFIG");
		return -1;
	}
	errno = 0;
	v = strtoull(argv[1], &end, 10);
	if (errno || *end || v == 0 || v >= DOMID_FIRST_RESERVED) {
		err("bad domid '%s'", argv[1]);
		return -1;
	}
	d.domid = v;
	d.mfn = strtoull(argv[2], &end, 10);
	if (*end || !argv[2][0]) {
		err("bad console mfn '%s'", argv[2]);
		return -1;
	}
	v = strtoull(argv[3], &end, 10);
	if (*end || !argv[3][0] || v == 0 || v > UINT32_MAX) {
		err("bad console port '%s'", argv[3]);
		return -1;
	}
	d.remote_port = v;
	d.name = argv[4];
	if (!d.name[0] || strchr(d.name, '/')) {
		err("bad name '%s'", d.name);
		return -1;
	}
	d.on_poweroff = action_parse(argv[5]);
	d.on_reboot = action_parse(argv[6]);
	d.on_crash = action_parse(argv[7]);
	if (!d.on_poweroff || !d.on_reboot || !d.on_crash) {
		err("actions must be destroy, restart or preserve");
		return -1;
	}
	d.config = argv[8];
	return 0;
}

static void log_write(const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(d.log_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* a full disk must not stop the drain */
		buf += n;
		len -= n;
	}
}

static void client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	c->npending = 0;
}

/* Guest output to every client; a client that cannot keep up loses it. */
static void broadcast(const char *buf, size_t len)
{
	unsigned int i;
	ssize_t n;

	for (i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &d.clients[i];

		if (c->fd < 0)
			continue;
		n = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			client_close(c);
	}
}

/* Empty the out ring, then push pending input; notify if anything moved. */
static void service_ring(void)
{
	char buf[IO_BUF];
	bool moved = false;
	unsigned int i;
	int n;

	while ((n = cons_ring_read(d.ring, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (!d.ring_corrupt_logged) {
				static const char msg[] =
					"\n[ward-consoled: bad ring index from the guest, output lost]\n";
				log_write(msg, sizeof(msg) - 1);
				d.ring_corrupt_logged = true;
			}
			moved = true;
			break;
		}
		log_write(buf, n);
		broadcast(buf, n);
		moved = true;
	}
	for (i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &d.clients[i];

		if (c->fd < 0 || !c->npending)
			continue;
		n = cons_ring_write(d.ring, c->pending, c->npending);
		if (n <= 0)
			continue;
		memmove(c->pending, c->pending + n, c->npending - n);
		c->npending -= n;
		moved = true;
	}
	if (moved)
		evtchn_notify(d.evtchn, d.local_port);
}

static void accept_client(void)
{
	int fd = accept4(d.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (d.clients[i].fd < 0) {
			d.clients[i].fd = fd;
			d.clients[i].npending = 0;
			return;
		}
	}
	close(fd);
}

static void client_input(struct client *c)
{
	ssize_t n;

	if (c->npending == sizeof(c->pending))
		return;		/* the ring is full; poll() waits for the guest */
	n = recv(c->fd, c->pending + c->npending,
		 sizeof(c->pending) - c->npending, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		client_close(c);
		return;
	}
	if (n > 0)
		c->npending += n;
}

/*
 * The domain's state: 0 running, 1 shut down (*reason set), -1 gone or
 * dying (nothing left to serve).
 */
static int domain_state(uint32_t *reason)
{
	struct ward_dominfo info;
	struct ward_ctl ctl = { .cmd = WARD_CTL_list, .domid = d.domid };

	ctl.u.list.buf = (uintptr_t)&info;
	ctl.u.list.max = 1;
	if (ward_ctl(d.privcmd, &ctl))
		return 0;	/* cannot tell: keep serving */
	if (ctl.u.list.nr == 0 || info.domid != d.domid)
		return -1;
	/*
	 * Shutdown first: a domain the hypervisor crashed is dying and shut
	 * down (reason crash) at once, and on_crash still applies to it.
	 */
	if (info.flags & WARD_DOMINF_shutdown) {
		*reason = info.shutdown_reason;
		return 1;
	}
	return (info.flags & WARD_DOMINF_dying) ? -1 : 0;
}

static void cleanup(void)
{
	unsigned int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (d.clients[i].fd >= 0)
			client_close(&d.clients[i]);
	if (d.listen_fd >= 0)
		close(d.listen_fd);
	unlink(d.sock_path);
	if (d.xs)
		xs_close(d.xs);
	/* Closing the fd unbinds the port; unmapping drops our page reference. */
	close(d.evtchn);
	foreign_unmap_page(d.ring);
	close(d.privcmd);
	close(d.log_fd);
	/*
	 * The pid file stays: wardctl's teardown waits for this pid to be
	 * gone before it destroys the domain (which must not find the ring
	 * still mapped), then removes the file. Were we to remove it, a
	 * teardown racing our own exit (on_poweroff = "preserve" exits us at
	 * once) would find no file and not wait for the rest of our exit.
	 */
}

/* Run the configured action; returns only if it could not. */
static void act(enum dom_action a)
{
	char id[16];

	snprintf(id, sizeof(id), "%" PRIu32, d.domid);
	/* wardctl and the daemon it may start must get SIGTERM as usual. */
	sigprocmask(SIG_UNBLOCK, &term_sigs, NULL);
	if (a == DOM_ACTION_DESTROY)
		execl(WARDCTL, "wardctl", "destroy", id, (char *)NULL);
	else if (a == DOM_ACTION_RESTART)
		execl("/bin/sh", "sh", "-c",
		      WARDCTL " destroy \"$1\" && " WARDCTL " create \"$2\"",
		      "sh", id, d.config, (char *)NULL);
}

static int setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[128];
	unsigned int i;
	FILE *f;

	for (i = 0; i < MAX_CLIENTS; i++)
		d.clients[i].fd = -1;
	mkdir(RUN_DIR, 0755);
	mkdir(LOG_DIR, 0755);
	snprintf(path, sizeof(path), LOG_DIR "/console-%s.log", d.name);
	d.log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (d.log_fd < 0) {
		err("%s: %s", path, strerror(errno));
		return -1;
	}
	d.privcmd = privcmd_open();
	if (d.privcmd < 0) {
		err("/dev/xen/privcmd: %s", strerror(errno));
		return -1;
	}
	d.ring = foreign_map_page(d.privcmd, d.domid, d.mfn);
	if (!d.ring) {
		err("map console page %#" PRIx64 " of domain %" PRIu32 ": %s",
		    d.mfn, d.domid, strerror(errno));
		return -1;
	}
	d.evtchn = evtchn_open();
	if (d.evtchn < 0) {
		err("/dev/xen/evtchn: %s", strerror(errno));
		return -1;
	}
	d.local_port = evtchn_bind_interdomain(d.evtchn, d.domid, d.remote_port);
	if (d.local_port < 0) {
		err("bind console port %" PRIu32 " of domain %" PRIu32 ": %s",
		    d.remote_port, d.domid, strerror(-d.local_port));
		return -1;
	}

	snprintf(d.sock_path, sizeof(d.sock_path), RUN_DIR "/console-%" PRIu32 ".sock",
		 d.domid);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d.sock_path);
	unlink(d.sock_path);	/* a stale socket of an earlier domain */
	d.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d.listen_fd < 0 ||
	    bind(d.listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(d.listen_fd, MAX_CLIENTS) < 0) {
		err("%s: %s", d.sock_path, strerror(errno));
		return -1;
	}
	chmod(d.sock_path, 0600);

	/* Shutdowns show up as @releaseDomain; without xenstored we poll. */
	d.xs = xs_open(NULL);
	if (d.xs && xs_watch(d.xs, "@releaseDomain", WATCH_TOKEN)) {
		xs_close(d.xs);
		d.xs = NULL;
	}

	snprintf(d.pid_path, sizeof(d.pid_path), RUN_DIR "/console-%" PRIu32 ".pid",
		 d.domid);
	f = fopen(d.pid_path, "w");
	if (!f) {
		err("%s: %s", d.pid_path, strerror(errno));
		return -1;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	return 0;
}

/* Serve until SIGTERM or the domain goes down; returns the action to take. */
static enum dom_action serve(void)
{
	const struct timespec tick = { .tv_sec = TICK_MS / 1000,
				       .tv_nsec = TICK_MS % 1000 * 1000000L };
	struct pollfd p[3 + MAX_CLIENTS];
	unsigned int i, n;
	uint32_t reason;
	int state, port;

	/* Anything the guest wrote before we bound is waiting already. */
	service_ring();
	while (!stop) {
		n = 0;
		p[n++] = (struct pollfd){ .fd = d.evtchn, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = d.listen_fd, .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = d.xs ? xs_fileno(d.xs) : -1,
					  .events = POLLIN };
		for (i = 0; i < MAX_CLIENTS; i++)
			p[n++] = (struct pollfd){ .fd = d.clients[i].fd,
						  .events = POLLIN };
		if (ppoll(p, n, &tick, &wait_mask) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			port = evtchn_wait(d.evtchn);
			if (port >= 0)
				evtchn_unmask(d.evtchn, port);
		}
		if (p[1].revents & POLLIN)
			accept_client();
		for (i = 0; i < MAX_CLIENTS; i++)
			if (p[3 + i].revents && d.clients[i].fd >= 0)
				client_input(&d.clients[i]);
		service_ring();

		if (d.xs) {
			char *path, *token;

			while (xs_read_watch(d.xs, &path, &token, XS_NONBLOCK) == 0) {
				free(path);
				free(token);
			}
		}
		/* Every wake-up re-checks: cheap, and no event can be missed. */
		state = domain_state(&reason);
		if (state < 0)
			return DOM_ACTION_NONE;
		if (state > 0) {
			enum dom_action a = action_for(reason, d.on_poweroff,
						       d.on_reboot, d.on_crash);

			if (a != DOM_ACTION_NONE) {
				service_ring();
				return a;
			}
		}
	}
	return DOM_ACTION_NONE;
}

int main(int argc, char **argv)
{
	int ready[2], null_fd;
	enum dom_action a;
	char c = 0;
	pid_t pid;

	if (parse_args(argc, argv))
		return 2;
	if (pipe(ready) < 0) {
		err("pipe: %s", strerror(errno));
		return 1;
	}
	/*
	 * Set up in the child: privcmd mappings are not inherited across
	 * fork (VM_DONTCOPY), so the process that serves must map.
	 */
	pid = fork();
	if (pid < 0) {
		err("fork: %s", strerror(errno));
		return 1;
	}
	if (pid > 0) {
		close(ready[1]);
		return read(ready[0], &c, 1) == 1 ? 0 : 1;
	}
	close(ready[0]);
	setsid();
	signal(SIGTERM, on_sigterm);
	signal(SIGINT, on_sigterm);
	sigemptyset(&term_sigs);
	sigaddset(&term_sigs, SIGTERM);
	sigaddset(&term_sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &term_sigs, &wait_mask);
	/* Whatever mask we inherited, these two must reach ppoll(). */
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (setup())
		_exit(1);
	null_fd = open("/dev/null", O_RDWR);
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
		dup2(null_fd, STDOUT_FILENO);
		/* stderr goes to the log: action output and our own errors */
		dup2(d.log_fd, STDERR_FILENO);
		close(null_fd);
	}
	if (write(ready[1], &c, 1) != 1)
		_exit(1);
	close(ready[1]);

	a = serve();
	cleanup();
	if (a == DOM_ACTION_DESTROY || a == DOM_ACTION_RESTART) {
		act(a);
		return 1;
	}
	return 0;
}
