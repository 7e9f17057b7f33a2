"""Landmarks on new images: one JSON per image, one CSV, overlays.

    python tools/predict.py CONFIG CKPT images/ more/*.png one.jpg \\
        --out-dir predictions --spacing 0.1

See ``--help``, and :mod:`hyatt_mmpose.apis.predict_files`, which does it.
"""
import sys

from hyatt_mmpose.apis.predict_files import main
from hyatt_mmpose.utils import CheckpointMismatchError

if __name__ == '__main__':
    try:
        sys.exit(main())
    except CheckpointMismatchError as err:  # the message says it all
        sys.exit(f'error: {err}')
