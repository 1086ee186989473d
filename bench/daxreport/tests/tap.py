"""Run daxreport's unit tests and print TAP, one line per test, ending with
"report-unit: N passed, N failed, N skipped" like the project's other test
drivers (tests/lib/tap.sh). tests/bench/report-unit.sh runs this.

    cd bench && python3 -m daxreport.tests.tap [PATTERN]
"""
import os
import sys
import traceback
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(os.path.dirname(HERE))


class Tap(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = self.passed = self.failed = self.skipped = 0

    @staticmethod
    def name(test):
        # daxreport.tests.test_stats.TestRule.test_x -> test_stats: TestRule.test_x
        parts = test.id().split(".")
        return f"{parts[-3]}: {parts[-2]}.{parts[-1]}" if len(parts) >= 3 else test.id()

    def addSuccess(self, test):
        self.n += 1
        self.passed += 1
        print(f"ok {self.n} - {self.name(test)}", flush=True)

    def _fail(self, test, err):
        self.n += 1
        self.failed += 1
        print(f"not ok {self.n} - {self.name(test)}")
        for line in "".join(traceback.format_exception(*err)).rstrip().splitlines():
            print(f"#   {line}")
        sys.stdout.flush()

    def addFailure(self, test, err):
        self._fail(test, err)

    def addError(self, test, err):
        self._fail(test, err)

    def addSkip(self, test, reason):
        self.n += 1
        self.skipped += 1
        print(f"ok {self.n} - {self.name(test)} # SKIP {reason}", flush=True)

    def addExpectedFailure(self, test, err):
        self.addSuccess(test)

    def addUnexpectedSuccess(self, test):
        self._fail(test, (AssertionError, AssertionError("unexpected success"), None))


def main(argv):
    pattern = argv[0] if argv else "test_*.py"
    suite = unittest.TestLoader().discover(HERE, pattern=pattern, top_level_dir=BENCH)
    res = Tap()
    suite.run(res)
    print(f"1..{res.n}")
    print(f"report-unit: {res.passed} passed, {res.failed} failed, {res.skipped} skipped")
    return 0 if res.failed == 0 and res.n > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
