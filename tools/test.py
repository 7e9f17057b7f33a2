"""Tests a checkpoint on a config's test set, with mmpose's command line.

    python tools/test.py configs/hyatt_cephalometric.py CKPT --out m.json

See ``--help``, and :mod:`hyatt_mmpose.apis.testing`, which does it.
"""
import sys

from hyatt_mmpose.apis.testing import main
from hyatt_mmpose.utils import CheckpointMismatchError, relaunch_with_tcmalloc

if __name__ == '__main__':
    relaunch_with_tcmalloc()
    try:
        main()
    except CheckpointMismatchError as err:  # the message says it all
        sys.exit(f'error: {err}')
