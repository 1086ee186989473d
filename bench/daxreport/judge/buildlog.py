"""build.tsv: does each patch apply, build without a warning, pass
checkpatch.

One line per check, TAB-separated: PATCHES KIND STATUS DETAIL. PATCHES is
the prefix 1..N applied (for checkpatch, the one patch checked), KIND
apply, build or checkpatch, STATUS ok or fail (a build with a compiler
warning fails; DETAIL then holds its first warning or error line). A
patch that does not apply has no later lines, and no later patch can be
tried. A line that is not one of these, a check given twice, or a check
missing for a patch that applied, leaves the part incomplete: a patch
whose build nobody saw must not read as one that builds.
"""
from .. import files
from .part import APPLY, BUILD, CHECKPATCH, Part

KINDS = ("apply", "build", "checkpatch")
STATUSES = ("ok", "fail")
FLAG_KIND = {"apply": APPLY, "build": BUILD, "checkpatch": CHECKPATCH}
WORDS = {"apply": "does not apply", "build": "does not build without warnings",
         "checkpatch": "fails checkpatch"}


def parse(text, n):
    """{patch: {kind: (status, detail)}} and the problems of the file."""
    checks, problems = {}, []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        f = line.split("\t", 3)
        if len(f) == 3:
            f.append("")
        if len(f) != 4 or not f[0].isdigit() or f[0].startswith("0") or \
                f[1] not in KINDS or f[2] not in STATUSES:
            problems.append(f"build.tsv line {i}: not PATCHES<TAB>apply|build|checkpatch"
                            f"<TAB>ok|fail<TAB>DETAIL ({line[:60]!r})")
            continue
        p = int(f[0])
        if p > n:
            problems.append(f"build.tsv line {i}: patch {p}, the series has {n}")
            continue
        if f[1] in checks.setdefault(p, {}):
            problems.append(f"build.tsv line {i}: a second {f[1]} line for patch {p}")
            continue
        checks[p][f[1]] = (f[2], f[3].strip())
    return checks, problems


def judge(path, rel, n):
    part = Part("build", path, rel)
    try:
        text = files.read_text(path)
    except (OSError, ValueError) as e:
        part.problem(f"{rel} cannot be read ({e})")
        part.data["patches"] = {}
        return part
    checks, problems = parse(text, n)
    for p in problems:
        part.problem(p)
    stopped = None          # the patch that did not apply
    per = {}
    for p in range(1, n + 1):
        c = checks.get(p, {})
        if stopped is not None:
            if c:
                part.problem(f"build.tsv has lines for patch {p}, after patch {stopped} "
                             "did not apply")
            per[p] = {k: {"status": "not tried", "detail": f"patch {stopped} does not apply"}
                      for k in KINDS}
            continue
        per[p] = {}
        for k in KINDS:
            st, detail = c.get(k, (None, ""))
            if st is None:
                after_fail = k != "apply" and c.get("apply", ("",))[0] == "fail"
                per[p][k] = {"status": "not tried" if after_fail else "missing", "detail": ""}
                if not after_fail:
                    part.problem(f"build.tsv has no {k} line for patch {p}")
                continue
            per[p][k] = {"status": st, "detail": detail}
            if st == "fail":
                part.flag(FLAG_KIND[k], f"patch {p} {WORDS[k]}" + (f": {detail}" if detail
                                                                   else ""), [p])
        if c.get("apply", ("",))[0] == "fail":
            for k in ("build", "checkpatch"):
                if k in c:
                    part.problem(f"build.tsv has a {k} line for patch {p}, which does not "
                                 "apply")
            stopped = p
    part.data["patches"] = {str(p): v for p, v in per.items()}
    return part
