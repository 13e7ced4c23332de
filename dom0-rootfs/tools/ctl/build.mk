# SPDX-License-Identifier: GPL-2.0-only
# wardctl: the toolstack CLI (see docs/toolstack.md).
PROGS += wardctl
wardctl_SRCS := $(sort $(wildcard ctl/*.c))
