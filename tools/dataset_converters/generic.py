"""Converts a folder of images plus a landmark CSV: a user's own data.

    python tools/dataset_converters/generic.py IMAGE_DIR LANDMARKS.csv \\
        --out data/mine/annotations/train.json

See ``--help``; the command line is
:mod:`hyatt_mmpose.commands.convert_generic`.
"""
import sys

from hyatt_mmpose.commands.convert_generic import main

if __name__ == '__main__':
    sys.exit(main())
