"""daxreport's unit tests: fixtures built in temporary directories, no VM.

    cd bench && python3 -m unittest discover -s daxreport/tests -t .
    cd bench && python3 -m daxreport.tests.tap        # the same, as TAP
"""
