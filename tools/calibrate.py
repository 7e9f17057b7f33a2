"""Conformal calibration of a trained model on a held-out split.

    python tools/calibrate.py CONFIG CKPT --split cal --coverage 0.95
    python tools/calibrate.py CONFIG CKPT --ann-file site/held_out.json \\
        --site-offsets site/site_offsets.json --site "clinic A"

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.calibrate`.
"""
import sys

import hyatt_mmpose_allocator

if __name__ == '__main__':
    # before the package, whose import loads torch: the restart then costs
    # milliseconds, not a second import of the stack (its --device is cpu
    # unless given)
    hyatt_mmpose_allocator.relaunch_with_tcmalloc(default_device='cpu')
    from hyatt_mmpose.commands.calibrate import main
    sys.exit(main())
