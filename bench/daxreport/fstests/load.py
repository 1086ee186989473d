"""A run directory of scripts/fstests -> what the report compares.

    RUN/provenance.json    what ran, copied into summary.json as it is
    RUN/probes             the reach probes (a copy of patches/reach)
    RUN/known              the explained differences (or --known FILE)
    RUN/runs/KERNEL-FS/    one guest: results/result.xml and fstests' own
                           files beside it, reach.tsv, config, vm.status,
                           seconds, console-report

Two kinds of trouble, kept apart. Input the run as a whole cannot be
reported from (no runs/, a malformed probes or known file, kernels that
are not one base and one series) raises BadInput: exit 2, nothing
written. A combination whose own files are missing or damaged (a guest
that hung, a result.xml cut short) is kept and named in Combo.issues:
one dead guest must not hide what the other five found, and a file that
cannot be read is never taken for an empty one.
"""
import json
import os
import re
import shlex
import stat
import xml.etree.ElementTree as ET

from . import failure

INCOMPLETE, UNREADABLE = "incomplete", "unreadable"
PASS, FAIL, NOTRUN = "pass", "fail", "notrun"
TEST_NAME = re.compile(r"^[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$")
EVENT = re.compile(r"^[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$")
HEX12 = re.compile(r"^[0-9a-f]{12}$")
# scripts/vm's statuses (HACKING.md, "Exit status")
VM_STATUS = {124: "the guest hung", 125: "the guest panicked or the VM failed",
             2: "scripts/vm refused to boot", 3: "QEMU or busybox missing",
             5: "not enough resources for the guest"}


class BadInput(Exception):
    """The run cannot be reported on: one sentence naming the file."""


class Unreadable(Exception):
    """One file of one combination cannot be read."""


def read_bytes(path):
    """The bytes of the regular file PATH, or None when there is no such
    name. A name that is there but is not a regular file (a FIFO would
    wait for a writer forever), or cannot be read, raises OSError."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise OSError(f"{path} is not a regular file")
    with open(path, "rb") as fh:
        return fh.read()


def read_text(path):
    data = read_bytes(path)
    return None if data is None else data.decode("utf-8", "replace")


# ---------------------------------------------------------------- run-wide files

class Probe:
    """One line of RUN/probes: which events show that a test reached
    patch ID, on which file systems (None: all) and only while which
    device-mapper target was live (None: any)."""

    def __init__(self, pid, events, fs, dm, description):
        self.id, self.events, self.fs, self.dm = pid, events, fs, dm
        self.description = description

    def qualifiers(self):
        q = []
        if self.fs is not None:
            q.append("fs=" + ",".join(self.fs))
        if self.dm is not None:
            q.append("dm=" + self.dm)
        return " ".join(q) or "-"


def parse_probes(text, where):
    probes = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        f = line.split("\t", 3)
        if len(f) != 4:
            raise BadInput(f"{where} line {n}: not ID<TAB>EVENTS<TAB>QUALIFIERS<TAB>DESCRIPTION")
        pid, events, quals, desc = (x.strip() for x in f)
        if not pid.isdigit() or pid.startswith("0"):
            raise BadInput(f"{where} line {n}: ID {pid!r} is not a patch number")
        if any(p.id == pid for p in probes):
            raise BadInput(f"{where} line {n}: patch {pid} has a second line")
        evs = events.split(",")
        if not all(EVENT.match(e) for e in evs):
            raise BadInput(f"{where} line {n}: {events!r} is not a list of system:event names")
        fs = dm = None
        for q in ([] if quals == "-" else quals.split()):
            key, _, val = q.partition("=")
            if key == "fs" and val and fs is None:
                fs = val.split(",")
            elif key == "dm" and val and dm is None:
                dm = val
            else:
                raise BadInput(f"{where} line {n}: qualifier {q!r} is not fs=LIST or dm=TARGET "
                               "(each once), nor '-'")
        probes.append(Probe(pid, evs, fs, dm, desc))
    return probes


class Known:
    """One line of the known-differences file."""

    def __init__(self, fs, test, kernel, sig, reason, line):
        self.fs, self.test, self.kernel, self.signature = fs, test, kernel, sig
        self.reason, self.line = reason, line

    def key(self):
        return (self.fs, self.test, self.kernel, self.signature)


def parse_known(text, where):
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        f = [x.strip() for x in line.split("\t", 4)]
        if len(f) != 5 or not all(f):
            raise BadInput(f"{where} line {n}: not FS<TAB>TEST<TAB>KERNEL<TAB>SIGNATURE<TAB>REASON")
        if not TEST_NAME.match(f[1]):
            raise BadInput(f"{where} line {n}: {f[1]!r} is not a test name such as generic/470")
        if not HEX12.match(f[3]):
            raise BadInput(f"{where} line {n}: signature {f[3]!r} is not 12 hex digits")
        out.append(Known(*f, n))
    return out


def read_input(path, name):
    """A run-wide input file's text (None when absent); BadInput when it
    is there but cannot be read."""
    try:
        return read_text(path)
    except OSError as e:
        raise BadInput(f"cannot read the {name} file {path}: {e.strerror or e}") from None


def probes(run):
    path = os.path.join(run, "probes")
    text = read_input(path, "probes")
    if text is None:
        raise BadInput(f"{run} has no probes file: which tests reach each patch cannot be told")
    return parse_probes(text, path)


def known(path):
    """The known differences in PATH; [] when PATH is None."""
    if path is None:
        return []
    text = read_input(path, "known-differences")
    if text is None:
        raise BadInput(f"no known-differences file {path}")
    return parse_known(text, path)


def provenance(run):
    """provenance.json's object; None when the runner wrote none."""
    path = os.path.join(run, "provenance.json")
    text = read_input(path, "provenance")
    if text is None:
        return None
    try:
        p = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise BadInput(f"{path} is not JSON: {e}") from None
    if not isinstance(p, dict):
        raise BadInput(f"{path} is not a JSON object")
    return p


