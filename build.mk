# Shared C build settings, included by every component Makefile.
#   O=DIR    output directory (default: build/rel at the top of the tree)
#   SAN=1    AddressSanitizer + UndefinedBehaviorSanitizer build
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
SAN ?= 0
ifeq ($(SAN),1)
O ?= $(TOP)/build/asan
else
O ?= $(TOP)/build/rel
endif
CC ?= cc
CSTD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Werror
OPT := -O2 -g
ifeq ($(SAN),1)
OPT := -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
endif

# common/: the shared helpers (#include "daxlab/json.h", ...). Link
# $(COMMON_LIB) into programs and tests; $(COMMON_PIC_LIB) is the same
# code position-independent and without sanitizers, for shared objects
# loaded by uninstrumented programs (the QEMU plugins) and for static
# guest programs. A target that lists either as a prerequisite gets it
# built (or brought up to date) by common's own Makefile first.
COMMON_INC := -I$(TOP)/common/include
COMMON_LIB := $(O)/common/libdaxcommon.a
COMMON_PIC_LIB := $(O)/common/libdaxcommon-pic.a

CFLAGS += $(CSTD) $(WARN) $(OPT) $(SANFLAGS) $(COMMON_INC) -MMD -MP
LDFLAGS += $(SANFLAGS)

ifndef DX_COMMON_SELF
.PHONY: daxlab-common
daxlab-common:
	@$(MAKE) --no-print-directory -C $(TOP)/common O=$(O) SAN=$(SAN) libs
$(COMMON_LIB) $(COMMON_PIC_LIB): daxlab-common ;
# The rule above must not become the including Makefile's default goal.
.DEFAULT_GOAL :=
endif
