"""The cell keys, cell names and group names the bench report looks for,
in one table.

bench/cells/*.cells give every cell a NAME and a KEY; bench/lib/matrix.sh
names a group FS-ACCESS-DEVICE (or DEVICE alone for ram and devdax). The
sections find their cells by these: a key renamed in bench/cells and not
here would empty a section without a word. tests/test_keys.py checks this
table against bench/cells and the quick matrix.
"""
import re

# The membw denominators (group ram).
MEMBW_READ, MEMBW_MEMCPY, MEMBW_NT = "membw/read", "membw/memcpy", "membw/nt"
MEMBW = (MEMBW_READ, MEMBW_MEMCPY, MEMBW_NT)

# daxwl fault: TOUCH read or write, MAPPING pte (PTE-only) or pmd (PMD-capable).
FAULT_TOUCHES = ("read", "write")
FAULT_MAPPINGS = ("pte", "pmd")


def fault(touch, mapping):
    return f"fault/{touch}/{mapping}"


FAULT_PREFIX = "fault/"

# DAX against the page cache (and O_DIRECT at queue depth 1), and the
# exact per-byte read answers.
ACCESS = ("read/seq/1m", "read/rand/4k", "write/seq/1m", "write/rand/4k")
READS = ("read/seq/1m", "read/rand/4k")
READ_PREFIX = "read/"
ODIRECT = {"read/rand/4k": "read/rand/4k/qd1", "write/rand/4k": "write/rand/4k/qd1"}
DEVDAX_READ = "devdax/read/seq/1m"      # fio on devdax, for scale

# msync: cells msync-N (PMD-capable mapping) and msync-pte-N (PTE-mapped),
# N dirtied pages per msync; their keys start with msync.
MSYNC_CELL = re.compile(r"^msync-(pte-)?(\d+)$")
MSYNC_PREFIX = "msync"

# Which membw figure a throughput is a share of: non-temporal stores for
# writes and flushes (the kernel's DAX write path is movnti), loads for
# reads, memcpy for the mixed rest (faults, msync).
NT_PREFIXES = ("write", "flush", "devdax/write")

# Groups.
RAM_GROUP, DEVDAX_GROUP = "ram", "devdax"
DM_DEVICES = ("dm-linear", "dm-stripe")


def group(fs, access, device):
    return f"{fs}-{access}-{device}"


def is_dm_group(gid):
    return any(gid.endswith("-" + d) for d in DM_DEVICES)