# ---------------------------------------------------------------- one combination

class Result:
    """One test in one combination: passed, failed or not run."""

    def __init__(self, test, status, message="", ftype="", reason="", time=None):
        self.test, self.status, self.message, self.ftype = test, status, message, ftype
        self.reason, self.time = reason, time
        self.section = "global"     # fstests' config section (xunit classname)
        self.outbad = self.outbad_path = self.dmesg_line = None
        self.kind = self.signature = None

    def finish(self):
        """The kind and signature, once the files beside it are read. A
        test not run gets a signature of its reason, so that a test the
        series lost can be explained like a failure."""
        if self.status == FAIL:
            self.kind = failure.kind(self.message)
            self.signature = failure.signature(self.message, self.outbad, self.kind)
        elif self.status == NOTRUN:
            self.kind = failure.NOTRUN
            self.signature = failure.signature(self.reason, None, self.kind)
        return self

    def json(self):
        d = {"status": self.status, "time": self.time}
        if self.status == FAIL:
            d.update(message=self.message, type=self.ftype, kind=self.kind,
                     signature=self.signature, out_bad=self.outbad_path,
                     what=failure.what(self))
        elif self.status == NOTRUN:
            d.update(reason=self.reason, signature=self.signature)
        return d


class Combo:
    """One guest: a kernel and a file system."""

    def __init__(self, kernel, fs, name, path):
        self.kernel, self.fs, self.name, self.path = kernel, fs, name, path
        self.tests = None       # {test: Result} in the order of result.xml; None: unread
        self.issues = []        # [(INCOMPLETE or UNREADABLE, sentence)]
        self.vm_status = self.seconds = self.xml_time = None
        self.console = []       # the console report's lines; [] when clean
        self.console_recorded = False
        self.config = {}
        self.reach = None       # [(test, probe id, events or None, {dm targets})]; None: unread
        self.last_started = None

    def issue(self, how, text):
        self.issues.append((how, text))

    def state(self):
        if any(k == UNREADABLE for k, _ in self.issues):
            return UNREADABLE
        return INCOMPLETE if self.issues else "complete"

    def counts(self):
        t = list((self.tests or {}).values())
        return {s: sum(1 for r in t if r.status == s) for s in (PASS, FAIL, NOTRUN)}

    def json(self):
        c = self.counts()
        return {"name": self.name, "kernel": self.kernel, "fs": self.fs,
                "state": self.state(),
                "issues": [{"kind": k, "text": t} for k, t in self.issues],
                "vm_status": self.vm_status, "seconds": self.seconds,
                "xml_time": self.xml_time, "console": self.console,
                "console_recorded": self.console_recorded,
                "passed": c[PASS], "failed": c[FAIL], "not_run": c[NOTRUN],
                "total": len(self.tests) if self.tests is not None else None,
                "last_test_started": self.last_started,
                "mkfs_options": self.config.get("MKFS_OPTIONS"),
                "mount_options": self.config.get("MOUNT_OPTIONS"),
                "config": self.config}


