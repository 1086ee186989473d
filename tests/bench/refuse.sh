#!/usr/bin/env bash
# bench/run's refusals: a TARGET that is not a directory or not on a DAX
# mount, a DEVICE without DESTRUCTIVE=yes or that is not a pmem block
# device, and bad combinations. Each must fail before anything runs, with
# one clear message. No block device is opened: the DEVICE cases use a
# character device, a regular file and a missing path.
set -euo pipefail
# shellcheck source=tests/bench/common.sh
. "$(dirname "$0")/common.sh"

run=$top/bench/run
res=$scratch/results
touch "$scratch/file"

refuses "TARGET that does not exist" "TARGET=$scratch/none does not exist" \
	"$run" --results "$res" --set quick --target "$scratch/none"
refuses "TARGET that is a file, not a directory" "TARGET=$scratch/file is not a directory" \
	"$run" --results "$res" --set quick --target "$scratch/file"
refuses "TARGET on tmpfs: not a DAX mount" "TARGET=/dev/shm is not on a DAX mount (tmpfs mounted with" \
	"$run" --results "$res" --set quick --target /dev/shm
refuses "TARGET on the scratch directory: not a DAX mount" "is not on a DAX mount" \
	"$run" --results "$res" --set quick --target "$scratch"
refuses "DEVICE without DESTRUCTIVE=yes" "refusing without DESTRUCTIVE=yes" \
	"$run" --results "$res" --set quick --device /dev/pmem0
refuses "DEVICE with DESTRUCTIVE=no" "refusing without DESTRUCTIVE=yes" \
	"$run" --results "$res" --set quick --device /dev/pmem0 --destructive no
refuses "DEVICE that is a character device" "DEVICE=/dev/null is not a block device" \
	"$run" --results "$res" --set quick --device /dev/null --destructive yes
refuses "DEVICE that is a regular file" "is not a block device" \
	"$run" --results "$res" --set quick --device "$scratch/file" --destructive yes
refuses "DEVICE that does not exist" "DEVICE=$scratch/none does not exist" \
	"$run" --results "$res" --set quick --device "$scratch/none" --destructive yes
refuses "DESTRUCTIVE=yes without DEVICE" "without DEVICE=/dev/pmemX" \
	"$run" --results "$res" --set quick --destructive yes
refuses "TARGET and DEVICE together" "TARGET and DEVICE exclude each other" \
	"$run" --results "$res" --set quick --target /dev/shm --device /dev/pmem0
refuses "an unknown matrix" "no matrix 'huge'" "$run" --results "$res" --set huge
refuses "an unknown option" "unknown argument '--fast'" "$run" --fast
refuses "an unknown clock" "CLOCK is auto, icount or wall, not 'cycles'" \
	"$run" --results "$res" --set quick --clock cycles
refuses "an unknown accelerator" "ACCEL is kvm or tcg, not 'hvf'" \
	"$run" --results "$res" --set quick --accel hvf
refuses "CLOCK=icount under KVM" "CLOCK=icount needs QEMU's TCG, not ACCEL=kvm" \
	"$run" --results "$res" --set quick --clock icount --accel kvm
check "a refused run leaves no results directory behind" [ ! -e "$res" ]
refuses "make bench-report without RUN" "RUN=results/<id> is required" make -s -C "$top" bench-report
finish
