/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Our E* names come from the ABI's own list (<public/errno.h>) through its
 * XEN_ERRNO() hook, so -EINVAL is the value guests expect by construction.
 */
#pragma once

#ifndef __ASSEMBLY__
#define XEN_ERRNO(name, value) name = (value),
enum {
#include <public/errno.h>
};
#undef XEN_ERRNO
#endif
