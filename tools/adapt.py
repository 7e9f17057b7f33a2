"""Adapts a trained model to a new site from a few annotated images.

    python tools/adapt.py CONFIG CKPT LOCAL_JSON --num-images 10 \\
        --held-out test1.json test2.json --work-dir work_dirs/site_a
    python tools/adapt.py CONFIG CKPT LOCAL_JSON -k 5 --offsets-only \\
        --work-dir work_dirs/site_a --site "clinic A"

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.adapt`.
"""
import sys

import hyatt_mmpose_allocator

if __name__ == '__main__':
    # before the package, whose import loads torch: the restart then costs
    # milliseconds, not a second import of the stack (its --device is cpu
    # unless given)
    hyatt_mmpose_allocator.relaunch_with_tcmalloc(default_device='cpu')
    from hyatt_mmpose.commands.adapt import main
    sys.exit(main())
