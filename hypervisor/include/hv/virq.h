/* SPDX-License-Identifier: GPL-2.0-only */
/* Raising virtual interrupts (VIRQ_*) on a vCPU or a domain. */
#pragma once
#include <hv/types.h>

struct vcpu;
struct domain;

/*
 * Raise per-vCPU @virq (e.g. VIRQ_TIMER) on @v: mark its bound port
 * pending and wake @v. A VIRQ with no port bound only wakes @v.
 */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
/* Raise global @virq (e.g. VIRQ_DOM_EXC) on @d's vCPU the port is bound to. */
void send_guest_global_virq(struct domain *d, unsigned int virq);
/*
 * An interrupt of physical IRQ @pirq, bound to @port when the caller last
 * looked: mark @port pending and wake its vCPU, if it still is @pirq's.
 */
void send_guest_pirq(struct domain *d, unsigned int port, unsigned int pirq);
