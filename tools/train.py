"""Trains a landmark model from a config, with mmpose's command line.

    python tools/train.py configs/hyatt_cephalometric.py
    python tools/train.py CONFIG --resume            # the latest checkpoint
    python tools/train.py CONFIG --resume work_dirs/x/epoch_10.pth
    python tools/train.py CONFIG --cfg-options train_cfg.max_epochs=300
    bash tools/dist_train.sh CONFIG 2                 # two processes

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.train`.
"""
import sys

import hyatt_mmpose_allocator

if __name__ == '__main__':
    # before the package, whose import loads torch: the restart then costs
    # milliseconds, not a second import of the stack
    hyatt_mmpose_allocator.relaunch_with_tcmalloc()
    from hyatt_mmpose.commands.train import main
    sys.exit(main())
