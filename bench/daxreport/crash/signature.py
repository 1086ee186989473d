"""A violation's signature: what failed, where, and which kernel code wrote
what was lost, with everything a workload or a run changes (file names,
sizes, event numbers, temporary paths) taken out. Forty workloads that
tear the same journal superblock give one signature and forty witnesses.

A signature is one line of text:

    KIND FS at WHERE by WRITER: WHAT

KIND is durability, fsck or flush-contract (durability+fsck when both
oracles failed on the image); WHERE the 4 KiB page of the file system
holding the first torn sector ("file data" when a file's content was
promised, wherever the workload put it), or "-"; WRITER the kernel function whose
stores were lost most (or "user space"); WHAT the failed promise or, when fsck also
failed, fsck's first unrepaired complaint (the root cause: a torn
metadata block loses a file in many ways). Its id is the first 12 hex
digits of the line's SHA-1, which a known-findings list names.

The fields come from ctoracle's violation reports (violations/NNN.txt,
crashtest/oracles/src/violation_report.c).
"""
import hashlib
import os
import re

from .. import files

# The fields of a violation report this reads ("key:  value" lines).
FIELDS = ("file system", "verdict", "what failed", "torn sectors", "lost by", "lost at",
          "reproducer")
# A journal-less file system's automatic repair stops at what it cannot
# fix alone: after a crash that is documented ext2 behaviour.
MANUAL_FSCK = "UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY"


def fields(text):
    """The report's FIELDS -> {name: value} (the first of each)."""
    out = {}
    for line in text.splitlines():
        if line.startswith((" ", "\t", "---")):
            continue
        k, sep, v = line.partition(":")
        if sep and k in FIELDS and k not in out:
            out[k] = v.strip()
    return out


def generic(s):
    """S without what changes between runs: paths, numbers, hex."""
    s = re.sub(r"\(/[^)]*\)", "(FILE)", s)
    s = re.sub(r"(?<![\w.])/[^\s:;,)]+", "PATH", s)
    s = re.sub(r"0x[0-9a-fA-F]+", "0xN", s)
    s = re.sub(r"(?<![A-Za-z_])\d+(?![A-Za-z_])", "N", s)
    return re.sub(r"\s+", " ", s).strip()


def promise(msg):
    """A durability message without the file it names (the first word,
    or everything before ": ")."""
    head, sep, rest = msg.partition(": ")
    if sep and " " not in head:
        return generic("FILE: " + rest)
    word, _, rest = msg.partition(" ")
    return generic("FILE " + rest)


def fsck_cause(msg):
    """fsck's first complaint it did not repair, from "TOOL exited with
    N: LINE; LINE; ..." (repaired lines end in FIXED.). xfs's come from
    the judging guest: the mount's error (its console tail varies), or
    xfs_repair's first line."""
    m = re.search(r"mount \(log recovery\) failed: .*?system call failed: ([^.]*)", msg) or \
        re.search(r"mount \(log recovery\) failed: ([A-Za-z][A-Za-z ]*?)(?:[:.]|$)", msg)
    if m:
        # ctoracle's own mount(2) (since the one-process guest judge)
        # gives the error, then the console's tail: registers of a
        # stack dump, which say nothing of the cause.
        return f"mount (log recovery) failed: {generic(m.group(1))}"
    m = re.search(r"xfs_repair -n after log recovery: (.*)", msg)
    if m:
        return f"xfs_repair -n after log recovery: {generic(m.group(1))[:120]}"
    tool, sep, lines = msg.partition(": ")
    if not sep:
        return generic(msg)
    tool = re.sub(r" exited with \d+$", "", tool)
    for line in lines.split(";"):
        line = line.strip()
        line = re.sub(r"^/\S+: ", "", line)       # the image's path
        if not line or line.endswith("FIXED.") or line.startswith(("e2fsck ", "Pass ")) or \
                MANUAL_FSCK in line or line.startswith("(i.e.,"):
            continue
        return f"{generic(tool)}: {generic(line)}"
    return generic(tool + ": " + lines)


