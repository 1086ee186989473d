"""The run's files, read without waiting or crashing, and the reports
written whole.

A name in raw/ (or env.json, a counts file, a crash run's result.json)
may be a FIFO, a device or a directory: opening a FIFO would wait for a
writer forever, so only regular files are opened. JSON nested deeper than
the parser's recursion limit is bad input like any other malformed JSON.
An interrupted report leaves the earlier one, never half of a new one.
"""
import json
import os
import stat


def read_text(path, errors="strict"):
    """The text of the regular file PATH; OSError for anything else, and
    (with errors="strict") UnicodeDecodeError, a ValueError, for bytes
    that are not UTF-8."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(f"{os.path.basename(path)} is not a regular file")
    with open(path, encoding="utf-8", errors=errors) as fh:
        return fh.read()


def loads(text):
    """json.loads; ValueError also for nesting too deep to parse."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def write_atomic(path, text):
    """Write PATH whole or not at all: a temporary file beside it, renamed
    over it once written."""
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, "w", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def write_report(out, stem, doc, md):
    """A report's two files into OUT: STEM.json (DOC) and STEM.md (MD),
    each whole or not at all. An OSError is the caller's to report."""
    os.makedirs(out, exist_ok=True)
    write_atomic(os.path.join(out, stem + ".json"), json.dumps(doc, indent=2) + "\n")
    write_atomic(os.path.join(out, stem + ".md"), md)


def inside(p, d):
    """Is P (a real path) D or below it?"""
    return p == d or p.startswith(d.rstrip(os.sep) + os.sep)
