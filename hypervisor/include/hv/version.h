/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#define WARD_NAME		"Ward"
#define WARD_VERSION_MAJOR	0
#define WARD_VERSION_MINOR	1
#define WARD_VERSION_STRING	"0.1"
