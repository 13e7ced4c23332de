/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen ABI headers the dom0 tools use, included in the order they need:
 * Linux's privcmd.h names size_t, domid_t and xen_pfn_t without including
 * their definitions, so stddef.h and xen/xen.h must come first.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/sys/privcmd.h>
#include <xen/sys/evtchn.h>
