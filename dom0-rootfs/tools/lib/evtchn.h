/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/xen/evtchn: event channels for dom0 daemons. Ports bound on one fd
 * are closed when it is closed. A port delivered by evtchn_wait() stays
 * masked until evtchn_unmask() writes it back (Linux's lateeoi model).
 */
#pragma once

#include <stdint.h>

/* Open /dev/xen/evtchn (close-on-exec): an fd, or -1 with errno set. */
int evtchn_open(void);

/* Bind to @remote_port of @remote_dom: the local port, or -errno. */
int evtchn_bind_interdomain(int fd, uint16_t remote_dom, uint32_t remote_port);

/* Bind VIRQ @virq on vCPU 0: the local port, or -errno. */
int evtchn_bind_virq(int fd, uint32_t virq);

/* Signal the remote end of @port: 0 or -errno. */
int evtchn_notify(int fd, uint32_t port);

/* Close @port: 0 or -errno. */
int evtchn_unbind(int fd, uint32_t port);

/* Block until a port fires: the port, or -errno (-EAGAIN if O_NONBLOCK). */
int evtchn_wait(int fd);

/* Re-enable delivery of @port after evtchn_wait() returned it: 0 or -errno. */
int evtchn_unmask(int fd, uint32_t port);
