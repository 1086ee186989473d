"""Values as the crash report prints them.

The report was first written in jq, and crash.json files made then are
still read: numbers print as jq 1.6 prints them (the shortest digits that
read back to the same double; integral values without ".0"; an exponent
only when the number is very large or very small), and the table's
arithmetic rounds as jq's did (floor of x * 10, then / 10, in doubles).
"""
import decimal
import math


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def num(x):
    """A number as jq 1.6 prints it (David Gay's g_fmt rules over the
    shortest round-trip digits, which Python's repr also finds)."""
    x = float(x)
    if math.isnan(x):
        return "null"
    if math.isinf(x):
        return "1.7976931348623157e+308" if x > 0 else "-1.7976931348623157e+308"
    if x == 0:
        return "-0" if math.copysign(1, x) < 0 else "0"
    sign = "-" if x < 0 else ""
    t = decimal.Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, t.digits))
    decpt = len(digits) + t.exponent      # the point after this many digits
    if decpt <= -4 or decpt > len(digits) + 15:
        e = decpt - 1
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mant}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return sign + digits + "0" * (decpt - len(digits))
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def text(x):
    """jq's tostring: strings as they are, null as "null", numbers as num()."""
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if is_num(x):
        return num(x)
    return str(x)


def truthy(x):
    """jq's truth: everything but null and false (0 and "" are true)."""
    return x is not None and x is not False


def alt(x, default):
    """jq's `x // default`."""
    return x if truthy(x) else default


def floor_div(x, mul, div):
    """(x * mul | floor) / div, as the jq report computed it."""
    return math.floor(x * mul) / div


def floor_to(x, per):
    """x rounded down to 1/PER."""
    return floor_div(x, per, per)