def where(torn, lost_at=None):
    """The page of the first torn sector, else the first page whole
    blocks were lost from (reports since "lost at:"): "fs page 0xN000",
    or "-"."""
    m = re.search(r"offset (0x[0-9a-fA-F]+)", torn or "") or \
        re.search(r"page (0x[0-9a-fA-F]+)", lost_at or "")
    return f"fs page {int(m.group(1), 16) & ~0xfff:#x}" if m else "-"


def writer(lost):
    """'512 in f, 40 in user space, 3 in g, 2 elsewhere' -> 'f': the
    kernel function that lost most, else "user space" (a torn metadata
    block is the kernel's; lost user stores beside it are incidental)."""
    pairs = [(int(c), n.strip()) for c, n in re.findall(r"(\d+) in ([^,]+)", lost or "")]
    kernel = [p for p in pairs if p[1] != "user space"] or pairs
    return max(kernel, key=lambda p: p[0])[1] if kernel else "-"


def classify(text):
    """One violation report -> {"signature", "id", "kind", "fsck_expected",
    "reproducer"}; ValueError when it is not a violation report."""
    f = fields(text)
    if "verdict" not in f or "what failed" not in f:
        raise ValueError("not a violation report (no verdict or what failed line)")
    v = f["verdict"]
    fs = f.get("file system", "-")
    msg = f["what failed"]
    expected = None
    if v == "FLUSH CONTRACT":
        kind = "flush-contract"
        m = re.search(r'a flush \("([^"]*)" at ([^)+]*)', msg)
        what = f"completes a flush ({m.group(1)} at {m.group(2)}) before the fence" if m \
            else generic(msg)
    elif v.startswith("DURABILITY"):
        dur, sep, fsck = msg.partition("; also fsck: ")
        kind = "durability+fsck" if sep else "durability"
        what = fsck_cause(fsck) if sep else promise(dur)
    elif v == "FSCK":
        kind = "fsck"
        what = fsck_cause(msg)
        # only a journal-less file system is expected to need a manual fsck
        expected = MANUAL_FSCK in msg if fs == "ext2" else None
    else:
        raise ValueError(f"verdict {v!r} is not one ctoracle writes")
    place = where(f.get("torn sectors"), f.get("lost at"))
    if kind == "durability" and re.search(r"promised (bytes|zero)", msg):
        place = "file data"     # a torn data page: where it lies is the workload's
    sig = f"{kind} {fs} at {place} by {writer(f.get('lost by'))}: {what}"
    return {"signature": sig, "id": sig_id(sig), "kind": kind,
            "fsck_expected": expected, "reproducer": f.get("reproducer")}


def sig_id(sig):
    return hashlib.sha1(sig.encode()).hexdigest()[:12]


def of_run(run, rdir):
    """The signatures of the violation reports in RUN/RDIR/violations/
    (NNN.txt, in order): [{"id", "signature", "kind", "count", "first",
    "reproducer", "fsck_expected"}] in first-seen order, paths relative to
    RUN; and a note for each report that cannot be read."""
    out, by_id, notes = [], {}, []
    vdir = os.path.join(run, rdir, "violations")
    names = sorted(n for n in os.listdir(vdir) if re.fullmatch(r"\d{3,}\.txt", n)) \
        if os.path.isdir(vdir) else []
    for n in names:
        rel = os.path.join(rdir, "violations", n)
        try:
            c = classify(files.read_text(os.path.join(run, rel), errors="replace"))
        except (OSError, ValueError) as e:
            notes.append(f"violations/{n}: {e}")
            continue
        c["reproducer"] = rel[:-len(".txt")] + ".repro"
        p = rel
        s = by_id.get(c["id"])
        if s:
            s["count"] += 1
            continue
        s = dict(c, count=1, first=p)
        by_id[c["id"]] = s
        out.append(s)
    return out, notes
