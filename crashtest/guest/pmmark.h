/* SPDX-License-Identifier: MIT */
/*
 * The marker protocol lives in crashtest/include/pmmark.h; this name stays
 * for builds that still add crashtest/guest to their include path.
 */
#include "../include/pmmark.h"
