"""Findings by signature (daxreport.crash.signature), the known-findings
list, and what they change in the verdict and the report: on ctoracle's
own violation reports (results/crash-reference-6.12) and variants of
them, in run directories as crashtest/run leaves them."""
import copy
import os
import re

from daxreport.crash import campaigns, load, sections, signature, verdict
from daxreport.tests import crash_fixtures as fx
from daxreport.tests.test_crash import Tmp, read, run_crash

VDIR = os.path.join(fx.TOP, "results", "crash-reference-6.12", "ext4-map-sync", "stock",
                    "violations")
KNOWN = os.path.join(fx.TOP, "crashtest", "known-findings")
JSB = "038cefb5bc9b"        # the torn jbd2 journal superblock
SB = "e98032f0ceb7"         # the torn ext4 superblock
SYNC = "6756ca65794a"       # ext2's sync(2) losing a name made before it
SYNC_SIZE = "28ee2356f780"  # the same unfenced sync(2) losing a new size
SYNC_DATA = "ca98f429bcaa"  # ... and the block map reaching new data


def report(n):
    return read(VDIR, f"{n:03d}.txt")


def ext2_fsck(msg):
    return ("scenario:     ext2-write-fsync/stock\nkernel:       stock\nfile system:  ext2\n"
            "verdict:      FSCK\n"
            f"what failed:  {msg}\n"
            "torn sectors: 1, at file-system offset 0x3e7200 (3 of 64 new pieces lost)\n"
            "lost by:      3 in __memcpy_flushcache\n"
            "reproducer:   /x/ext2-write-fsync/stock/violations/001.repro\n")


MANUAL = ("e2fsck -fp (automatic repair) exited with 4: /dev/shm/ctoracle.AbC/scratch.img: "
          "Directory inode 2, block #0, offset 44: directory corrupted; "
          "/dev/shm/ctoracle.AbC/scratch.img: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY.; "
          "\t(i.e., without -a or -p options)")
UNREADABLE = ("e2fsck -fp (automatic repair) exited with 8: e2fsck 1.47.0 (5-Feb-2023); "
              "ext2fs_open2: Bad magic number in super-block; /dev/shm/ctoracle.x/scratch.img: "
              "The superblock could not be read")
FLUSH = ("scenario:     ext4-write-fsync/mutant-no-flush-fence\nkernel:       mutant\n"
         "file system:  ext4\nverdict:      FLUSH CONTRACT\n"
         "what failed:  the driver completes a flush (\"drain:pmem_fua\" at pmem_submit_bio+0x7a) "
         "while {n} written-back pieces still wait for a fence: a crash there loses data\n"
         "lost by:      {n} in __memcpy_flushcache\n")
XFS = ("scenario:     xfs-trunc-falloc/stock\nkernel:       stock\nfile system:  xfs\n"
       "verdict:      FSCK\nwhat failed:  mount (log recovery) failed: mount: /mnt/judge: "
       "mount(2) system call failed: Structure needs cleaning. dmesg(1) may have more "
       "information after failed mount system call. [ {t}] XFS (loop0): log mount failed\n")


def renamed(text, name, delta):
    """TEXT as another workload would give it: another file, other event
    numbers, another temporary directory."""
    text = text.replace("mapsync", name)
    text = re.sub(r"event (\d+)", lambda m: f"event {int(m.group(1)) + delta}", text)
    return text.replace("/dev/shm/ctoracle.", "/dev/shm/ctoracle.Z")


