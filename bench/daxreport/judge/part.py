"""One part of the judgement (build, vm, fstests, bench, crash): whether it
ran, what it found, and what it flags.

A flag is one thing that makes the verdict FAIL (exit 1), with the part
and the patches it is held against. A part whose own files are missing,
cut short or unreadable cannot vouch for the series: each such problem is
a flag of kind "incomplete", and the part's findings that could be read
are still reported.
"""

# The kinds of flags, in the order the first line names them.
SPEED, FUNCTION_REGRESSION, FUNCTION_FAILURE, DURABILITY = \
    "speed regression", "function regression", "function failure", "durability regression"
APPLY, BUILD, CHECKPATCH, INCOMPLETE = "apply", "build", "checkpatch", "incomplete"
KINDS = (SPEED, FUNCTION_REGRESSION, FUNCTION_FAILURE, DURABILITY, APPLY, BUILD, CHECKPATCH,
         INCOMPLETE)


class PartError(Exception):
    """A file of a part cannot be read as what it should be."""


class Part:
    def __init__(self, name, path=None, rel=None, reason=None):
        self.name, self.path, self.rel = name, path, rel
        self.reason = reason        # why it did not run
        self.problems = []          # why it is incomplete or unreadable
        self.flags = []
        self.data = {}              # what verdict.json keeps of it

    @property
    def ran(self):
        return self.path is not None

    def flag(self, kind, what, patches=None, shared=False):
        """SHARED: a failure the base kernel has too, not blamed on the series."""
        f = {"part": self.name, "kind": kind, "patches": list(patches or []), "what": what}
        if shared:
            f["shared"] = True
        self.flags.append(f)

    def problem(self, what):
        self.problems.append(what)
        self.flag(INCOMPLETE, f"{self.name}: {what}")

    @property
    def status(self):
        if not self.ran:
            return "not run"
        if self.problems:
            return "incomplete"
        return "flagged" if self.flags else "ok"

    def json(self):
        return {"status": self.status, "path": self.rel, "reason": self.reason,
                "problems": self.problems, **self.data}


def need(d, key, kind, where):
    """D[KEY] if it is of type KIND, else PartError naming WHERE."""
    v = d.get(key) if isinstance(d, dict) else None
    ok = isinstance(v, kind) and not (kind in (int, (int, float)) and isinstance(v, bool))
    if not ok:
        raise PartError(f"{where}: {key} is missing or not {kind_name(kind)}")
    return v


def kind_name(kind):
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false",
            int: "a whole number"}.get(kind, "a number")


def plural(n, word, many=None):
    return f"{n} {word if n == 1 else (many or word + 's')}"


def patch_label(patches):
    """[2] -> 'patch 2', [1, 2, 3] -> 'patches 1-3', [] -> 'the series'."""
    if not patches:
        return "the series"
    if len(patches) == 1:
        return f"patch {patches[0]}"
    if patches == list(range(patches[0], patches[-1] + 1)):
        return f"patches {patches[0]}–{patches[-1]}"
    return "patches " + ", ".join(str(p) for p in patches)
