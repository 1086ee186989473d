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
