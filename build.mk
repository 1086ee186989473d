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
CFLAGS += $(CSTD) $(WARN) $(OPT) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