def number(text):
    t = text.strip()
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", t):
        raise ValueError(t)
    return float(t) if "." in t else int(t)


def tag(el):
    return el.tag.rsplit("}", 1)[-1]


def parse_xml(data, where):
    """result.xml's bytes -> [Result] (files beside them not yet read)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise Unreadable(f"{where} is not well-formed XML ({e})") from None
    if tag(root) != "testsuite":
        raise Unreadable(f"{where}: the root element is <{tag(root)}>, not <testsuite>")
    out = []
    for tc in root.iter():
        if tag(tc) != "testcase":
            continue
        name = tc.get("name") or ""
        if not TEST_NAME.match(name):
            raise Unreadable(f"{where}: testcase name {name!r} is not SUITE/NUMBER")
        try:
            t = number(tc.get("time", ""))
        except ValueError:
            t = None
        kids = {tag(k): k for k in reversed(list(tc))}
        bad = kids.get("failure", kids.get("error"))
        if bad is not None:
            r = Result(name, FAIL, bad.get("message") or (bad.text or "").strip(),
                       bad.get("type") or tag(bad), time=t)
        elif "skipped" in kids:
            sk = kids["skipped"]
            r = Result(name, NOTRUN, reason=" ".join((sk.get("message") or sk.text or "").split()),
                       time=t)
        else:
            r = Result(name, PASS, time=t)
        sect = (tc.get("classname") or "").rpartition(".")[2]
        r.section = sect if re.fullmatch(r"[A-Za-z0-9_-]+", sect) else "global"
        out.append(r)
    try:
        xml_time = number(root.get("time", ""))
    except ValueError:
        xml_time = None
    return out, xml_time


def merge(tests, r):
    """A test listed twice (fstests -i N): failed if any iteration failed
    (the first failure stands for it), passed if any passed."""
    old = tests.get(r.test)
    rank = {FAIL: 2, PASS: 1, NOTRUN: 0}
    if old is None or rank[r.status] > rank[old.status]:
        tests[r.test] = r


def test_file(c, r, suffix):
    """(relative path, bytes or None) of fstests' RESULT_BASE/TEST.SUFFIX,
    or under the section's own directory when fstests ran sections."""
    cands = [os.path.join("results", r.test + suffix)]
    if r.section != "global":
        cands.append(os.path.join("results", r.section, r.test + suffix))
    for rel in cands:
        data = read_bytes(os.path.join(c.path, rel))
        if data is not None:
            return rel, data
    return None, None


def read_tests(c):
    path = os.path.join(c.path, "results", "result.xml")
    data = read_bytes(path)
    if data is None:
        return False
    results, c.xml_time = parse_xml(data, os.path.join(c.name, "results", "result.xml"))
    tests = {}
    for r in results:
        merge(tests, r)
    for r in tests.values():
        if r.status == FAIL:
            r.outbad_path, r.outbad = test_file(c, r, ".out.bad")
            r.dmesg_line = failure.first_report(test_file(c, r, ".dmesg")[1])
            if r.outbad_path:
                r.outbad_path = os.path.join("runs", c.name, r.outbad_path)
        elif r.status == NOTRUN and not r.reason:
            why = test_file(c, r, ".notrun")[1]
            r.reason = " ".join((why or b"").decode("utf-8", "replace").split()) or \
                "no reason given"
        r.finish()
    c.tests = tests
    return True


def read_reach(c):
    text = read_text(os.path.join(c.path, "reach.tsv"))
    if text is None:
        return
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        f = line.split("\t")
        if len(f) != 4 or not TEST_NAME.match(f[0]) or not f[1].isdigit() or \
                not (f[2] == "-" or f[2].isdigit()):
            raise Unreadable(f"{c.name}/reach.tsv line {n}: not TEST<TAB>ID<TAB>EVENTS<TAB>"
                             f"DMTARGETS: {line[:80]!r}")
        dm = set() if f[3] in ("-", "") else set(f[3].split(","))
        rows.append((f[0], f[1], None if f[2] == "-" else int(f[2]), dm))
    c.reach = rows


def read_config(text):
    """local.config's `export K=V` lines -> {K: V}, values as the shell
    would read them."""
    out = {}
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if words[:1] == ["export"]:
            words = words[1:]
        for w in words:
            k, eq, v = w.partition("=")
            if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k):
                out[k] = v
    return out


def read_small(c, name, parse):
    """PARSE(text of NAME) or None; an unreadable file is an issue."""
    try:
        text = read_text(os.path.join(c.path, name))
    except OSError as e:
        c.issue(UNREADABLE, f"{c.name}/{name}: {e.strerror or e}")
        return None
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError:
        c.issue(UNREADABLE, f"{c.name}/{name} is not a number: {text.strip()[:40]!r}")
        return None


