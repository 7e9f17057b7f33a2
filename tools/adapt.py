"""Adapts a trained model to a new site from a few annotated images.

    python tools/adapt.py CONFIG CKPT LOCAL_JSON --num-images 10 \\
        --held-out test1.json test2.json --work-dir work_dirs/site_a
    python tools/adapt.py CONFIG CKPT LOCAL_JSON -k 5 --offsets-only \\
        --work-dir work_dirs/site_a --site "clinic A"

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.adapt`.
"""
import sys

from hyatt_mmpose.utils import relaunch_with_tcmalloc

if __name__ == '__main__':
    relaunch_with_tcmalloc()
    from hyatt_mmpose.commands.adapt import main
    sys.exit(main())
