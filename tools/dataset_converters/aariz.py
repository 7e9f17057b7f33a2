"""Converts the Aariz release layout to hyatt_mmpose's JSON.

    python tools/dataset_converters/aariz.py data/aariz
    python tools/dataset_converters/aariz.py data/aariz --ground-truth senior

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.convert_aariz`.
"""
import sys

from hyatt_mmpose.commands.convert_aariz import main

if __name__ == '__main__':
    sys.exit(main())
