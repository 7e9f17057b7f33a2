"""Writes the synthetic landmark set (radiograph-like images, 19 landmarks).

    python tools/make_synthetic_dataset.py data/synthetic
    python tools/make_synthetic_dataset.py data/tiny --train 8 --val 4 \\
        --test 4 --size 96

See ``--help``; the command line is
:mod:`hyatt_mmpose.commands.make_synthetic_dataset`.
"""
import sys

from hyatt_mmpose.commands.make_synthetic_dataset import main

if __name__ == '__main__':
    sys.exit(main())
