"""Converts Digital Hand Atlas radiographs and the 37-landmark CSV.

    python tools/dataset_converters/hand.py data/hand_xray
    python tools/dataset_converters/hand.py data/hand_xray \\
        --train-ids train.txt --val-ids val.txt --test-ids test.txt

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.convert_hand`.
"""
import sys

from hyatt_mmpose.commands.convert_hand import main

if __name__ == '__main__':
    sys.exit(main())
