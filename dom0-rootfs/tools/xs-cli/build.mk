# SPDX-License-Identifier: GPL-2.0-only
# xenstore: client multi-call tool over xenstored's socket. Also installed
# as xenstore-<cmd> links, which pick the command from argv[0].
PROGS += xenstore
xenstore_SRCS := $(sort $(wildcard xs-cli/*.c))
LINKS += $(addprefix xenstore:xenstore-,read write rm ls list watch mkdir chmod exists)
