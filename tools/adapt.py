"""Adapting a trained model to a new site from a few annotated images.

    python tools/adapt.py CONFIG CKPT LOCAL_JSON --num-images 10 \\
        --held-out test1.json test2.json --work-dir work_dirs/site_a

See ``--help``, and :mod:`hyatt_mmpose.apis.adapting`, which does it.
"""
import sys

from hyatt_mmpose.apis.adapting import main
from hyatt_mmpose.utils import CheckpointMismatchError, relaunch_with_tcmalloc

if __name__ == '__main__':
    relaunch_with_tcmalloc()
    try:
        main()
    except (CheckpointMismatchError, FileExistsError, FileNotFoundError,
            ValueError) as err:
        sys.exit(f'error: {err}')