class Signatures(Tmp):
    def test_committed_reports(self):
        self.assertEqual(signature.classify(report(2))["signature"],
                         "durability ext4 at fs page 0xf000 by __memcpy_flushcache: "
                         "FILE does not exist, promised to")
        self.assertEqual(signature.classify(report(2))["id"], JSB)
        c = signature.classify(report(1))
        self.assertEqual((c["id"], c["kind"]), (SB, "durability+fsck"))
        self.assertIn("Superblock checksum does not match superblock", c["signature"])

    def test_what_a_workload_changes_is_not_in_it(self):
        for n in (1, 2):
            a = signature.classify(report(n))
            b = signature.classify(renamed(report(n), "d/B", 777))
            self.assertEqual(a["id"], b["id"])

    def test_where_and_writer_are_in_it(self):
        t = report(2)
        moved = t.replace("file-system offset 0xf000", "file-system offset 0x1f000")
        self.assertIn("file-system offset 0xf000", t)
        self.assertNotEqual(signature.classify(moved)["id"], JSB)
        other = re.sub(r"(lost by:\s+)\d+ in __memcpy_flushcache", r"\g<1>9 in other_writer", t)
        self.assertNotEqual(signature.classify(other)["id"], JSB)

    def test_whole_blocks_lost_are_where_their_first_page_is(self):
        # ext2's sync(2) losing its superblock block whole, or torn: one
        # finding. Reports from before "lost at:" keep "at -".
        t = ("file system:  ext2\nverdict:      DURABILITY\nwhat failed:  D does not exist, "
             "promised to\nlost by:      1024 in __memcpy_flushcache\n")
        whole = signature.classify(t + "lost at:      file-system page 0x0, 0x1000\n")
        torn = signature.classify(t + "lost at:      file-system page 0x0\ntorn sectors: 8, at "
                                  "file-system offset 0x200 (26 of 64 new pieces lost)\n")
        self.assertEqual(whole["signature"], "durability ext2 at fs page 0x0 by "
                         "__memcpy_flushcache: FILE does not exist, promised to")
        self.assertEqual(whole["id"], torn["id"])
        self.assertIn(" at - by ", signature.classify(t)["signature"])
        later = signature.classify(t + "lost at:      file-system page 0x3000, ...\n")
        self.assertIn(" at fs page 0x3000 by ", later["signature"])

    def test_data_promises_are_one_wherever_the_data_lies(self):
        t = ("file system:  ext4\nverdict:      DURABILITY\nwhat failed:  {f}: promised bytes "
             "[0, {n}) differ from byte 12\ntorn sectors: 1, at file-system offset {o} (1 of 8)\n"
             "lost by:      4 in copy_to_nontemporal\n")
        a = signature.classify(t.format(f="A", n=4096, o="0x3c20000"))
        b = signature.classify(t.format(f="B", n=8192, o="0x3c80000"))
        self.assertEqual(a["id"], b["id"])
        self.assertIn("at file data by copy_to_nontemporal", a["signature"])

    def test_ext2_manual_fsck_is_expected_an_unreadable_image_is_not(self):
        m = signature.classify(ext2_fsck(MANUAL))
        self.assertIs(m["fsck_expected"], True)
        self.assertEqual(m["signature"], "fsck ext2 at fs page 0x3e7000 by __memcpy_flushcache: "
                         "e2fsck -fp (automatic repair): Directory inode N, block #N, offset N: "
                         "directory corrupted")
        u = signature.classify(ext2_fsck(UNREADABLE))
        self.assertIs(u["fsck_expected"], False)
        self.assertIn("Bad magic number in super-block", u["signature"])
        self.assertIsNone(signature.classify(report(1))["fsck_expected"])
        ext4 = ext2_fsck(MANUAL).replace("file system:  ext2", "file system:  ext4")
        self.assertIsNone(signature.classify(ext4)["fsck_expected"])

    def test_flush_contract_whatever_was_lost(self):
        a, b = signature.classify(FLUSH.format(n=3)), signature.classify(FLUSH.format(n=30))
        self.assertEqual(a["id"], b["id"])
        self.assertEqual(a["signature"], "flush-contract ext4 at - by __memcpy_flushcache: "
                         "completes a flush (drain:pmem_fua at pmem_submit_bio) before the fence")

    def test_xfs_mount_failure_without_its_console_tail(self):
        a, b = signature.classify(XFS.format(t="12.5")), signature.classify(XFS.format(t="99.1"))
        self.assertEqual(a["id"], b["id"])
        self.assertTrue(a["signature"].endswith(
            "mount (log recovery) failed: Structure needs cleaning"), a["signature"])

    def test_xfs_mount_failure_without_its_console_tail(self):
        """The one-process guest judge's mount(2) error is followed by the
        console's last lines, registers of a stack dump: not the cause."""
        text = ("scenario:     xfs-seq1-0148/patched\nkernel:       patched\nfile system:  xfs\n"
                "verdict:      FSCK\nwhat failed:  mount (log recovery) failed: Structure needs "
                "cleaning: <4>[   14.1] R10: 0000000000000000 R12: {r12} <4>[   14.2]  </TASK> "
                "<4>[   14.3] XFS (loop0): log mount/recovery failed: error -117\n"
                "torn sectors: 8, at file-system offset 0x1f0a000 (33 of 64 new pieces lost)\n"
                "lost by:      253 in __memcpy_flushcache\n")
        a = signature.classify(text.format(r12="00007ffd3041c830"))
        b = signature.classify(text.format(r12="00007ffd0aee2c80"))
        self.assertEqual(a["id"], b["id"])
        self.assertEqual(a["signature"], "fsck xfs at fs page 0x1f0a000 by __memcpy_flushcache: "
                         "mount (log recovery) failed: Structure needs cleaning")

    def test_not_a_report(self):
        for text in ("", "verdict: DURABILITY\n", "verdict:      MAYBE\nwhat failed:  x\n"):
            with self.assertRaises(ValueError):
                signature.classify(text)


