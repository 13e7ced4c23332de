/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The events guest: event channels (evtchn.c), time, timers, block, poll
 * and vcpu_op (time.c), sharing the upcall bookkeeping and the pvclock
 * reader of main.c.
 */
#pragma once

#include "lib.h"
#include <xen/vcpu.h>

#define NR_PORTS	EVTCHN_2L_NR_CHANNELS	/* 4096 on x86-64 */
#define MS		1000000ULL		/* ns */

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline long evtchn_op(int cmd, void *arg)
{
	return HYPERVISOR_event_channel_op(cmd, arg);
}

/* Upcall bookkeeping (main.c): what the event callback has seen. */
extern volatile unsigned int nr_upcalls;
extern volatile uint16_t port_events[NR_PORTS];	/* deliveries per port */
extern volatile uint64_t port_last_ns[NR_PORTS];	/* pvclock at the last one */
extern volatile struct vcpu_info *vi;		/* vcpu_info[0] */

/* pvclock system time of vCPU 0, in ns (version protocol, 5.2). */
uint64_t now_ns(void);
/* Events on (upcall mask 0) and deliver anything pending now. */
void events_on(void);
void events_off(void);
/* Spin with events on for @ns; returns at once if it is 0. */
void spin_ns(uint64_t ns);
/* Spin with events on until @port was delivered (true) or @ns passed. */
bool wait_port(evtchn_port_t port, uint64_t ns);
/* Forget all deliveries and clear every pending bit and selector. */
void events_reset(void);
void port_mask(evtchn_port_t port, bool masked);
bool port_pending(evtchn_port_t port);
void port_clear(evtchn_port_t port);
/* EVTCHNOP_status of @port in our domain; rc, with *st filled. */
long port_status(evtchn_port_t port, struct evtchn_status *st);

/* The timer VIRQ port (time.c binds it once; 0 until then). */
extern evtchn_port_t timer_port;
evtchn_port_t bind_timer(void);

/* time.c cases */
void test_time_info(void);
void test_singleshot(void);
void test_periodic(void);
void test_block(void);
void test_poll(void);
void test_vcpu_op(void);
void test_runstate_area(void);
