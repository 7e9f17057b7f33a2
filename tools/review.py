"""Review predictions in a browser: check, correct and report them.

    python tools/review.py predictions --reviewer "Dr Ana Silva"
    python tools/review.py predictions --report

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.review`.
"""
import sys

from hyatt_mmpose.commands.review import main

if __name__ == '__main__':
    sys.exit(main())
