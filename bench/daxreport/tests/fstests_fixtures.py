"""fstests gate runs for the tests: small run directories as scripts/fstests
leaves them (provenance.json, probes, known, runs/KERNEL-FS/ with
results/result.xml, fstests' .out.bad, .dmesg and .notrun files,
reach.tsv, config, vm.status, seconds, console-report), written into a
temporary directory from a few lines of Python per case.

    Run(root).combo("stock", "ext2", [passed("generic/001"),
                                      failed("generic/470", out_bad="...")])

A combination's tests are T values; its reach, unless given, has every
probe at 0 events for every test, so that a probe counts only what a
case gives it.
"""
import json
import os
from xml.sax.saxutils import quoteattr

PROBES = """\
# Which tests reach each patch (the fixture's copy of patches/reach).
1\tfs_dax:dax_pmd_fault_done\tfs=ext2\text2: DAX PMD faults
2\tfs_dax:dax_insert_pfn_mkwrite\tfs=ext2,ext4\text2: MAP_SYNC for DAX files

3\tpmem:pmem_dax_direct_access,pmem:pmem_dax_zero_page_range\t-\tnvdimm/pmem: trace events
4\tpmem:pmem_dax_direct_access\tdm=flakey\tdm flakey: support DAX
5\tpmem:pmem_dax_zero_page_range\tfs=xfs dm=log-writes\tdm log-writes: fix zero_page_range
"""
PROBE_IDS = ("1", "2", "3", "4", "5")

PROVENANCE = {
    "fstests": {"source": "/x/shared/fstests/xfstests-dev.tar.gz",
                "commit": "0123456789abcdef0123456789abcdef01234567", "hash": "feedc0de12345678"},
    "kernels": {"stock": {"build": "/c/k/stock", "config_sha256": "aa" * 32},
                "patched": {"build": "/c/k/patched", "config_sha256": "bb" * 32,
                            "series_sha256": "cc" * 32}},
    "selection": "-g dax", "qemu": "QEMU emulator version 8.2.2", "accel": "tcg",
    "jobs": 2, "wall_seconds": 1500, "started": "2024-05-01T10:00:00Z", "host": "box"}

MKFS = {"ext2": "-b 4096", "ext4": "-b 4096", "xfs": "-b size=4096"}
MOUNT = {"ext2": "-o dax", "ext4": "-o dax", "xfs": "-o dax=always"}
HEADER = "QA output created by {num}\n"


class T:
    """One test of one combination as fstests reports it."""

    def __init__(self, name, status, message=None, reason=None, out_bad=None, dmesg=None,
                 notrun_file=None, time=3):
        self.name, self.status, self.message, self.reason = name, status, message, reason
        self.out_bad, self.dmesg, self.notrun_file, self.time = out_bad, dmesg, notrun_file, time


def passed(name, time=3):
    return T(name, "pass", time=time)


def failed(name, message=None, out_bad=None, dmesg=None, header=True):
    """A failure. MESSAGE defaults to fstests' output mismatch, pointing
    at an absolute path as fstests' does; OUT_BAD is the .out.bad's text
    after fstests' header line (None: no .out.bad)."""
    if message is None:
        message = f"- output mismatch (see /guest/run/results/{name}.out.bad)"
    if out_bad is not None and header:
        out_bad = HEADER.format(num=name.split("/")[1]) + out_bad
    return T(name, "fail", message=message, out_bad=out_bad, dmesg=dmesg)


def notrun(name, reason, in_xml=True):
    """A test not run; IN_XML False: the reason only in its .notrun file
    (an empty <skipped/>, as some fstests versions write)."""
    return T(name, "notrun", reason=reason if in_xml else None,
             notrun_file=reason if not in_xml else None)


def xml(tests, fs="ext2"):
    """fstests' -R xunit-quiet result.xml for TESTS."""
    fails = sum(1 for t in tests if t.status == "fail")
    skips = sum(1 for t in tests if t.status == "notrun")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           f'name="xfstests" failures="{fails}" skipped="{skips}" tests="{len(tests)}" '
           'time="371" hostname="guest" start_timestamp="2024-05-01T10:00:00+00:00" '
           'timestamp="2024-05-01T10:06:11+00:00" report_timestamp="2024-05-01T10:06:11+00:00">',
           '\t<properties>', f'\t\t<property name="FSTYP" value="{fs}"/>', '\t</properties>']
    for t in tests:
        out.append(f'\t<testcase classname="xfstests.global" name="{t.name}" time="{t.time}">')
        if t.status == "fail":
            out.append(f'\t\t<failure message={quoteattr(t.message)} type="TestFail" />')
        elif t.status == "notrun":
            out.append(f'\t\t<skipped message={quoteattr(t.reason)} />' if t.reason
                       else '\t\t<skipped/>')
        out.append('\t</testcase>')
    out.append('</testsuite>')
    return "\n".join(out) + "\n"


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as fh:
        fh.write(text)


