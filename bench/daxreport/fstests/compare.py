"""Each (file system, test): what the series changed against the base.

The base kernel B and the series kernel S each passed, failed or did not
run a test:

    B \\ S     pass          fail                     not run
    pass      passed        REGRESSION new failure   REGRESSION lost
    fail      fix           same signature: shared   REGRESSION lost
                            else REGRESSION changed
    not run   gained        REGRESSION gained fail   not run

A test in one kernel's results and not the other's is incomplete: a
hung guest stops listing tests, and what it did not list is unknown, not
passed. A file system one of whose combinations has no results at all is
not compared; its combination is named as incomplete or unreadable.

A known difference (FS, TEST, KERNEL, SIGNATURE, REASON) explains a
regression of that test on that file system when the series kernel is
KERNEL and its signature is SIGNATURE: a failure that has changed since
someone looked at it is a regression again. An entry for this series
kernel and a file system compared here that explains nothing is stale
(shown, not failed); entries for other kernels or file systems are not
applicable to this run.
"""
from . import failure
from .load import FAIL, NOTRUN, PASS

PASSED, REGRESSION, SHARED, FIX = "passed", "regression", "shared failure", "fix"
NOT_RUN, GAINED, INCOMPLETE, EXPLAINED = "not run", "gained", "incomplete", "explained"
NEW, CHANGED, LOST, GAINED_FAIL = "new failure", "changed failure", "lost", "gained failure"


class Item:
    """One test on one file system, both kernels' results and the verdict."""

    def __init__(self, fs, test, base, series):
        self.fs, self.test, self.base, self.series = fs, test, base, series
        self.cls, self.kind = classify(base, series)
        self.known = None       # the Known entry that explains it

    def signature(self):
        """The series' signature (what a known entry must match)."""
        return self.series.signature if self.series is not None else None

    def whats(self):
        """(base what, series what): lists of lines, None where there is
        no failure to describe."""
        b, s = self.base, self.series
        # what changed, when both failed differently; the failure itself otherwise
        both = b is not None and s is not None and b.status == FAIL and s.status == FAIL \
            and b.signature != s.signature
        wb = failure.what(b, s if both else None) if b is not None and b.status == FAIL else None
        ws = failure.what(s, b if both else None) if s is not None and s.status == FAIL else None
        return wb, ws

    def json(self):
        wb, ws = self.whats()
        d = {"fs": self.fs, "test": self.test, "class": self.cls, "kind": self.kind,
             "signature": self.signature(),
             "base": self.base.json() if self.base else None,
             "series": self.series.json() if self.series else None,
             "what_base": wb, "what_series": ws}
        if self.known is not None:
            d["explained_by"] = {"reason": self.known.reason, "line": self.known.line}
        return d


def classify(b, s):
    """(class, regression kind or None) of a test's two results; a
    missing result is None."""
    if b is None or s is None:
        return INCOMPLETE, None
    pair = (b.status, s.status)
    if pair == (PASS, PASS):
        return PASSED, None
    if pair == (PASS, FAIL):
        return REGRESSION, NEW
    if pair == (FAIL, FAIL):
        return (SHARED, None) if b.signature == s.signature else (REGRESSION, CHANGED)
    if pair == (FAIL, PASS):
        return FIX, None
    if pair == (NOTRUN, NOTRUN):
        return NOT_RUN, None
    if b.status in (PASS, FAIL) and s.status == NOTRUN:
        return REGRESSION, LOST
    if pair == (NOTRUN, FAIL):
        return REGRESSION, GAINED_FAIL
    return GAINED, None     # not run on the base, passed on the series


def comparable(bc, sc):
    """Both combinations have results to compare (even partial ones)."""
    return bc.tests is not None and sc.tests is not None


def compare(fs, bc, sc):
    """[Item] for every test either combination lists, in the base's
    order, then the series' own."""
    names = list(bc.tests) + [t for t in sc.tests if t not in bc.tests]
    return [Item(fs, t, bc.tests.get(t), sc.tests.get(t)) for t in names]


def apply_known(items, entries, series, compared):
    """Move the regressions a known entry explains to EXPLAINED. Returns
    (stale, not applicable): entries for SERIES and a file system in
    COMPARED that explained nothing, each with what the test is now; and
    entries for another kernel or a file system not compared here."""
    by = {}
    for it in items:
        by[(it.fs, it.test)] = it
    used = set()
    for e in entries:
        it = by.get((e.fs, e.test))
        if e.kernel == series and it is not None and it.cls in (REGRESSION, EXPLAINED) and \
                it.signature() == e.signature:
            it.cls, it.known = EXPLAINED, it.known or e
            used.add(id(e))
    stale, other = [], []
    for e in entries:
        if id(e) in used:
            continue
        if e.kernel != series or e.fs not in compared:
            other.append(e)
            continue
        it = by.get((e.fs, e.test))
        if it is None:
            now = "not in this run's results"
        elif it.cls == REGRESSION:
            now = f"now a regression ({it.kind}) with signature {it.signature()}"
        else:
            now = f"now {it.cls}"
        stale.append((e, now))
    return stale, other


def by_class(items, cls):
    return [it for it in items if it.cls == cls]
