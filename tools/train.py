"""Trains a model from a config, with mmpose's command line.

    python tools/train.py configs/hyatt_cephalometric.py
    python tools/train.py CONFIG --resume            # the latest checkpoint
    python tools/train.py CONFIG --resume work_dirs/x/epoch_10.pth

See ``--help``, and :mod:`hyatt_mmpose.apis.training`, which does it.
"""
import sys

from hyatt_mmpose.apis.training import main
from hyatt_mmpose.utils import (CheckpointMismatchError, ResumeError,
                                UnsafeCheckpointError, relaunch_with_tcmalloc)

if __name__ == '__main__':
    relaunch_with_tcmalloc()
    try:
        main()
    except (CheckpointMismatchError, ResumeError,
            UnsafeCheckpointError) as err:  # the message says it all
        sys.exit(f'error: {err}')
