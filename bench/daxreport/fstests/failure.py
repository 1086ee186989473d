"""What a failure is: its kind, its signature and a short "what".

Two failures are the same failure when their signatures are equal. The
signature hashes what the test said, not where it said it: the message
loses its "(see PATH)" and every absolute path (the run directory and
the pmem device names change from run to run, the failure does not),
then the .out.bad bytes exactly as the test wrote them, then the kind.

The "what" is for a reader: there is no .out in the run to diff against,
so it is the message and two lines of .out.bad: the first two that
differ from the other kernel's .out.bad when both failed (what changed),
else the first two after fstests' header line (what went wrong).
"""
import difflib
import hashlib
import re

SEE = re.compile(r"\s*\(see [^)]*\)")
# an absolute path: a slash that does not continue a word, up to a space,
# a quote, a bracket or punctuation that ends a clause
PATH = re.compile(r"(?<![\w.~/])/[^\s'\"()\[\],;]+")
HEADER = re.compile(r"^QA output created by ")
# the first line of a kernel report in a test's .dmesg
REPORT = re.compile(r"WARNING:|BUG:|Oops|general protection|UBSAN:|KASAN:|"
                    r"possible (circular|recursive) locking|INFO: task .* blocked")

NOTRUN = "notrun"
WIDTH = 100


def kind(message):
    """The kind of a failure, from fstests' message: output (the output
    did not match), dmesg (_check_dmesg found a report), fsck (the file
    system checker rejected the file system) or other."""
    m = message.lower()
    if "output mismatch" in m:
        return "output"
    if "_check_dmesg" in m:
        return "dmesg"
    if "inconsistent" in m or re.search(r"_check_\w*filesystem", m):
        return "fsck"
    return "other"


def short(message):
    """The message without its "(see PATH)", on one line, and without the
    "- " fstests puts before "output mismatch"."""
    m = " ".join(SEE.sub("", message).split())
    return m[2:] if m.startswith("- ") else m


def normalise(message):
    """The message as the signature hashes it: no "(see PATH)", no
    absolute path, whitespace collapsed."""
    return " ".join(PATH.sub("", SEE.sub("", message)).split())


def signature(message, outbad, how):
    """First 12 hex digits of sha256(normalised message, "\\n", the
    .out.bad bytes if the file exists, the kind)."""
    h = hashlib.sha256()
    h.update(normalise(message).encode("utf-8"))
    h.update(b"\n")
    if outbad is not None:
        h.update(outbad)
    h.update(how.encode())
    return h.hexdigest()[:12]


def clip(line):
    line = line.rstrip()
    return line if len(line) <= WIDTH else line[:WIDTH - 3] + "..."


def body(outbad):
    """.out.bad's lines after fstests' header, blank lines left out."""
    if outbad is None:
        return []
    lines = outbad.decode("utf-8", "replace").splitlines()
    return [ln for ln in lines if ln.strip() and not HEADER.match(ln)]


def differing(mine, other, n=2):
    """The first N lines of MINE (an .out.bad's bytes) that the OTHER
    kernel's .out.bad does not have at that place."""
    a, b = body(other), body(mine)
    out = []
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "insert"):
            out += b[j1:j2]
        if len(out) >= n:
            break
    return [clip(x) for x in out[:n]]


def what(result, other=None):
    """A short description of RESULT's failure (a list of lines): the
    message, then two lines of .out.bad (see the module's comment). OTHER
    is the other kernel's result of the same test, if it failed too. A
    dmesg failure with no such lines gets the first report line of its
    .dmesg, since the message alone says only that something was found."""
    out = [short(result.message) or "(no message)"]
    if result.outbad is not None:
        if other is not None and other.outbad is not None:
            out += differing(result.outbad, other.outbad)
        else:
            out += [clip(x) for x in body(result.outbad)[:2]]
    if len(out) == 1 and result.dmesg_line:
        out.append(clip(result.dmesg_line))
    return out


def first_report(dmesg):
    """The first kernel-report line of a .dmesg file's bytes, or None."""
    if dmesg is None:
        return None
    for ln in dmesg.decode("utf-8", "replace").splitlines():
        if REPORT.search(ln):
            return ln.strip()
    return None
