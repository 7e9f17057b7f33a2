"""Conformal calibration of a trained model on a held-out split.

    python tools/calibrate.py CONFIG CKPT --split cal --coverage 0.95
    python tools/calibrate.py CONFIG CKPT --ann-file site/held_out.json \\
        --site-offsets site/site_offsets.json --site "clinic A"

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.calibrate`.
"""
import sys

from hyatt_mmpose.utils import relaunch_with_tcmalloc

if __name__ == '__main__':
    relaunch_with_tcmalloc()
    from hyatt_mmpose.commands.calibrate import main
    sys.exit(main())