def vm_words(status):
    return VM_STATUS.get(status, f"scripts/vm exited {status}")


def combo(run, name, kernel, fs, series):
    """RUN/runs/NAME, read as far as it can be; SERIES: this is the
    series kernel, whose reach must be there."""
    c = Combo(kernel, fs, name, os.path.join(run, "runs", name))
    if not os.path.isdir(c.path):
        c.issue(INCOMPLETE, f"runs/{name} is missing: this combination did not run")
        return c
    c.vm_status = read_small(c, "vm.status", number)
    c.seconds = read_small(c, "seconds", number)
    cons = read_small(c, "console-report", str)
    if cons is not None:
        c.console_recorded = True
        c.console = [ln.rstrip() for ln in cons.splitlines() if ln.strip()]
    c.config = read_small(c, "config", read_config) or {}
    try:
        read_reach(c)
    except (OSError, Unreadable) as e:
        c.issue(UNREADABLE, str(e) if isinstance(e, Unreadable) else
                f"{name}/reach.tsv: {e.strerror or e}")
    try:
        have = read_tests(c)
    except Unreadable as e:
        c.issue(UNREADABLE, str(e))
        return c
    except OSError as e:
        c.issue(UNREADABLE, f"{name}/results: {e.strerror or e}")
        return c
    if c.reach:
        done = set(c.tests or ())
        started = [t for t, *_ in c.reach if t not in done]
        c.last_started = started[-1] if started else None
    last = f"; last test started: {c.last_started}" if c.last_started else ""
    if not have:
        why = vm_words(c.vm_status) if c.vm_status not in (None, 0) else \
            "scripts/vm exited 0" if c.vm_status == 0 else "no vm.status"
        c.issue(INCOMPLETE, f"{name}: no results/result.xml ({why}){last}")
        return c
    if c.vm_status is None:
        c.issue(INCOMPLETE, f"{name}: no vm.status: the guest's run did not finish, "
                            "its results may be partial")
    elif c.vm_status == 1 and c.console:
        pass    # the console report is what made it 1; it is counted as such
    elif c.vm_status != 0:
        c.issue(INCOMPLETE, f"{name}: {vm_words(c.vm_status)} (status {c.vm_status}) after "
                            f"{len(c.tests)} tests; results are partial{last}")
    if not c.tests:
        c.issue(INCOMPLETE, f"{name}: result.xml lists no test")
    if series and c.reach is None and not any(k == UNREADABLE for k, _ in c.issues):
        c.issue(INCOMPLETE, f"{name}: no reach.tsv: which tests reached the series is unknown")
    return c


# ---------------------------------------------------------------- the run

def split_name(name):
    """runs/KERNEL-FS -> (KERNEL, FS): the file system after the last
    dash, since a kernel's name may hold dashes."""
    kernel, dash, fs = name.rpartition("-")
    if not dash or not kernel or not re.fullmatch(r"[a-z0-9]+", fs):
        raise BadInput(f"runs/{name} is not named KERNEL-FS (such as patched-ext2)")
    return kernel, fs


def combos(run, base):
    """(series kernel name, {fs: (base Combo, series Combo)}) for every
    file system either kernel ran. BadInput unless the kernels are BASE
    and exactly one other."""
    runs = os.path.join(run, "runs")
    if not os.path.isdir(runs):
        raise BadInput(f"{run} is not an fstests run (no runs/ directory)")
    names = sorted(n for n in os.listdir(runs) if os.path.isdir(os.path.join(runs, n)))
    if not names:
        raise BadInput(f"{runs} holds no combination (no KERNEL-FS directory)")
    pairs = {n: split_name(n) for n in names}
    kernels = sorted({k for k, _ in pairs.values()})
    if base not in kernels:
        raise BadInput(f"runs/ has no combination of the base kernel {base!r} (kernels there: "
                       f"{', '.join(kernels)}); --base names the base")
    others = [k for k in kernels if k != base]
    if len(others) != 1:
        raise BadInput(f"runs/ must hold the base kernel {base!r} and exactly one other, "
                       f"not {', '.join(kernels)}")
    series = others[0]
    fss = sorted({f for _, f in pairs.values()})
    out = {}
    for fs in fss:
        out[fs] = (combo(run, f"{base}-{fs}", base, fs, False),
                   combo(run, f"{series}-{fs}", series, fs, True))
    return series, out
