"""verdict.md: the verdict first, then what it rests on, short.

The first line is the verdict. Then the base and the series, one table
with a row per patch, and a section per question (function, speed,
durability) that names what was found; parts that did not run, where
everything came from, and links to the detailed reports. Long lists stop
after a few entries: verdict.json has everything.
"""
from .. import stats
from ..text import fci, fratio, table
from . import durability, gate, speed
from .part import patch_label, plural
from .verdict import headline

LIST = 8        # entries of a list before "... N more"


def capped(lines, n=LIST):
    if len(lines) <= n:
        return lines
    return lines[:n] + [f"- ... {len(lines) - n} more in verdict.json"]


def short(x, n=12):
    return x[:n] if isinstance(x, str) else "?"


def cut(x, n=70):
    x = " ".join(str(x).split())
    return x if len(x) <= n else x[:n - 1] + "…"


def source(jd):
    ks = jd.kernel_source
    b = ks.get("base") if isinstance(ks.get("base"), dict) else {}
    s = ks.get("series") if isinstance(ks.get("series"), dict) else {}
    bb = [x for x in (b.get("kind"), b.get("source_version") or b.get("version")) if x]
    if b.get("commit"):
        bb.append(f"commit {short(b['commit'])}")
    base = f"Base **{b.get('name') or b.get('version') or jd.base.name}**" + \
        (f" ({', '.join(str(x) for x in bb)})" if bb else "")
    sb = [x for x in (s.get("kind"),) if x] + [plural(jd.n_patches, "patch", "patches")]
    if s.get("sha256"):
        sb.append(f"sha256 {short(s['sha256'])}")
    series = f"series **{s.get('named') or s.get('dir') or jd.series.name}** ({', '.join(sb)})"
    kern = ", ".join(f"{k.name} ({k.patches})" for k in jd.kernels)
    return [f"{base}; {series}. Kernels (patches applied): {kern}.\n"]


def check_text(c):
    if c is None:
        return "—"
    st, d = c["status"], c["detail"]
    if st == "ok":
        return "yes" if not d else f"yes ({cut(d, 40)})"
    if st == "fail":
        return f"**no**: {cut(d, 60)}" if d else "**no**"
    return st if not d else f"{st} ({cut(d, 40)})"


def checkpatch_text(c):
    if c is None:
        return "—"
    if c["status"] == "ok":
        return c["detail"] or "ok"
    if c["status"] == "fail":
        return f"**fail**: {cut(c['detail'], 60)}" if c["detail"] else "**fail**"
    return c["status"]


def patch_table(jd, parts):
    b = parts["build"]
    rows = []
    for p in jd.patches():
        n = p["number"]
        c = (b.data.get("patches") or {}).get(str(n)) or {} if b.ran else {}
        name = f"{n} {p['subject'] or p['file'] or ''}".strip()
        nr = "not run" if not b.ran else None
        rows.append([cut(name, 60), nr or check_text(c.get("apply")),
                     nr or check_text(c.get("build")),
                     nr or checkpatch_text(c.get("checkpatch")),
                     speed.patch_text(parts["bench"], n), gate.reach_text(parts["fstests"], n)])
    out = [table(["patch", "applies", "builds w/o warnings", "checkpatch", "speed",
                  "fstests reach"], rows)]
    out += problems(b)
    return out


def problems(part):
    if not part.problems:
        return []
    return [f"**{part.name} incomplete:**\n"] + [f"- {x}" for x in capped(part.problems)] + [""]


def function(jd, parts):
    out = ["## Function\n"]
    vm = parts["vm"]
    if vm.ran:
        ks = vm.data.get("kernels") or []
        line = "; ".join(f"{k['kernel']} (role {k['role']}) " +
                         (f"{k['pass']} passed, {k['fail']} failed, {k['skip']} skipped"
                          if "pass" in k else "no result")
                         + ("" if k["complete"] else ", cut short") for k in ks)
        how = ("same role: a failure on both kernels is shared, not blamed on the series"
               if vm.data.get("same_role") else
               "roles differ: every failure on either kernel counts")
        out.append(f"VM suite: {line or 'no kernel'} ({how}).\n")
        tests = vm.data.get("tests") or []
        lines = [f"- {t['class']} on {t['kernel']}: {t['script']}"
                 + (f" #{t['number']}" if t["number"] is not None else "")
                 + f": {cut(t['description'], 90)}" for t in tests]
        if lines:
            out += capped(lines) + [""]
        out += problems(vm)
    else:
        out.append(f"VM suite: not run ({vm.reason}).\n")
    fs = parts["fstests"]
    if fs.ran and "headline" in fs.data:
        out.append(f"fstests: {fs.data['headline']}\n")
        for what, key in (("Regressions", "regressions"), ("Shared failures", "shared_failures"),
                          ("Fixed", "fixes")):
            xs = fs.data.get(key) or []
            if xs:
                more = f" +{len(xs) - LIST}" if len(xs) > LIST else ""
                out.append(f"- {what}: {', '.join(xs[:LIST])}{more}")
        if any(fs.data.get(k) for k in ("regressions", "shared_failures", "fixes")):
            out.append("")
    elif not fs.ran:
        out.append(f"fstests: not run ({fs.reason}).\n")
    out += problems(fs)
    return out


