"""Plots of a calibration's coverage on held-out splits.

    python tools/analysis/plot_coverage.py CONFIG CKPT --calibration CAL \\
        --splits test1 test2 --out-dir coverage

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.plot_coverage`.
"""
import sys

from hyatt_mmpose.commands.plot_coverage import main

if __name__ == '__main__':
    sys.exit(main())
