# SPDX-License-Identifier: GPL-2.0-only
# xenstored: the xenstore daemon (pure core + conn.c/main.c I/O), and the
# xenstore client multi-call tool (xs-cli/).
PROGS += xenstored
xenstored_SRCS := $(sort $(wildcard xenstored/*.c))
