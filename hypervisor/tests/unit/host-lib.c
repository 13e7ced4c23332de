// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compiles the real lib/string.c and lib/vsnprintf.c for host unit tests,
 * renaming what would clash with libc (see host-lib.h). Including
 * host-lib.h first makes the compiler check the renamed definitions
 * against the prototypes the tests use.
 */
#include "host-lib.h"

#define memset		ward_memset
#define memcpy		ward_memcpy
#define memmove		ward_memmove
#define memcmp		ward_memcmp
#define strlen		ward_strlen
#define strnlen		ward_strnlen
#define strcmp		ward_strcmp
#define strncmp		ward_strncmp
#define strchr		ward_strchr
#define vsnprintf	ward_vsnprintf
#define snprintf	ward_snprintf

#include "../../lib/string.c"
#include "../../lib/vsnprintf.c"
