# daxlab: a bench for Linux DAX. `make help` lists the entry points.
SHELL := /bin/bash
TOP := $(CURDIR)
CACHE ?= $(or $(DAXLAB_CACHE),$(HOME)/.cache/daxlab)
export DAXLAB_CACHE := $(CACHE)

COMPONENTS := workloads crashtest

.PHONY: help deps build daxwl pmsim kernel kernel-gc test test-unit test-asan test-shell \
	test-vm test-lockdep test-prefixes bench bench-report crashtest crashtest-bench \
	fuzz clean

help:
	@echo "daxlab entry points:"
	@echo "  make bench            DAX performance matrix, stock vs patched (results/<id>/)"
	@echo "  make bench TARGET=/mnt/pmem     ... on an existing DAX mount instead of the VM"
	@echo "  make bench CLOCK=wall           wall-clock time under TCG (default there: icount)"
	@echo "  make bench-report RUN=results/<id>   rebuild summary and charts from raw data"
	@echo "  make test             unit tests (plain and ASan+UBSan), shellcheck, VM tests"
	@echo "  make test-lockdep     the VM tests on the patched kernel with lockdep"
	@echo "  make test-prefixes    build every prefix of the patch series (cached)"
	@echo "  make kernel           build stock and patched Linux 6.1 (cached)"
	@echo "  make kernel-gc        remove cached kernel trees nothing current uses"
	@echo "  make crashtest        power-fail simulation of the kernel DAX paths"
	@echo "  make crashtest-bench  simulator and crash-test throughput"
	@echo "  make fuzz             fuzz the trace reader (FUZZ_SECONDS=600)"
	@echo "  make deps             install the Debian packages (idempotent)"

deps:
	@scripts/deps

build: deps
	@for c in $(COMPONENTS); do $(MAKE) -s -C $$c || exit 1; done

daxwl: deps
	@$(MAKE) -s -C workloads

pmsim: deps
	@$(MAKE) -s -C crashtest

kernel: deps
	@scripts/kernel build

kernel-gc:
	@scripts/kernel gc

test-unit: build
	@tests/run-unit build/rel unit

test-asan: deps
	@for c in $(COMPONENTS); do $(MAKE) -s -C $$c SAN=1 || exit 1; done
	@tests/run-unit build/asan asan

test-shell: deps
	@tests/run-shellcheck

test-vm: build kernel
	@tests/vm/run

test-lockdep: build kernel
	@tests/vm/run --lockdep

test-prefixes: deps
	@scripts/kernel build-prefixes

test: deps
	@tests/run-all

bench: build kernel
	@bench/run $(if $(TARGET),--target $(TARGET)) $(if $(DEVICE),--device $(DEVICE)) \
		$(if $(DESTRUCTIVE),--destructive $(DESTRUCTIVE)) --set $(or $(BENCH),quick) \
		$(if $(CLOCK),--clock $(CLOCK)) $(if $(ACCEL),--accel $(ACCEL))

bench-report:
	@test -n "$(RUN)" || { echo "bench-report: RUN=results/<id> is required" >&2; exit 2; }
	@bench/report "$(RUN)"

crashtest: build kernel
	@crashtest/run $(if $(SET),--set $(SET))

crashtest-bench: pmsim
	@crashtest/bench/run

fuzz: deps
	@$(MAKE) -s -C crashtest fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600)

clean:
	rm -rf build