def step_lines(st, title):
    a, b = st["from"], st["to"]
    out = [f"**{title}** ({a} → {b}):"]
    reg = speed.of(st, speed.REGRESSION)
    minor = speed.of(st, speed.MINOR)
    imp = speed.of(st, speed.IMPROVEMENT)
    for r in reg:
        out.append("- **regression**: " + speed.cell_text(r, a, b))
    for word, rs in (("minor", minor), ("improvement", imp)):
        out += capped([f"- {word}: {r['group']} {r['cell']}: {r['verdict']} (ratio "
                       f"{fratio(r['ratio'])}, 95 % interval {fci(r['interval'])})"
                       for r in rs])
    out += capped([f"- outcome differs: {o['group']} {o['cell']}: {a} {o['from']}, {b} {o['to']}"
                   for o in st["outcome"]])
    out += capped([f"- not compared: {o['group']} {o['cell']} ({o['why']})"
                   for o in st["not_compared"]])
    if len(out) == 1:
        out[0] += " no change beyond spread"
    return out + [""]


def speed_section(parts):
    out = ["## Speed\n"]
    bn = parts["bench"]
    if not bn.ran:
        return out + [f"Not run ({bn.reason}).\n"]
    d = bn.data
    if "steps" in d:
        clock = d["clock"] + (f" ({d['clock_desc']})" if d.get("clock_desc") else "")
        worse = "worse (more instructions)" if d["clock"] == "icount" else "slower"
        out.append(f"Clock: {clock}. Rule: with at least {stats.MIN_REPS} repetitions a side, "
                   "a difference is a result only when the two cells' [min, max] ranges do not "
                   "overlap; its size is the ratio of medians with a bootstrap 95 % interval; "
                   f"a result {worse} by at least {d['min_change_pct']:g} % is a speed "
                   "regression of the patches the later kernel adds, a smaller one minor.\n")
        for st in d["steps"]:
            out += step_lines(st, patch_label(st["patches"]))
        ov = d.get("overall")
        if ov is not None and ov not in d["steps"]:
            out += step_lines(ov, "Overall")
        elif ov is not None:
            out.append("The bench ran only the base and the whole series: the step above is "
                       "the overall comparison.\n")
    out += problems(bn)
    return out


def durability_section(jd, parts):
    out = ["## Durability\n"]
    cr = parts["crash"]
    if not cr.ran:
        return out + [f"Not run ({cr.reason}).\n"]
    d = cr.data
    if "scenarios" in d:
        b, s = jd.base.name, jd.series.name
        rows = [[r["scenario"], durability.text(r["base"]), durability.text(r["series"]),
                 r["class"] + (f" ({r['why']})" if r["why"] else "")]
                for r in d["scenarios"]]
        out.append(table(["scenario", b, s, "verdict"], rows) if rows else
                   "No kernel runs in crash.json.\n")
        t = d["totals"]
        out.append("Totals (durability / flush-contract / fsck violations): " + "; ".join(
            f"{k} {t[k]['durability_violations']} / {t[k]['flush_contract_violations']} / "
            f"{t[k]['fsck_violations']}" for k in (b, s)) + ". Durability or "
            "flush-contract violations of a kind the base does not show, or an error on the "
            "series kernel only, are a regression (the states are sampled, so counts are not "
            "compared); fsck rejections are listed, not failed.\n")
    out += problems(cr)
    return out


def not_run(parts):
    nr = [p for p in parts.values() if not p.ran]
    if not nr:
        return []
    return ["## Parts not run\n"] + [f"- {p.name}: {p.reason}" for p in nr] + [""]


def provenance_section(jd, prov):
    rows = [[k, prov.get(k) or "?"] for k in ("daxlab", "host", "qemu", "accel", "started",
                                              "finished")]
    for k, src in prov["config_sha256"].items():
        rows.append([f"config sha256 {k}",
                     ", ".join(f"{short(v)} ({w})" for w, v in src.items())])
    if prov["series_sha256"]:
        rows.append(["series sha256", ", ".join(f"{short(v)} ({w})"
                                                for w, v in prov["series_sha256"].items())])
    out = ["## Provenance\n", table(["", ""], rows)]
    if prov["notes"]:
        out += [f"- **differs:** {n}" for n in prov["notes"]] + [""]
    return out


def links_section(links):
    if not links:
        return []
    return ["## Links\n"] + [f"- {w}: [{p}]({p})" for w, p in links.items()] + [""]


def render(jd, parts, prov, links):
    md = [headline(parts) + "\n"]
    md += source(jd)
    md += patch_table(jd, parts)
    md += function(jd, parts)
    md += speed_section(parts)
    md += durability_section(jd, parts)
    md += not_run(parts)
    md += provenance_section(jd, prov)
    md += links_section(links)
    return "\n".join(md).rstrip("\n") + "\n"
