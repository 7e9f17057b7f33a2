"""Plots of a calibration's coverage on held-out splits.

    python tools/analysis/plot_coverage.py CONFIG CKPT --calibration CAL \\
        --splits test1 test2 --out-dir coverage

See ``--help``, and :mod:`hyatt_mmpose.apis.coverage_report`, which does it.
"""
import sys

from hyatt_mmpose.apis.coverage_report import main
from hyatt_mmpose.calibration import CalibrationError

if __name__ == '__main__':
    try:
        main()
    except (CalibrationError, FileNotFoundError) as err:
        sys.exit(f'error: {err}')
