"""What ran where: judge.json's own fields, each kernel's config hash as
the bench (env.json) and the fstests gate (its provenance) recorded it,
the series hash every part recorded; and the links to the detailed
reports, relative to where the verdict is written.

A part that recorded another series hash, or another config for the same
kernel, measured something else than the rest: said in a note.
"""
import os

from .. import files


def get(d, *keys):
    for k in keys:
        d = d.get(k) if isinstance(d, dict) else None
    return d if isinstance(d, str) and d else None


def crash_provenance(parts):
    c = parts["crash"]
    if not c.ran:
        return {}
    f = os.path.join(c.path, "provenance.json")
    try:
        v = files.loads(files.read_text(f)) if os.path.isfile(f) else {}
    except (OSError, ValueError):
        return {}
    return v if isinstance(v, dict) else {}


def collect(jd, parts):
    env = getattr(parts["bench"], "env", None) or {}
    fprov = parts["fstests"].data.get("provenance") or {}
    cprov = crash_provenance(parts)
    config, notes = {}, []
    for k in jd.kernels:
        src = {}
        for where, d in (("bench", env.get("guest_kernels")), ("fstests", fprov.get("kernels"))):
            v = get(d, k.name, "config_sha256")
            if v:
                src[where] = v
        if src:
            config[k.name] = src
        if len(set(src.values())) > 1:
            notes.append(f"the {k.name} kernel's config differs between "
                         + " and ".join(f"{w} ({v[:12]})" for w, v in src.items()))
    series = {"judge.json": get(jd.kernel_source, "series", "sha256"),
              "bench": get(env, "series_sha256"),
              "fstests": get(fprov, "kernels", jd.series.name, "series_sha256"),
              "crash": get(cprov, "kernel_source", "series", "sha256")}
    series = {w: v for w, v in series.items() if v}
    ref = series.get("judge.json")
    for w, v in series.items():
        if ref and v != ref:
            notes.append(f"{w} recorded series sha256 {v[:12]}, judge.json's series is {ref[:12]}")
    return {"daxlab": jd.daxlab, "host": jd.host, "qemu": jd.qemu, "accel": jd.accel,
            "started": jd.started, "finished": jd.finished, "config_sha256": config,
            "series_sha256": series, "notes": notes}


def links(jd, parts, out):
    """{what: path relative to OUT} for the detailed reports that exist."""
    want = []
    if parts["vm"].ran:
        want += [(f"VM suite, {k.name}", os.path.join(parts["vm"].path, f"{k.name}.tap"))
                 for k in jd.kernels if k.name in jd.roles]
    for name, f, what in (("build", None, "build and checkpatch log"),
                          ("fstests", "summary.md", "fstests gate"),
                          ("bench", "summary.md", "bench"),
                          ("crash", "report.md", "crash tests")):
        p = parts[name]
        if p.ran:
            want.append((what, os.path.join(p.path, f) if f else p.path))
    return {what: os.path.relpath(path, out) for what, path in want if os.path.isfile(path)}
