"""keys.py against bench/cells and bench/matrix: every key, cell name and
group name the report looks for exists, so that a renamed key fails here
instead of emptying a section of the summary."""
import glob
import os
import unittest

from daxreport import cells, keys

BENCH = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def shipped_cells():
    """[(set, name, key, tool)] of every bench/cells/*.cells line."""
    out = []
    for f in sorted(glob.glob(os.path.join(BENCH, "cells", "*.cells"))):
        with open(f) as fh:
            for line in fh:
                p = line.split()
                if p and not p[0].startswith("#"):
                    out.append((os.path.basename(f)[:-6], p[0], p[1], p[2]))
    return out


def matrix_groups(name):
    """{group id: (fs, access, device)} of bench/matrix/NAME, named as
    bench/lib/matrix.sh names them."""
    out = {}
    with open(os.path.join(BENCH, "matrix", name)) as fh:
        for line in fh:
            p = line.split()
            if p[:1] == ["group"]:
                fs, acc, dev = p[1:4]
                out[dev if fs == "-" else keys.group(fs, acc, dev)] = (fs, acc, dev)
    return out


class TestKeys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cells = shipped_cells()
        cls.keys = {k for _, _, k, _ in cls.cells}
        cls.names = {n: k for _, n, k, _ in cls.cells}

    def test_cells_parsed(self):
        self.assertGreater(len(self.cells), 30)

    def test_every_key_the_report_names_exists(self):
        wanted = list(keys.MEMBW) + [keys.fault(t, m) for t in keys.FAULT_TOUCHES
                                     for m in keys.FAULT_MAPPINGS]
        wanted += list(keys.ACCESS) + list(keys.READS) + list(keys.ODIRECT.values())
        wanted.append(keys.DEVDAX_READ)
        self.assertEqual([k for k in wanted if k not in self.keys], [])

    def test_odirect_and_reads_are_access_keys(self):
        self.assertLessEqual(set(keys.ODIRECT), set(keys.ACCESS))
        self.assertLessEqual(set(keys.READS), set(keys.ACCESS))
        self.assertTrue(all(k.startswith(keys.READ_PREFIX) for k in keys.READS))

    def test_devdax_read_is_a_fio_cell(self):
        self.assertIn((keys.DEVDAX_READ, "fio"), {(k, t) for _, _, k, t in self.cells})

    def test_prefixes_match_keys(self):
        for p in (keys.FAULT_PREFIX, keys.READ_PREFIX, keys.MSYNC_PREFIX) + keys.NT_PREFIXES:
            with self.subTest(prefix=p):
                self.assertTrue(any(k.startswith(p) for k in self.keys))

    def test_msync_cells_by_name_and_key(self):
        named = {n: k for n, k in self.names.items() if keys.MSYNC_CELL.match(n)}
        self.assertTrue(any(keys.MSYNC_CELL.match(n).group(1) for n in named))
        self.assertTrue(any(not keys.MSYNC_CELL.match(n).group(1) for n in named))
        # every msync cell is found by its name, and judged by its key
        self.assertEqual({k for k in self.keys if k.startswith(keys.MSYNC_PREFIX)},
                         set(named.values()))
        for n, k in named.items():
            m = keys.MSYNC_CELL.match(n)
            self.assertTrue(k.endswith("/" + m.group(2)), (n, k))

    def test_membw_kinds_exist(self):
        for k in self.keys - set(keys.MEMBW):
            self.assertIn(cells.membw_kind(k), keys.MEMBW)
        self.assertEqual(cells.membw_kind("write/seq/1m"), keys.MEMBW_NT)
        self.assertEqual(cells.membw_kind("flush/nt/4k"), keys.MEMBW_NT)

    def test_groups_of_the_quick_matrix(self):
        g = matrix_groups("quick")
        self.assertIn(keys.RAM_GROUP, g)
        self.assertIn(keys.DEVDAX_GROUP, g)
        for fs in ("ext4",):
            for acc in ("dax", "pagecache", "odirect"):
                self.assertIn(keys.group(fs, acc, "pmem"), g)
            for d in keys.DM_DEVICES:
                self.assertIn(keys.group(fs, "dax", d), g)
                self.assertTrue(keys.is_dm_group(keys.group(fs, "dax", d)))
        self.assertFalse(any(keys.is_dm_group(x) for x, (_, _, dev) in g.items()
                             if not dev.startswith("dm-")))


if __name__ == "__main__":
    unittest.main()