def known_list(d, *ids_why):
    lines = ["# test list"]
    for sig, why in ids_why:
        lines.append(f"{signature.sig_id(sig)}\t{sig}\t{why}")
    p = os.path.join(d, "known")
    fx.write(p, "\n".join(lines) + "\n")
    return p


class KnownList(Tmp):
    def test_committed_list_names_the_committed_findings(self):
        ids = [k["id"] for k in load.known_findings(KNOWN)]
        self.assertEqual(sorted(ids), sorted([JSB, SB, SYNC, SYNC_SIZE, SYNC_DATA]))

    def test_sync_forms_are_those_the_ext2_campaign_found(self):
        """The three forms of ext2's unfenced sync(2) are the durability
        findings of seq-1 on ext2 with the fixed patch 2, and all known."""
        c = campaigns.read(os.path.join(fx.TOP, "results", "crash-seq1-ext2", "fixed-patch2"))
        found = {s["id"] for r in c["runs"] for s in r.get("signatures", [])
                 if s["kind"] != "fsck"}
        self.assertEqual(found, {SYNC, SYNC_SIZE, SYNC_DATA})

    def test_bad_lists(self):
        sig = signature.classify(report(2))["signature"]
        for text, says in [(f"{JSB}\t{sig}\n", "not ID<TAB>SIGNATURE<TAB>WHY"),
                           (f"0123456789ab\t{sig}\twhy\n", "is not its signature's (038cefb5bc9b)"),
                           (f"{JSB}\t{sig}\t \n", "not ID<TAB>SIGNATURE<TAB>WHY")]:
            p = os.path.join(self.d, "k")
            fx.write(p, "# c\n\n" + text)
            with self.assertRaises(load.BadInput) as e:
                load.known_findings(p)
            self.assertIn("line 3", str(e.exception))
            self.assertIn(says, str(e.exception))
            rc, err = run_crash("--known", p)
            self.assertEqual(rc, 2)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertEqual(run_crash("--known", KNOWN)[0], 0)
        self.assertEqual(run_crash("--known", os.path.join(self.d, "none"))[0], 2)


def one_run(scenario, kernel, status="violations", dur=1):
    return {"scenario": scenario, "kernel": kernel, "role": "kernel", "status": status,
            "dir": f"{scenario}/{kernel}", "vm_seconds": 10.0, "judge_seconds": 1.0,
            "trace_bytes": 4096, "images_per_second": 0,
            "result": {"distinct_images": 10, "durability_violations": dur,
                       "fsck_violations": 0, "flush_contract_violations": 0},
            "tracer": {}}


def campaign(root, n, texts, known=None, extra_runs=()):
    """A run directory of N generated workloads, each with the violation
    reports TEXTS, and EXTRA_RUNS; KNOWN: the list's path or ""."""
    crash = copy.deepcopy(fx.reference())
    crash["runs"] = [one_run(f"ext4-seq1-{i:04d}", "stock") for i in range(n)]
    crash["runs"] += list(extra_runs)
    crash["mutants"], crash["partial_reasons"], crash["partial_kinds"] = [], [], []
    crash["unit"] = {"passed": 1, "failed": 0, "skipped": 0}
    fx.run_dir(root, crash)
    for i in range(n):
        for j, t in enumerate(texts, 1):
            fx.write(os.path.join(root, f"ext4-seq1-{i:04d}", "stock", "violations",
                                  f"{j:03d}.txt"), renamed(t, f"f{i}", i))
    if known is not None:
        with open(os.path.join(root, "meta.tsv"), "a") as fh:
            # as crashtest/run names its own tree's list
            shown = "crashtest/known-findings" if known else ""
            fh.write(f"known_findings\t{known}\nknown_findings_shown\t{shown}\n"
                     "jobs\t2\nhosts\t\n")
    return root


