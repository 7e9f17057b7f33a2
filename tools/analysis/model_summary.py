"""Parameters and FLOPs of a config's model, by backbone, neck and head.

    python tools/analysis/model_summary.py configs/hyatt_cephalometric.py
    python tools/analysis/model_summary.py CONFIG --input-size 512 608

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.model_summary`.
"""
import sys

from hyatt_mmpose.commands.model_summary import main

if __name__ == '__main__':
    sys.exit(main())
