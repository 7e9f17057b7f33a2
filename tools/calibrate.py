"""Conformal calibration of a checkpoint on a held-out split.

    python tools/calibrate.py CONFIG CKPT --split cal --coverage 0.95

See ``--help``, and :mod:`hyatt_mmpose.apis.calibrating`, which does it.
"""
import sys

from hyatt_mmpose.apis.calibrating import main
from hyatt_mmpose.calibration import CalibrationError
from hyatt_mmpose.utils import (CheckpointMismatchError, OutputLockedError,
                                relaunch_with_tcmalloc)

if __name__ == '__main__':
    relaunch_with_tcmalloc()
    try:
        main()
    except (CheckpointMismatchError, CalibrationError, FileExistsError,
            FileNotFoundError, OutputLockedError, ValueError) as err:
        sys.exit(f'error: {err}')
