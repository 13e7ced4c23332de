/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Forced into every hypervisor object (-include): all symbols are hidden,
 * so -fpie code reaches them PC-relative instead of through a GOT that a
 * static, freestanding image does not have.
 */
#pragma GCC visibility push(hidden)