def reach_lines(tests, reach):
    """reach.tsv: REACH's (test, id, events, dm) rows, and 0 events with no
    device-mapper target for every other (test, probe) pair."""
    given = {(r[0], r[1]) for r in reach}
    rows = [(t.name, pid, 0, "-") for t in tests for pid in PROBE_IDS
            if (t.name, pid) not in given] + list(reach)
    return "".join(f"{t}\t{pid}\t{ev}\t{dm}\n" for t, pid, ev, dm in rows)


class Run:
    """A run directory under ROOT being filled."""

    def __init__(self, root, probes=PROBES, known=None, provenance=PROVENANCE):
        self.root = root
        os.makedirs(os.path.join(root, "runs"), exist_ok=True)
        if probes is not None:
            write(os.path.join(root, "probes"), probes)
        if known is not None:
            write(os.path.join(root, "known"), known)
        if provenance is not None:
            write(os.path.join(root, "provenance.json"), json.dumps(provenance, indent=2))

    def path(self, *p):
        return os.path.join(self.root, *p)

    def combo(self, kernel, fs, tests, reach=(), vm_status=0, seconds=371, console="",
              result_xml=None, reach_tsv=None, config=True):
        """runs/KERNEL-FS for TESTS. RESULT_XML: the file's text instead
        of the one TESTS make (False: no result.xml at all, the guest
        died); REACH_TSV likewise (False: none)."""
        d = self.path("runs", f"{kernel}-{fs}")
        res = os.path.join(d, "results")
        os.makedirs(res, exist_ok=True)
        if result_xml is not False:
            write(os.path.join(res, "result.xml"),
                  xml(tests, fs) if result_xml is None else result_xml)
        for t in tests:
            base = os.path.join(res, t.name)
            if t.out_bad is not None:
                write(base + ".out.bad", t.out_bad)
            if t.dmesg is not None:
                write(base + ".dmesg", t.dmesg)
            if t.notrun_file is not None:
                write(base + ".notrun", t.notrun_file + "\n")
        if reach_tsv is not False:
            write(os.path.join(d, "reach.tsv"),
                  reach_lines(tests, reach) if reach_tsv is None else reach_tsv)
        if config:
            write(os.path.join(d, "config"),
                  f"export FSTYP={fs}\nexport TEST_DEV=/dev/pmem0\n"
                  f'export MKFS_OPTIONS="{MKFS[fs]}"\nexport MOUNT_OPTIONS="{MOUNT[fs]}"\n')
        if vm_status is not None:
            write(os.path.join(d, "vm.status"), f"{vm_status}\n")
        if seconds is not None:
            write(os.path.join(d, "seconds"), f"{seconds}\n")
        write(os.path.join(d, "console-report"), console)
        return d

    def both(self, fs, base_tests, series_tests, base="stock", series="patched", **kw):
        """The same file system on both kernels; KW goes to the series'."""
        self.combo(base, fs, base_tests)
        self.combo(series, fs, series_tests, **kw)
        return self


def clean(root, fss=("ext2", "ext4", "xfs"), **kw):
    """A run in which every test passes on both kernels, and each probe
    is reached on the series by a test it applies to."""
    r = Run(root, **kw)
    tests = [passed("generic/001"), passed("generic/470")]
    reach = {"ext2": [("generic/470", "1", 12, "-"), ("generic/470", "2", 3, "-"),
                      ("generic/001", "3", 40, "-"), ("generic/470", "4", 7, "flakey")],
             "ext4": [("generic/001", "2", 1, "-")],
             "xfs": [("generic/470", "5", 9, "log-writes,linear")]}
    for fs in fss:
        r.combo("stock", fs, tests)
        r.combo("patched", fs, tests, reach=reach[fs])
    return r