class Verdict(Tmp):
    def test_forty_witnesses_one_known_finding(self):
        run = campaign(os.path.join(self.d, "r"), 40, [report(2)], KNOWN)
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 0, err)
        md = read(run, "report.md")
        self.assertEqual(len(re.findall(r"^### \d+\. ", md, re.M)), 1)
        self.assertIn(f"### 1. `{JSB}` known (jbd2 rewrites", md)
        self.assertIn("40 violation(s) in 40 run(s): ext4-seq1-0000/stock (1)", md)
        self.assertIn(", and 28 more.", md)
        self.assertIn("1 distinct finding(s) by signature, 0 new; the known ones are listed "
                      "in `crashtest/known-findings`.", md)
        self.assertIn("Reproducer: `ext4-seq1-0000/stock/violations/001.repro`", md)
        self.assertIn("Sharded with GNU parallel: 2 job slot(s) on this host.", md)

    def test_a_new_signature_fails_and_is_named(self):
        moved = report(2).replace("file-system offset 0xf000", "file-system offset 0x2000")
        run = campaign(os.path.join(self.d, "r"), 3, [report(2), moved], KNOWN)
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 1, err)
        new = signature.classify(moved)["id"]
        self.assertIn(f"new durability or flush-contract findings on stock/patched: {new} (", err)
        self.assertNotIn(JSB + " (", err)
        md = read(run, "report.md")
        self.assertIn(f"`{new}` **NEW**", md)
        self.assertIn("2 distinct finding(s) by signature, 1 new", md)

    def test_an_empty_list_makes_every_finding_new(self):
        empty = os.path.join(self.d, "empty")
        fx.write(empty, "# nothing known\n")
        run = campaign(os.path.join(self.d, "r"), 2, [report(1), report(2)], empty)
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 1)
        self.assertIn(SB, err)
        self.assertIn(JSB, err)

    def test_no_list_asked_for(self):
        run = campaign(os.path.join(self.d, "r"), 2, [report(2)], "")
        self.assertEqual(run_crash("--assemble", run)[0], 1)
        self.assertIn("(no list)", read(run, "report.md"))

    def test_findings_without_reports_are_new(self):
        run = campaign(os.path.join(self.d, "r"), 2, [], KNOWN)
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 1)
        self.assertIn("ext4-seq1-0000/stock", err)

    def test_unreadable_report_fails_the_run(self):
        run = campaign(os.path.join(self.d, "r"), 1, ["garbage\n"], KNOWN)
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 1)
        c = load.read(os.path.join(run, "crash.json"))
        self.assertEqual(c["runs"][0]["status"], "error")
        self.assertIn("violations/001.txt: not a violation report", c["partial_reasons"][0])

    def test_fsck_rejections_listed_with_expectation(self):
        r = one_run("ext2-write-fsync", "stock", dur=0)
        r["result"]["fsck_violations"] = 2
        run = campaign(os.path.join(self.d, "r"), 0, [], KNOWN, [r])
        fx.write(os.path.join(run, "ext2-write-fsync", "stock", "violations", "001.txt"),
                 ext2_fsck(MANUAL))
        fx.write(os.path.join(run, "ext2-write-fsync", "stock", "violations", "002.txt"),
                 ext2_fsck(UNREADABLE))
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 0, err)
        md = read(run, "report.md")
        self.assertIn("## Crash images the file-system checker rejects", md)
        self.assertIn("Expected of a journal-less file system", md)
        self.assertIn("Not the \"manual fsck needed\" of a journal-less file system", md)
        # listed, not failed: neither new nor known
        self.assertNotIn("NEW", md)
        self.assertNotIn("` known", md)

    def test_not_applicable_row_and_provenance(self):
        na = one_run("ext2-map-sync", "stock", status="inapplicable", dur=0)
        na["result"] = {}
        run = campaign(os.path.join(self.d, "r"), 0, [], KNOWN, [na])
        fx.write(os.path.join(run, "ext2-map-sync", "stock", "why"),
                 "the scenario runs on patched only\n")
        fx.write(os.path.join(run, "provenance.json"),
                 '{"kernel_source": {"base": {"name": "6.1", "kind": "pkg", "source_version": '
                 '"6.1.192-3"}, "series": {"kind": "ref", "sha256": "65d6c8fb4c37aa", '
                 '"patches": [1, 2]}}, "kernel_configs": {"stock": "0a0576f86a70ff"}, '
                 '"qemu": "QEMU 10", "accel": "tcg", "daxlab": "a1df448694ca55"}')
        rc, err = run_crash("--assemble", run)
        self.assertEqual(rc, 0, err)
        md = read(run, "report.md")
        self.assertIn("| ext2-map-sync | stock | not applicable |", md)
        self.assertIn("- ext2-map-sync/stock: the scenario runs on patched only", md)
        self.assertIn("Base 6.1 pkg 6.1.192-3; series ref 65d6c8fb4c37 (2 patches); kernel "
                      "configs (sha256) stock 0a0576f86a70; QEMU 10, accelerator tcg; "
                      "daxlab a1df448694ca.", md)
        c = load.read(os.path.join(run, "crash.json"))
        self.assertEqual(verdict.coverage(c)[0], 1)
        self.assertEqual(sections.provenance(c)[0][:8], "Base 6.1")
