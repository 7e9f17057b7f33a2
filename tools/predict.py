"""Landmarks on new images: one JSON per image, one CSV, overlays.

    python tools/predict.py CONFIG CKPT images/ more/*.png one.jpg \\
        --out-dir predictions --spacing 0.1
    python tools/predict.py CONFIG CKPT scan.dcm --calibration CAL.json \\
        --site-offsets site_offsets.json --draw-planes

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.predict`.
"""
import sys

from hyatt_mmpose.commands.predict import main

if __name__ == '__main__':
    sys.exit(main())
