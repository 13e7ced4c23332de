/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#define WARD_NAME		"Ward"
#define WARD_VERSION_MAJOR	0
#define WARD_VERSION_MINOR	1
#define WARD_VERSION_STRING	"0.1"

/*
 * The Xen ABI generation we implement, reported by XENVER_version and the
 * CPUID hypervisor leaf. Linux needs major >= 3; we say 4.17, the headers'.
 */
#define XEN_ABI_MAJOR		4
#define XEN_ABI_MINOR		17
