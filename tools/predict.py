"""Landmarks on new images: one JSON per image, one CSV, overlays.

    python tools/predict.py CONFIG CKPT images/ more/*.png one.jpg \\
        --out-dir predictions --spacing 0.1

See ``--help``, and :mod:`hyatt_mmpose.apis.predict_files`, which does it.
Exit status: 0 done, 1 done but some files could not be read, 2 refused
before anything was written (the message says why).
"""
import sys

from hyatt_mmpose.apis.predict_files import REFUSALS, main

if __name__ == '__main__':
    try:
        sys.exit(main())
    except REFUSALS as err:  # the message says it all
        print(f'error: {err}', file=sys.stderr)
        sys.exit(2)
