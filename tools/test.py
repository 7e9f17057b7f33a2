"""Tests a checkpoint on a config's test set, with mmpose's command line.

    python tools/test.py configs/hyatt_cephalometric.py CKPT --out m.json
    python tools/test.py CONFIG CKPT --dump predictions.pkl
    python tools/test.py CONFIG CKPT --calibration CAL.json   # + coverage
    bash tools/dist_test.sh CONFIG CKPT 2                      # two processes

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.test`.
"""
import sys

import hyatt_mmpose_allocator

if __name__ == '__main__':
    # before the package, whose import loads torch: the restart then costs
    # milliseconds, not a second import of the stack
    hyatt_mmpose_allocator.relaunch_with_tcmalloc()
    from hyatt_mmpose.commands.test import main
    sys.exit(main())
