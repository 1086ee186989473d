"""JUDGE_DIR/judge.json -> one checked Judge: the kernels in series order,
the role the VM suite ran each in, where each part's output is, and why a
part did not run.

Anything the verdict could not be about with certainty is BadInput (exit
2, nothing written): no judge.json, one that is not what scripts/judge
writes, a part that did not run without a reason, or a part named at a
path that is not there. What a part's own files hold is judged later; a
damaged part is a finding (exit 1), not bad input.
"""
import os
import re

from .. import files

SCHEMA = 1
PARTS = ("build", "vm", "fstests", "bench", "crash")
ROLES = ("stock", "patched")
# A kernel's name is also a file name (vm/NAME.tap) and a bench kernel.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
TEXT_FIELDS = ("started", "finished", "host", "daxlab", "qemu", "accel")


class BadInput(Exception):
    """judge.json or JUDGE_DIR cannot be judged: one sentence saying why."""


class Kernel:
    def __init__(self, name, patches, patch=None, subject=None):
        self.name, self.patches, self.patch, self.subject = name, patches, patch, subject

    def json(self):
        return {"name": self.name, "patches": self.patches, "patch": self.patch,
                "subject": self.subject}


class Judge:
    """judge.json, checked. parts[p] is the part's path, or None when it
    did not run (skipped[p] says why)."""

    def __init__(self, directory, doc):
        self.dir = directory
        self.doc = doc
        for k in TEXT_FIELDS:
            setattr(self, k, doc.get(k))
        self.kernel_source = doc.get("kernel_source") or {}
        self.kernels = kernels(doc.get("kernels"))
        self.roles = roles(doc.get("roles"), self.kernels)
        self.parts, self.rel, self.skipped = parts(directory, doc.get("parts"),
                                                   doc.get("skipped"))

    @property
    def base(self):
        return self.kernels[0]

    @property
    def series(self):
        return self.kernels[-1]

    @property
    def n_patches(self):
        return self.series.patches

    def kernel(self, name):
        for k in self.kernels:
            if k.name == name:
                return k
        return None

    def patches(self):
        """[{number, file, subject, sha256}] for patches 1..N: the series'
        own list (scripts/kernel describe) by position, filled in from the
        kernels' entries."""
        listed = obj(self.kernel_source.get("series")).get("patches")
        listed = listed if isinstance(listed, list) else []
        out = []
        for i in range(1, self.n_patches + 1):
            p = listed[i - 1] if i <= len(listed) and isinstance(listed[i - 1], dict) else {}
            k = next((k for k in self.kernels if k.patches == i), None)
            out.append({"number": i, "file": text(p.get("file")) or (k.patch if k else None),
                        "subject": text(p.get("subject")) or (k.subject if k else None),
                        "sha256": text(p.get("sha256"))})
        return out


def obj(x):
    return x if isinstance(x, dict) else {}


def text(x):
    return x if isinstance(x, str) and x else None


def kernels(v):
    if not isinstance(v, list) or len(v) < 2:
        raise BadInput("judge.json: kernels is not a list of at least two kernels (the base "
                       "and the whole series)")
    out = []
    for i, k in enumerate(v):
        where = f"judge.json: kernels[{i}]"
        if not isinstance(k, dict):
            raise BadInput(f"{where} is not an object")
        name, n = k.get("name"), k.get("patches")
        if not isinstance(name, str) or not NAME.match(name):
            raise BadInput(f"{where}: name {name!r} is not a kernel name")
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise BadInput(f"{where}: patches {n!r} is not a whole number")
        for f in ("patch", "subject"):
            if k.get(f) is not None and not isinstance(k.get(f), str):
                raise BadInput(f"{where}: {f} is not a string")
        if any(o.name == name for o in out):
            raise BadInput(f"{where}: a second kernel named {name!r}")
        if out and n <= out[-1].patches:
            raise BadInput(f"{where}: {name} has {n} patches, not more than {out[-1].name} "
                           "before it (kernels are in series order)")
        out.append(Kernel(name, n, text(k.get("patch")), text(k.get("subject"))))
    if out[0].patches != 0:
        raise BadInput(f"judge.json: the first kernel, {out[0].name}, is not the base "
                       f"(it has {out[0].patches} patches)")
    return out


def roles(v, ks):
    if not isinstance(v, dict):
        raise BadInput("judge.json: roles is not an object (kernel name: stock or patched)")
    names = {k.name for k in ks}
    for name, role in v.items():
        if name not in names:
            raise BadInput(f"judge.json: roles names {name!r}, which is not one of the kernels")
        if role not in ROLES:
            raise BadInput(f"judge.json: the role of {name} is {role!r}, not stock or patched")
    return dict(v)


def inside(path):
    return isinstance(path, str) and path and not os.path.isabs(path) and \
        ".." not in path.split("/")


def parts(directory, v, skipped):
    """({part: path or None}, {part: the relative path}, {part: reason})."""
    if not isinstance(v, dict):
        raise BadInput("judge.json: parts is not an object (part: path or null)")
    if skipped is None:
        skipped = {}
    if not isinstance(skipped, dict) or \
            not all(isinstance(r, str) and r.strip() for r in skipped.values()):
        raise BadInput("judge.json: skipped is not an object of part: reason")
    for p in list(v) + list(skipped):
        if p not in PARTS:
            raise BadInput(f"judge.json: unknown part {p!r} (parts are {', '.join(PARTS)})")
    paths, rel, why = {}, {}, {}
    for p in PARTS:
        r = v.get(p)
        if r is not None and not inside(r):
            raise BadInput(f"judge.json: part {p} at {r!r} is not a path inside JUDGE_DIR")
        full = os.path.join(directory, r) if r is not None else None
        if full is not None and not os.path.lexists(full):
            if p not in skipped:
                raise BadInput(f"judge.json names part {p} at {r}, which does not exist, "
                               "and skipped gives no reason")
            full = None
        if full is None:
            if p not in skipped:
                raise BadInput(f"part {p} did not run and judge.json's skipped gives no "
                               "reason")
            why[p] = skipped[p].strip()
        else:
            want_dir = p != "build"
            if want_dir and not os.path.isdir(full):
                raise BadInput(f"judge.json: part {p} at {r} is not a directory")
            if not want_dir and not os.path.isfile(full):
                raise BadInput(f"judge.json: part {p} at {r} is not a regular file")
        paths[p], rel[p] = full, r
    return paths, rel, why


def read(directory):
    """JUDGE_DIR -> Judge, or BadInput."""
    if not os.path.isdir(directory):
        raise BadInput(f"{directory} is not a directory")
    path = os.path.join(directory, "judge.json")
    if not os.path.lexists(path):
        raise BadInput(f"{directory} has no judge.json")
    try:
        doc = files.loads(files.read_text(path))
    except (OSError, ValueError) as e:
        raise BadInput(f"{path} is not readable JSON ({e})") from None
    if not isinstance(doc, dict):
        raise BadInput(f"{path} is not a JSON object")
    if doc.get("schema") != SCHEMA:
        raise BadInput(f"{path}: schema {doc.get('schema')!r}, this report reads {SCHEMA}")
    for k in TEXT_FIELDS:
        if doc.get(k) is not None and not isinstance(doc[k], str):
            raise BadInput(f"{path}: {k} is not a string")
    ks = doc.get("kernel_source")
    if ks is not None and not isinstance(ks, dict):
        raise BadInput(f"{path}: kernel_source is not an object")
    return Judge(directory, doc)
