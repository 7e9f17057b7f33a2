"""The human reference on ISBI 2015: one doctor's landmarks scored against
the other's, with the same metrics as the models.

    python tools/analysis/inter_observer.py data/isbi2015 --split Test1Data
    python tools/analysis/inter_observer.py data/isbi2015 --pred senior

See ``--help``; the command line is
:mod:`hyatt_mmpose.commands.inter_observer`.
"""
import sys

from hyatt_mmpose.commands.inter_observer import main

if __name__ == '__main__':
    sys.exit(main())
