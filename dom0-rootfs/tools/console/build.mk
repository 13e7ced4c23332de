# SPDX-License-Identifier: GPL-2.0-only
# ward-consoled: one process per domain serving its console ring.
PROGS += ward-consoled
ward-consoled_SRCS := $(sort $(wildcard console/*.c))
