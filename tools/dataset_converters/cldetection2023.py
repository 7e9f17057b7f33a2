"""Converts the CL-Detection 2023 training data to hyatt_mmpose's JSON.

    python tools/dataset_converters/cldetection2023.py \\
        train_stack.mha train-gt.json data/cldetection2023

See ``--help``; the command line is
:mod:`hyatt_mmpose.commands.convert_cldetection2023`.
"""
import sys

from hyatt_mmpose.commands.convert_cldetection2023 import main

if __name__ == '__main__':
    sys.exit(main())
