"""Converts the ISBI 2015 challenge layout to hyatt_mmpose's JSON.

    python tools/dataset_converters/isbi2015.py data/isbi2015
    python tools/dataset_converters/isbi2015.py data/isbi2015 --cal-size 20

See ``--help``; the command line is
:mod:`hyatt_mmpose.commands.convert_isbi2015`.
"""
import sys

from hyatt_mmpose.commands.convert_isbi2015 import main

if __name__ == '__main__':
    sys.exit(main())
