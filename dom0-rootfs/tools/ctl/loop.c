// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loop devices for file-backed disks, through the kernel's loop ioctls:
 * BusyBox's losetup cannot print the device it picked, and two creates at
 * once must not race for the same free device (LOOP_SET_FD fails with
 * EBUSY then, and we take the next free one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/loop.h>
#include <sys/ioctl.h>

#include "wardctl.h"

#define LOOP_CONTROL	"/dev/loop-control"
#define ATTACH_TRIES	8	/* another process may take the free device */
#define DETACH_TRIES	20	/* blkback lets go of the device shortly after */
#define DETACH_WAIT_US	100000

int loop_attach(const char *file, bool readonly, char *node, size_t len)
{
	struct loop_info64 info;
	int ctl, fd, lfd, n, try, rc = -1;

	fd = open(file, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		pr_err("disk %s: %s", file, strerror(errno));
		return -1;
	}
	ctl = open(LOOP_CONTROL, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		pr_err("disk %s: %s: %s (is the loop driver loaded?)", file,
		       LOOP_CONTROL, strerror(errno));
		close(fd);
		return -1;
	}
	for (try = 0; try < ATTACH_TRIES; try++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			pr_err("disk %s: no free loop device: %s", file, strerror(errno));
			break;
		}
		snprintf(node, len, "/dev/loop%d", n);
		lfd = open(node, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (lfd < 0) {
			pr_err("disk %s: %s: %s", file, node, strerror(errno));
			break;
		}
		if (ioctl(lfd, LOOP_SET_FD, fd) < 0) {
			close(lfd);
			if (errno == EBUSY)
				continue;
			pr_err("disk %s: attaching %s: %s", file, node, strerror(errno));
			break;
		}
		/* The name shows in losetup -a; purely informational. */
		memset(&info, 0, sizeof(info));
		snprintf((char *)info.lo_file_name, sizeof(info.lo_file_name), "%s", file);
		if (readonly)
			info.lo_flags = LO_FLAGS_READ_ONLY;
		ioctl(lfd, LOOP_SET_STATUS64, &info);
		close(lfd);
		rc = 0;
		break;
	}
	if (rc && try == ATTACH_TRIES)
		pr_err("disk %s: every free loop device was taken meanwhile", file);
	close(ctl);
	close(fd);
	return rc;
}

int loop_detach(const char *node)
{
	int fd, try;

	fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (try = 0; try < DETACH_TRIES; try++) {
		if (ioctl(fd, LOOP_CLR_FD) == 0 || errno == ENXIO) {
			close(fd);
			return 0;
		}
		if (errno != EBUSY)
			break;
		usleep(DETACH_WAIT_US);
	}
	close(fd);
	pr_warn("could not detach %s: %s", node, strerror(errno));
	return -EBUSY;
}

int loop_backing(const char *node, uint64_t *dev, uint64_t *ino)
{
	struct loop_info64 info;
	int fd = open(node, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, LOOP_GET_STATUS64, &info) < 0)
		rc = -errno;	/* ENXIO: nothing attached */
	close(fd);
	if (rc)
		return rc;
	*dev = info.lo_device;
	*ino = info.lo_inode;
	return 0;
}
