"""The VM suite's TAP for one kernel (vm/KERNEL.tap) -> its tests.

The suite prints one section per script: a header "# ROLE: NN-name.sh",
the script's own TAP (numbered from 1, with its plan), then the guest's
count of it, "# ROLE: NN-name.sh: N passed, N failed, N skipped"; after
the sections the guest's closing line "[ROLE: ]N passed, N failed, N
skipped", and tests/vm/run's own tests (the console check), which belong
to the pseudo-script "console" here.

A test is known by (script, TAP number): descriptions hold numbers that
change from run to run (addresses, block numbers), so they are printed,
never matched. Counting follows tests/lib/tapcount, the project's one
counter: "ok" passes, "not ok" fails, either with "# SKIP" is a skip,
"not ok ... # TODO" a skip, "1..0 # SKIP" one skip; a script without its
plan, with fewer or more tests than planned, or that bailed out, fails
once, and so does one whose count the guest saw fail more often than its
"not ok" lines say (a time-out, a non-zero exit). Those failures are
(script, None). A file without the closing line was cut short.
"""
import re

RESULT = re.compile(r"([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?")
HEADER = re.compile(r"^# (\S+): ([0-9][0-9]-[^\s:]+\.sh)$")
NOTE = re.compile(r"^# (\S+): ([0-9][0-9]-[^\s:]+\.sh): (.*)$")
TEST = re.compile(r"^(not ok|ok)([ \t]|$)")
NUMBER = re.compile(r"^[ \t]*([0-9]+)")
PLAN = re.compile(r"^1\.\.([0-9]+)([ \t]|$)")
CONSOLE = "console"
PASS, FAIL, SKIP = "pass", "fail", "skip"


def directive(line):
    """'skip', 'todo' or '' after an unescaped '#', as tapcount reads it."""
    d = line.replace("\\#", "")
    if re.search(r"#[ \t]*[Ss][Kk][Ii][Pp]", d):
        return "skip"
    if re.search(r"#[ \t]*[Tt][Oo][Dd][Oo]", d):
        return "todo"
    return ""


class Test:
    def __init__(self, script, num, status, desc):
        self.script, self.num, self.status, self.desc = script, num, status, desc

    @property
    def key(self):
        return (self.script, self.num)

    def name(self):
        n = f" #{self.num}" if self.num is not None else ""
        return f"{self.script}{n}"

    def json(self):
        return {"script": self.script, "number": self.num, "status": self.status,
                "description": self.desc}


class Section:
    def __init__(self, script):
        self.script = script
        self.plan = None
        self.skip_all = None
        self.bail = None
        self.tests = []
        self.count = None       # the guest's (passed, failed, skipped) of it
        self.notes = []         # the guest's other "# ROLE: script: ..." lines

    def finish(self):
        """The script's own failure (tapcount's rules), or None."""
        why = []
        if self.bail is not None:
            why.append(f"bailed out ({self.bail})")
        elif self.plan is None:
            why.append(f"no plan line: the script stopped after {len(self.tests)} test(s)")
        elif self.plan != len(self.tests):
            why.append(f"planned {self.plan} test(s), ran {len(self.tests)}")
        failed = sum(1 for t in self.tests if t.status == FAIL) + (1 if why else 0)
        if self.count is not None and self.count[1] > failed:
            why += self.notes or ["the guest counted a failure no 'not ok' line shows"]
        if not why:
            return None
        return Test(self.script, None, FAIL, "; ".join(dict.fromkeys(why)))


class Tap:
    """One kernel's suite: tests in order, counts, closing line."""

    def __init__(self):
        self.tests = []
        self.roles = []         # the roles the section headers name
        self.closing = None     # (passed, failed, skipped) of the last closing line
        self.cut_in = None      # the script the file ends in, when it is cut short

    def counts(self):
        return {s: sum(1 for t in self.tests if t.status == s) for s in (PASS, FAIL, SKIP)}

    def failures(self):
        return [t for t in self.tests if t.status == FAIL]

    def get(self, key):
        for t in self.tests:
            if t.key == key:
                return t
        return None


def describe(rest, role):
    """The description of a test line after "ok N", without the role
    prefix the suite adds and without the directive."""
    d = rest.strip()
    if d.startswith("- "):
        d = d[2:]
    elif d == "-":
        d = ""
    d = re.split(r"[ \t]#[ \t]*(?:[Ss][Kk][Ii][Pp]|[Tt][Oo][Dd][Oo])", d, maxsplit=1)[0]
    for r in (role, *("stock", "patched")):
        if r and d.startswith(f"{r}: "):
            return d[len(r) + 2:]
    return d


def parse(text):
    tap = Tap()
    sec = None
    loose = []          # tests outside a script's section: the console check
    positions = {}
    role = None

    def close():
        nonlocal sec
        if sec is not None:
            tap.tests.extend(sec.tests)
            f = sec.finish()
            if f is not None:
                tap.tests.append(f)
            sec = None

    for raw in text.splitlines():
        line = raw[:-1] if raw.endswith("\r") else raw
        m = HEADER.match(line)
        if m:
            close()
            role = m.group(1)
            if role not in tap.roles:
                tap.roles.append(role)
            sec = Section(m.group(2))
            continue
        m = NOTE.match(line)
        if m and sec is not None and m.group(2) == sec.script:
            r = RESULT.fullmatch(m.group(3))
            if r:
                sec.count = (int(r.group(1)), int(r.group(2)), int(r.group(4) or 0))
                close()
            elif not re.fullmatch(r"took [0-9]+ s", m.group(3)):
                sec.notes.append(m.group(3))
            continue
        m = TEST.match(line)
        if m:
            script = sec.script if sec is not None else CONSOLE
            rest = line[len(m.group(1)):]
            n = NUMBER.match(rest)
            positions[script] = positions.get(script, 0) + 1
            num = int(n.group(1)) if n else positions[script]
            if n:
                rest = rest[n.end():]
            d = directive(line)
            if m.group(1) == "ok":
                st = SKIP if d == "skip" else PASS
            else:
                st = SKIP if d in ("skip", "todo") else FAIL
            t = Test(script, num, st, describe(rest, role))
            (sec.tests if sec is not None else loose).append(t)
            continue
        m = PLAN.match(line)
        if m and sec is not None:
            sec.plan = (sec.plan or 0) + int(m.group(1))
            if int(m.group(1)) == 0 and directive(line) == "skip":
                sec.tests.append(Test(sec.script, 0, SKIP, line.split("#", 1)[-1].strip()))
                sec.plan += 1
            continue
        if line.startswith("Bail out!"):
            if sec is not None:
                sec.bail = line
            else:
                loose.append(Test(CONSOLE, None, FAIL, line))
            continue
        if not line.startswith("#"):
            r = RESULT.search(line)
            if r:
                tap.closing = (int(r.group(1)), int(r.group(2)), int(r.group(4) or 0))
    if sec is not None and sec.count is None and tap.closing is None:
        # The file ends inside this script: the file is cut short (the
        # part is incomplete), which says nothing of the script itself.
        tap.cut_in = sec.script
        tap.tests.extend(sec.tests)
        sec = None
    close()
    tap.tests.extend(loose)
    if tap.closing is not None and tap.closing[1] > len(tap.failures()):
        tap.tests.append(Test(CONSOLE, None, FAIL,
                              f"the closing line counts {tap.closing[1]} failed, the tests "
                              f"show {len(tap.failures())}"))
    return tap
