"""Conformal calibration of a trained model on a held-out split.

    python tools/calibrate.py CONFIG CKPT --split cal --coverage 0.95
    python tools/calibrate.py CONFIG CKPT --ann-file site/held_out.json \\
        --site-offsets site/site_offsets.json --site "clinic A"

Predicts every image of the split (as tools/predict.py would: whole image,
the config's framing and flip test), scores each landmark against the
ground truth (radial error in mm, or that error over the heatmap spread),
and writes the thresholds to a JSON beside the checkpoint
(``CKPT_STEM_calibration_<score>_<coverage>.json``), atomically. The split
must be images the model was neither trained nor selected on: its images
are checked against the config's train and val annotation files. The
library: :func:`hyatt_mmpose.apis.calibrate`.
"""
import argparse
from typing import Optional, Sequence

from ..apis import calibrate_to_file, calibration_path
from ..calibration import SCORES, CalibrationError
from ..utils import (CheckpointMismatchError, OutputLockedError,
                     UnsafeCheckpointError)
from .common import add_run_options, model_parser, refuse

REFUSALS = (CheckpointMismatchError, CalibrationError, FileExistsError,
            FileNotFoundError, OutputLockedError, UnsafeCheckpointError,
            ValueError)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/calibrate.py``."""
    parser = model_parser(__doc__)
    parser.add_argument(
        '--split',
        default='cal',
        help='the split: SPLIT.json beside the val annotation file')
    parser.add_argument('--ann-file', help='the split\'s file, given')
    parser.add_argument('--coverage', type=float, default=0.95)
    parser.add_argument('--score', default='adaptive', choices=SCORES)
    parser.add_argument('--out', help='default: beside the checkpoint')
    parser.add_argument(
        '--data-root',
        help='the folder the split\'s image names are relative to; '
        'default the config\'s data_root')
    parser.add_argument(
        '--site-offsets',
        help='a file of tools/adapt.py, applied before scoring (the radii '
        'then go with it)')
    parser.add_argument(
        '--site', help='the site the radii hold for (for the record)')
    parser.add_argument('--overwrite', action='store_true')
    parser.add_argument('--batch-size', type=int, default=8)
    add_run_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/calibrate.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 written; 1 refused before anything was
        written (an output that exists or that another run writes, a split
        without a file, an empty split, an image without spacing, listed
        twice or seen in training; the message on stderr says why).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 0 < args.coverage < 1:
        parser.error(f'--coverage must lie in (0, 1), got {args.coverage}')
    out = args.out or calibration_path(args.checkpoint, args.score,
                                       args.coverage)
    try:
        calibration = calibrate_to_file(
            out,
            args.config,
            args.checkpoint,
            args.split,
            args.ann_file,
            args.overwrite,
            coverage=args.coverage,
            score=args.score,
            cfg_options=args.cfg_options,
            device=args.device,
            batch_size=args.batch_size,
            site=args.site,
            data_root=args.data_root,
            site_offsets=args.site_offsets)
    except REFUSALS as err:
        return refuse(err)
    unit = 'mm' if args.score == 'radial' else 'x spread'
    print(f'{calibration.n} images of {calibration.record["ann_file"]}, '
          f'{args.coverage:.0%} '
          f'coverage, score {args.score}; thresholds ({unit}):')
    for name, t in zip(calibration.names, calibration.thresholds):
        print(f'  {name:<28}{t:8.3f}')
    if calibration.measurement_margins:
        print('measurement margins: ' +
              ', '.join(f'{m} {v:.2f}'
                        for m, v in calibration.measurement_margins.items()))
    if calibration.shortfall():
        print('warning: ' + calibration.shortfall())
    print(f'written: {out}')
    return 0
