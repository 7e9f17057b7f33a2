"""Landmarks on new images: one JSON per image, one CSV, overlays.

    python tools/predict.py CONFIG CKPT images/ more/*.png one.jpg \\
        --out-dir predictions --spacing 0.1
    python tools/predict.py CONFIG CKPT scan.dcm --calibration CAL.json \\
        --site-offsets site_offsets.json --draw-planes

Reads PNG, JPEG, BMP, TIFF (8 or 16 bit) and DICOM (with or without the .dcm
extension; spacing from its PixelSpacing, else ImagerPixelSpacing corrected
by EstimatedRadiographicMagnificationFactor; the JSON says which tags). For
each image it writes ``<name>.json`` (landmarks in pixels, and in mm where
the spacing is known; names; peak scores; flags on landmarks not to be
trusted) and ``<name>_overlay.png`` (numbered landmarks, names in a legend),
and for the run ``landmarks.csv`` (UTF-8 with a byte-order mark; text cells
that a spreadsheet would run as a formula get a leading ``'``). Outputs keep
the images' folders relative to their common folder, so equal names never
overwrite each other (``ceph.png`` beside ``ceph.jpg`` become ``ceph_png``
and ``ceph_jpg``). Models whose landmarks include the ISBI 2015 ones also
get the eight cephalometric measurements and their classes, and with
``--draw-planes`` the planes they use on the overlay. With ``--calibration``
(a file of tools/calibrate.py) each landmark gets its conformal radius in mm
and px, drawn as a circle, ``--max-radius`` flags those above it, and each
measurement an interval and the set of classes it reaches. With
``--site-offsets`` (a file of tools/adapt.py) every landmark is shifted by
its site's offset first. A file that cannot be read does not stop the run:
it is listed at the end and the exit status is 1; files of a folder that are
not images, and spacing tags that cannot be used, are listed too. Outputs of
an earlier run are not replaced without ``--overwrite``, and a folder that
another run is writing to is refused (exit status 2). The library:
:class:`hyatt_mmpose.apis.LandmarkPredictor`,
:func:`hyatt_mmpose.apis.predict_to_folder` and
:func:`hyatt_mmpose.apis.write_prediction`.
"""
import argparse
from typing import Optional, Sequence

from ..adaptation import SiteOffsetsError
from ..apis import LandmarkPredictor, expand_inputs, predict_to_folder
from ..calibration import CalibrationError
from ..utils import (CheckpointMismatchError, ConfigError, OutputLockedError,
                     UnsafeCheckpointError)
from .common import refuse, tool_parser

# a user's mistake, found before anything is written: printed as
# "error: <message>", exit status 2
REFUSALS = (CalibrationError, CheckpointMismatchError, ConfigError,
            FileExistsError, FileNotFoundError, OutputLockedError,
            SiteOffsetsError, UnsafeCheckpointError)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/predict.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('inputs', nargs='+', help='files, folders or globs')
    parser.add_argument('--out-dir', default='predictions')
    parser.add_argument(
        '--spacing',
        type=float,
        nargs='+',
        metavar=('X', 'Y'),
        help='pixel spacing in mm for every image (one number, or x and y), '
        "over the files' own (DICOM PixelSpacing)")
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--backend',
        default='pytorch',
        choices=['pytorch', 'onnxruntime'],
        help='onnxruntime: CKPT is the .onnx file of '
        'tools/deployment/export_onnx.py')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument(
        '--calibration',
        help='a file of tools/calibrate.py: conformal radii and intervals')
    parser.add_argument(
        '--site-offsets',
        help='a file of tools/adapt.py: per-landmark offsets of the site')
    parser.add_argument(
        '--max-radius',
        type=float,
        metavar='MM',
        help='with --calibration, flag landmarks whose radius is larger')
    parser.add_argument(
        '--draw-planes',
        action='store_true',
        help='draw the cephalometric planes (SN, FH, palatal, mandibular, '
        'AB, facial) on the overlays')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help="replace an earlier run's outputs (its landmarks.csv, and the "
        'JSON and overlays of the same images)')
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/predict.py``: predicts the images of the command line.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 done; 1 done but a file could not be read,
        or no image found; 2 refused before anything was written (a
        checkpoint, calibration or site-offsets file that does not fit, an
        earlier run's outputs, a folder another run writes to; the message
        on stderr says why).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    spacing = args.spacing
    if spacing is not None:
        if len(spacing) > 2 or not all(v > 0 for v in spacing):
            parser.error('--spacing must be one or two (x, y) positive '
                         f'numbers of mm per pixel, got {spacing}')
        spacing = spacing[0] if len(spacing) == 1 else spacing
    paths, skipped = expand_inputs(args.inputs)
    if not paths:
        return refuse('no images found in ' + ' '.join(args.inputs))
    if args.max_radius is not None and not args.calibration:
        parser.error('--max-radius needs --calibration')
    try:
        predictor = LandmarkPredictor(
            args.config,
            args.checkpoint,
            args.device,
            args.batch_size,
            args.backend,
            args.calibration,
            args.max_radius,
            site_offsets=args.site_offsets)
        rows, failed, warned = predict_to_folder(predictor, paths,
                                                 args.out_dir, spacing,
                                                 args.draw_planes,
                                                 args.overwrite)
    except REFUSALS as err:  # the message says it all
        return refuse(err, 2)
    print(f'\n{len(rows)} of {len(paths)} images done; results in '
          f'{args.out_dir}')
    flagged = sum(1 for row in rows if row['flagged'])
    if flagged:
        print(f'{flagged} with landmarks not to be trusted (see "flags" in '
              'their JSON, "flagged" in the CSV)')
    for title, items in (('not images, left out', skipped),
                         ('warnings (spacing, radii, offsets)', warned)):
        if items:
            print(f'{len(items)} {title}:')
            for item in items:
                print(f'  {item}')
    if failed:
        print(f'{len(failed)} could not be read:')
        for message in failed:
            print(f'  {message}')
        return 1
    return 0
