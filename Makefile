# daxlab: a bench for Linux DAX. `make help` lists the entry points.
SHELL := /bin/bash
TOP := $(CURDIR)
CACHE ?= $(or $(DAXLAB_CACHE),$(HOME)/.cache/daxlab)
export DAXLAB_CACHE := $(CACHE)

# BASE= and SERIES= choose the kernel base and the patch series that every
# entry point builds, tests and judges (scripts/kernel --help). A path is
# made absolute here, so scripts that change directory still find it.
abs_or_word = $(if $(wildcard $(1)),$(abspath $(1)),$(1))
ifneq ($(BASE),)
export DAXLAB_BASE := $(call abs_or_word,$(BASE))
endif
ifneq ($(SERIES),)
export DAXLAB_SERIES := $(call abs_or_word,$(SERIES))
endif

# common/ (the shared C helpers) first: the others link it.
COMPONENTS := common workloads crashtest

.PHONY: help deps build daxwl pmsim kernel kernel-gc test test-unit test-asan test-shell \
	test-bench test-badinput test-vm test-lockdep test-prefixes test-series bench bench-report crashtest \
	crashtest-bench fstests judge fuzz clean

# One line per target; tests/bench/make-help.sh checks that every .PHONY
# target is here.
help:
	@echo "daxlab entry points (make TARGET [VAR=value ...]):"
	@echo "  Every kernel entry point takes BASE=6.1|6.12|DIR[@REV]|FILE.tar.xz (default 6.1)"
	@echo "  and SERIES=DIR|A..B (default: the reference series for the base)."
	@echo "  make help             this list"
	@echo "  make deps             install the Debian packages (idempotent)"
	@echo "  make build            build every C component (build/rel/)"
	@echo "  make daxwl            build the DAX workload generator only"
	@echo "  make pmsim            build the crash-test simulator and its tools only"
	@echo "  make kernel           build the base (stock) and base+series (patched) kernels (cached)"
	@echo "  make kernel-gc        remove cached kernel trees nothing current uses"
	@echo "  make bench            DAX performance matrix, stock vs patched (results/<id>/);"
	@echo "                        BENCH=full, TARGET=/mnt/pmem (host DAX mount, no kernel"
	@echo "                        built), DEVICE=/dev/pmemX DESTRUCTIVE=yes, CLOCK=wall|icount,"
	@echo "                        ACCEL=kvm|tcg"
	@echo "  make bench-report     rebuild summary and charts from raw data (RUN=results/<id>)"
	@echo "  make crashtest        power-fail simulation of the kernel DAX paths (SET=quick|full,"
	@echo "                        JOBS=N runs at once, HOSTS=sshloginfile, OUT=DIR RESUME=1)"
	@echo "  make crashtest-bench  simulator and crash-test throughput"
	@echo "  make fstests          fstests on DAX mounts, stock vs patched, one guest per CPU;"
	@echo "                        FSTESTS=checkout|tarball, FS=ext2,ext4,xfs, GROUP=dax,"
	@echo "                        TESTS=\"generic/470 ...\" or LIST=fstests/generic-dax.list, OUT=DIR FORCE=1"
	@echo "  make judge            one verdict on the series: build, VM tests, fstests, bench per"
	@echo "                        patch, crash tests (PARTS=vm,fstests,bench,crash, OUT=DIR,"
	@echo "                        MIN_CHANGE=PCT, FS=, GROUP=, TESTS=, BENCH=quick|full, SET=)"
	@echo "  make fuzz             fuzz the trace, reproducer and manifest readers (FUZZ_SECONDS=600 each)"
	@echo "  make test             everything below, plus the VM tests (DAXLAB_SKIP_VM=1: none)"
	@echo "  make test-unit        unit tests of every C component (build/rel)"
	@echo "  make test-asan        the unit tests built with ASan+UBSan (build/asan)"
	@echo "  make test-shell       shellcheck on every shell script"
	@echo "  make test-bench       the bench's and the reports' host-side tests (no VM)"
	@echo "  make test-badinput    hostile inputs for every user-facing program (no VM)"
	@echo "  make test-vm          the VM tests on the stock and patched kernels"
	@echo "  make test-lockdep     the VM tests on the patched kernel with lockdep"
	@echo "  make test-prefixes    build every prefix of the patch series (cached)"
	@echo "  make test-series      a git work tree of linux-source-6.12 as BASE, a git range as SERIES"
	@echo "  make clean            remove build/ (kernel builds stay in DAXLAB_CACHE)"

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

test-bench: build
	@tests/bench/run

test-badinput: build
	@tests/badinput/run

test-vm: build kernel
	@tests/vm/run

test-lockdep: build kernel
	@tests/vm/run --lockdep

test-prefixes: deps
	@scripts/kernel build-prefixes

test-series: build
	@DAXLAB_BASE=6.12 scripts/deps
	@tests/series/git-base.sh

test: deps
	@tests/run-all

# No prerequisites: bench/run refuses a bad TARGET, DEVICE, CLOCK or set
# before anything is built, then (--build) builds what the mode needs,
# which for TARGET and DEVICE is daxwl and never a kernel.
bench:
	@bench/run --build $(if $(TARGET),--target $(TARGET)) $(if $(DEVICE),--device $(DEVICE)) \
		$(if $(DESTRUCTIVE),--destructive $(DESTRUCTIVE)) --set $(or $(BENCH),quick) \
		$(if $(CLOCK),--clock $(CLOCK)) $(if $(ACCEL),--accel $(ACCEL))

bench-report:
	@test -n "$(RUN)" || { echo "bench-report: RUN=results/<id> is required" >&2; exit 2; }
	@bench/report "$(RUN)"

# crashtest/run checks its options first and builds what it runs itself.
crashtest:
	@crashtest/run $(if $(SET),--set $(SET)) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(HOSTS),--sshloginfile $(HOSTS)) $(if $(OUT),--out $(OUT)) $(if $(RESUME),--resume)

# scripts/fstests checks its options first, then builds fstests (cached);
# the kernels come from make kernel.
fstests: kernel
	@scripts/fstests $(if $(FSTESTS),--fstests $(FSTESTS)) $(if $(FS),--fs $(FS)) \
		$(if $(GROUP),--group $(GROUP)) $(if $(TESTS),--tests "$(TESTS)") \
		$(if $(LIST),--list $(LIST)) $(if $(OUT),--out $(OUT)) $(if $(FORCE),--force)

# scripts/judge refuses bad options, a bad base or series before it builds.
judge:
	@scripts/judge $(if $(PARTS),--parts $(PARTS)) $(if $(BENCH),--bench-set $(BENCH)) \
		$(if $(SET),--crash-set $(SET)) $(if $(FS),--fs $(FS)) $(if $(GROUP),--fstests-group $(GROUP)) \
		$(if $(TESTS),--fstests-tests "$(TESTS)") $(if $(MIN_CHANGE),--min-change $(MIN_CHANGE)) \
		$(if $(OUT),--out $(OUT)) $(if $(FORCE),--force)

crashtest-bench: pmsim
	@crashtest/simbench/run

# Each reader of untrusted input for FUZZ_SECONDS: the trace and
# reproducer readers (libpmsim), then the manifest reader (ctoracle).
fuzz: deps
	@$(MAKE) -s -C crashtest fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600)
	@$(MAKE) -s -C crashtest/oracles fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600)

clean:
	rm -rf build
