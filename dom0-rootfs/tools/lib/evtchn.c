// SPDX-License-Identifier: GPL-2.0-only
/* /dev/xen/evtchn wrappers: each returns a port or 0, or -errno. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "xen-sys.h"
#include "evtchn.h"

#define EVTCHN_PATH	"/dev/xen/evtchn"

int evtchn_open(void)
{
	return open(EVTCHN_PATH, O_RDWR | O_CLOEXEC);
}

static int evtchn_ioctl(int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	return rc < 0 ? -errno : rc;
}

int evtchn_bind_interdomain(int fd, uint16_t remote_dom, uint32_t remote_port)
{
	struct ioctl_evtchn_bind_interdomain bind = {
		.remote_domain = remote_dom,
		.remote_port = remote_port,
	};

	return evtchn_ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
}

int evtchn_bind_virq(int fd, uint32_t virq)
{
	struct ioctl_evtchn_bind_virq bind = { .virq = virq };

	return evtchn_ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &bind);
}

int evtchn_notify(int fd, uint32_t port)
{
	struct ioctl_evtchn_notify notify = { .port = port };

	return evtchn_ioctl(fd, IOCTL_EVTCHN_NOTIFY, &notify);
}

int evtchn_unbind(int fd, uint32_t port)
{
	struct ioctl_evtchn_unbind unbind = { .port = port };

	return evtchn_ioctl(fd, IOCTL_EVTCHN_UNBIND, &unbind);
}

int evtchn_wait(int fd)
{
	uint32_t port;
	ssize_t n;

	do {
		n = read(fd, &port, sizeof(port));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(port))
		return -EIO;
	return (int)port;
}

int evtchn_unmask(int fd, uint32_t port)
{
	ssize_t n;

	do {
		n = write(fd, &port, sizeof(port));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == sizeof(port) ? 0 : -EIO;
}
