"""One summary of several campaigns (daxreport.crash.campaigns), on the
campaigns results/ keeps (crash.json.xz) and copies of them."""
import copy
import lzma
import os
import shutil

from daxreport.crash import campaigns, load
from daxreport.tests import crash_fixtures as fx
from daxreport.tests.test_crash import Tmp, run_crash

RESULTS = os.path.join(fx.TOP, "results")
EXT4 = os.path.join(RESULTS, "crash-seq1-ext4")
EXT4_STOCK = os.path.join(RESULTS, "crash-seq1-ext4-stock")
EXT2 = os.path.join(RESULTS, "crash-seq1-ext2")
EXT2_STOCK = os.path.join(RESULTS, "crash-seq1-ext2-stock")
KNOWN = os.path.join(fx.TOP, "crashtest", "known-findings")
SB = "e98032f0ceb7"         # the torn ext4 superblock, known
SB_FSCK = "11ba7b4068fe"    # the same tear as fsck's rejection alone
SYNC = "6756ca65794a"       # ext2's sync(2) losing a name made before it


def summary(*argv):
    return run_crash("--campaigns", *argv)


class Campaigns(Tmp):
    def out(self, *argv):
        path = os.path.join(self.d, "summary.md")
        rc, err = summary("--out", path, *argv)
        self.assertEqual(rc, 0, err)
        with open(path) as fh:
            return fh.read()

    def test_figures_are_the_campaigns_own(self):
        """The row of seq-1 on ext2 says what results/crash-seq1-ext2
        says of it."""
        r = campaigns.row("x", campaigns.read(EXT2))
        self.assertEqual((r["workloads"], r["crash_points"], r["states"], r["distinct"]),
                         (402, 3962, 53107, 24300))
        self.assertEqual((r["durability"], r["fsck"], r["flush"]), (47, 1266, 0))
        self.assertEqual(r["status"], {"clean": 192, "violations": 210})
        self.assertEqual((r["seconds"], r["exit"]), (6396, 1))
        self.assertEqual((r["fsck_signatures"], r["fsck_unexpected"]), (39, 0))

    def test_one_finding_over_two_campaigns(self):
        md = self.out(EXT4, EXT4_STOCK)
        self.assertEqual(md.count(f"`{SB}`"), 1, md)
        self.assertIn("- crash-seq1-ext4: 2 run(s), 74 violation(s); first witness "
                      "ext4-seq1-0004/patched", md)
        self.assertIn("- crash-seq1-ext4-stock: 2 run(s), 78 violation(s)", md)
        self.assertIn("152 violation(s):", md)
        self.assertIn("1 distinct finding(s), 0 not known", md)
        self.assertIn("| all | | | | 972 |", md)

    def test_a_list_that_grew_makes_a_finding_known(self):
        md = self.out(EXT2)
        self.assertIn(f"`{SYNC}` **not known**", md)
        lst = os.path.join(self.d, "known")
        with open(KNOWN) as fh:
            text = fh.read()
        sig = ("durability ext2 at fs page 0x0 by __memcpy_flushcache: FILE does not exist, "
               "promised to")
        with open(lst, "w") as fh:
            fh.write(text + f"{SYNC}\t{sig}\text2's sync(2) sends no flush\n")
        md = self.out("--known", lst, EXT2)
        self.assertIn(f"`{SYNC}` known (ext2's sync(2) sends no flush)", md)
        self.assertIn(f"`{lst}` or the campaign's own list", md)

    def test_one_unexpected_checker_message_makes_the_signature_unexpected(self):
        a = campaigns.read(EXT2_STOCK)
        b = copy.deepcopy(a)
        sigs = [s for r in b["runs"] for s in r.get("signatures") or [] if s["kind"] == "fsck"]
        self.assertTrue(sigs and all(s["fsck_expected"] is True for s in sigs))
        flip = sigs[0]["id"]
        for s in sigs:
            if s["id"] == flip:
                s["fsck_expected"] = False
        for named in ([("a", a), ("b", b)], [("b", b), ("a", a)]):
            md = campaigns.render(named)
            line = next(x for x in md.splitlines() if x.startswith(f"| `{flip}`"))
            self.assertIn("**not expected**", line)
            self.assertIn("a (", line)
            self.assertIn("b (", line)
            self.assertEqual(sum("**not expected**" in x for x in md.splitlines()), 1)

    def test_plain_and_xz_read_alike(self):
        plain = os.path.join(self.d, "crash-seq1-ext2")
        os.makedirs(plain)
        with lzma.open(os.path.join(EXT2, "crash.json.xz"), "rb") as src, \
                open(os.path.join(plain, "crash.json"), "wb") as dst:
            shutil.copyfileobj(src, dst)
        a = self.out(EXT2)
        b = self.out(plain)
        self.assertEqual(a, b)

    def test_bad_input_one_line_status_2(self):
        empty = os.path.join(self.d, "empty")
        os.makedirs(empty)
        bad = os.path.join(self.d, "bad")
        os.makedirs(bad)
        with open(os.path.join(bad, "crash.json.xz"), "wb") as fh:
            fh.write(b"not xz")
        notjson = os.path.join(self.d, "notjson")
        os.makedirs(notjson)
        with lzma.open(os.path.join(notjson, "crash.json.xz"), "wt") as fh:
            fh.write("{")
        fifo = os.path.join(self.d, "fifo")
        os.makedirs(fifo)
        os.mkfifo(os.path.join(fifo, "crash.json.xz"))
        cases = [((empty,), "no crash.json or crash.json.xz"),
                 ((bad,), "cannot be read"),
                 ((notjson,), "is not readable JSON"),
                 ((fifo,), "not a regular file"),
                 ((EXT2, EXT2), "two campaigns named crash-seq1-ext2"),
                 ((), "at least one RUN"),
                 (("--known",), "--known needs a value"),
                 (("--bogus", EXT2), "unknown option --bogus"),
                 (("--known", os.path.join(self.d, "none"), EXT2), "cannot be read"),
                 (("--out", os.path.join(self.d, "no", "such", "dir"), EXT2), "cannot be written")]
        for argv, says in cases:
            rc, err = summary(*argv)
            self.assertEqual(rc, 2, (argv, err))
            self.assertEqual(len(err.strip().splitlines()), 1, (argv, err))
            self.assertIn(says, err, argv)

    def test_committed_summary_is_what_the_tool_makes(self):
        """results/crash-seq1.md, made by the command results/README.md
        gives: the committed campaigns in name order, the committed list."""
        runs = sorted(os.path.join(RESULTS, d) for d in os.listdir(RESULTS)
                      if d.startswith("crash-seq1-"))
        named = [(os.path.basename(r), campaigns.read(r)) for r in runs]
        known = {k["id"]: k["why"] for k in load.known_findings(KNOWN)}
        with open(os.path.join(RESULTS, "crash-seq1.md")) as fh:
            self.assertEqual(campaigns.render(named, "crashtest/known-findings", known), fh.read())

    def test_read_refuses_what_is_not_a_campaign(self):
        with self.assertRaises(load.BadInput):
            campaigns.read(self.d)

    def verdicts(self, path):
        """A campaign's plan, run count and runs with violations, after
        checking that every signature is the torn superblock, as a lost
        promise or as fsck's rejection alone (which of the two a run's
        sample holds varies)."""
        c = campaigns.read(path)
        with open(os.path.join(path, "plan.tsv")) as fh:
            plan = fh.read()
        ids = {s["id"] for r in c["runs"] for s in r.get("signatures", [])}
        self.assertLessEqual(ids, {SB, SB_FSCK}, path)
        bad = sorted(r["scenario"] for r in c["runs"] if r["status"] != "clean")
        return (plan, len(c["runs"]), bad), ids

    def test_sharding_sample_agrees_however_it_was_spread(self):
        """results/crash-seq2-ext4-sharding: one core, --jobs 1, --jobs 2
        and two ssh logins ran the same plan and found the same thing."""
        base = os.path.join(RESULTS, "crash-seq2-ext4-sharding")
        got = {}
        for way in ("1c", "j1", "j2", "ssh"):
            got[way], ids = self.verdicts(os.path.join(base, way))
            self.assertIn(SB, ids, way)
        self.assertEqual(got["1c"][1:], (50, ["ext4-seq2-0002", "ext4-seq2-0023"]))
        for way in ("j1", "j2", "ssh"):
            self.assertEqual(got[way], got["1c"], way)

    def test_seq2_campaigns_agree_run_for_run(self):
        """The 2,000 seq-2 workloads on ext4 four times (two cores in three
        attempts, two ssh logins, one core, two cores): the same plan, the
        same three runs with violations, all of them the torn superblock."""
        ways = ("crash-seq2-ext4", "crash-seq2-ext4-ssh",
                os.path.join("crash-seq2-ext4-cores", "1c"),
                os.path.join("crash-seq2-ext4-cores", "j2"))
        got = {way: self.verdicts(os.path.join(RESULTS, way))[0] for way in ways}
        self.assertEqual(got[ways[0]][1:],
                         (2000, ["ext4-seq2-0002", "ext4-seq2-0023", "ext4-seq2-0056"]))
        for way in ways[1:]:
            self.assertEqual(got[way], got[ways[0]], way)
