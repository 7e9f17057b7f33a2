"""Landmarks on new images: one JSON per image, one CSV, overlays.

    python tools/predict.py CONFIG CKPT images/ more/*.png one.jpg \\
        --out-dir predictions --spacing 0.1

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
another run is writing to is refused.
"""
import argparse
import glob
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmengine.utils import ProgressBar

from ..adaptation import SiteOffsetsError
from ..analysis import classify, landmark_indices, measure
from ..calibration import CalibrationError, measurement_sets
from ..datasets.image_io import is_dicom, read_radiograph
from ..utils import (CheckpointMismatchError, OutputLockedError, atomic_write,
                     check_outputs_free, output_lock, write_spreadsheet_csv)
from ..visualization import add_legend, draw_landmarks, draw_planes
from .landmark_checks import LARGE_RADIUS
from .landmark_predictor import LandmarkPredictor

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.dcm')
TABLE = 'landmarks.csv'
# a user's mistake, found before anything is written: tools/predict.py
# prints these as "error: <message>"
REFUSALS = (CalibrationError, CheckpointMismatchError, FileExistsError,
            FileNotFoundError, OutputLockedError, SiteOffsetsError)


def expand_inputs(inputs: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Files, folders (their images) and globs, in order, without repeats.

    Args:
        inputs (Sequence[str]): Files, folders and globs, as given.

    Returns:
        tuple[list[str], list[str]]: the images, and the files of folders
        that were left out because they are not images.
    """
    paths, skipped = [], []
    for item in inputs:
        if osp.isdir(item):
            found = []
            for name in sorted(os.listdir(item)):
                path = osp.join(item, name)
                if not osp.isfile(path):
                    continue
                if name.lower().endswith(IMAGE_EXTENSIONS) or is_dicom(path):
                    found.append(path)
                else:
                    skipped.append(path)
        elif any(c in item for c in '*?['):
            found = sorted(glob.glob(item))
        else:
            found = [item]
        paths += [p for p in found if p not in paths]
    return paths, skipped


def output_names(paths: Sequence[str]) -> Dict[str, str]:
    """Each image's output path without extension, relative to the output
    folder: its folder relative to the images' common folder, and its name.
    Names that would still collide keep their extension (``a.png`` and
    ``a.jpg`` give ``a_png`` and ``a_jpg``; no extension gives ``_noext``),
    and any that collide after that get ``_2``, ``_3``, ... in input order,
    so that no output ever replaces another.

    Args:
        paths (Sequence[str]): The images.

    Returns:
        dict: Image path -> its output path without extension.
    """
    absolute = [osp.abspath(p) for p in paths]
    common = osp.commonpath([osp.dirname(p) for p in absolute])
    stems = [osp.splitext(osp.relpath(a, common))[0] for a in absolute]
    repeated = {s for s in stems if stems.count(s) > 1}
    names = [
        s + '_' + (osp.splitext(p)[1].lstrip('.').lower() or 'noext')
        if s in repeated else s for s, p in zip(stems, paths)
    ]
    taken, unique = set(), []
    for name in names:
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f'{name}_{n}'
        taken.add(candidate)
        unique.append(candidate)
    return dict(zip(paths, unique))


def finite_or_none(value: float) -> Optional[float]:
    """A number for JSON, which has no NaN or infinity: None (null) for
    those, the value as a float otherwise."""
    return float(value) if np.isfinite(value) else None


def cephalometry(
        result: dict,
        margins: Optional[Dict[str, float]] = None) -> Union[dict, str, None]:
    """Measurements and classes, for models with the ISBI landmarks.

    Args:
        result (dict): A result of :meth:`LandmarkPredictor.predict`.
        margins (dict, optional): Each measurement's conformal margin (a
            calibration's ``measurement_margins``).

    Returns:
        dict | str | None: ``dict(values=..., classes=...)``, with margins
        also ``intervals`` (each ``dict(value, low, high, classes)``, see
        :func:`measurement_sets`); a string saying why not when a landmark
        they need is flagged; None for models without these landmarks or
        images without spacing. A measurement without a value (an angle at
        landmarks that coincide) has value and class None, no interval,
        and is named in ``note``.
    """
    try:
        used = landmark_indices(result['names'])
    except ValueError:
        return None
    if result['pixel_spacing'] is None:
        return None
    flags = result.get('flags') or [[]] * len(result['names'])
    # a large radius is no reason to withhold the value: its interval says
    untrusted = [n for n, i in used.items() if set(flags[i]) - {LARGE_RADIUS}]
    if untrusted:
        return ('not computed: landmarks not to be trusted: ' +
                ', '.join(untrusted))
    values = measure(result['landmarks_px'], result['pixel_spacing'],
                     result['names'])
    # NaN or infinity would be invalid JSON and have no class or interval
    undefined = [m for m, v in values.items() if not np.isfinite(v)]
    defined = {m: v for m, v in values.items() if m not in undefined}
    classes = classify(defined)
    out = dict(values=dict(values, **dict.fromkeys(undefined)))
    out['classes'] = {m: classes.get(m) for m in values}
    if margins:
        kept = {m: v for m, v in margins.items() if m in defined}
        out['intervals'] = measurement_sets(defined, kept)
    if undefined:
        out['note'] = (', '.join(undefined) +
                       ': no value (the landmarks they use coincide)')
    return out


def save_result(result: dict,
                image: np.ndarray,
                out_dir: str,
                name: str,
                draw_ceph_planes: bool = False,
                margins: Optional[Dict[str, float]] = None) -> dict:
    """Writes the image's JSON and its overlay, each atomically.

    Args:
        result (dict): A result of :meth:`LandmarkPredictor.predict`, with
            ``image_path`` added.
        image (np.ndarray): The image as read (BGR), drawn over.
        out_dir (str): The output folder.
        name (str): The output path without extension, relative to
            ``out_dir`` (see :func:`output_names`).
        draw_ceph_planes (bool): Draw the cephalometric planes too.
        margins (dict, optional): Conformal margins of the measurements.

    Returns:
        dict: The image's row of ``landmarks.csv``.
    """
    flags = result.get('flags') or [[]] * len(result['names'])
    radius_mm, radius_px = result.get('radius_mm'), result.get('radius_px')
    record = dict(
        image=result['image_path'],
        pixel_spacing=None if result['pixel_spacing'] is None else
        result['pixel_spacing'].tolist(),
        spacing_source=result.get('spacing_source'),
        warnings=list(result.get('warnings') or []),
        landmarks=[
            # a position that is not a number is unknown (it is flagged
            # outside_image): null, where JSON would get an invalid NaN
            dict(
                name=n,
                x_px=finite_or_none(px[0]),
                y_px=finite_or_none(px[1]),
                x_mm=None if mm is None else finite_or_none(mm[0]),
                y_mm=None if mm is None else finite_or_none(mm[1]),
                score=finite_or_none(score),
                flags=list(flag))
            for n, px, mm, score, flag in zip(
                result['names'], result['landmarks_px'], result['landmarks_mm']
                if result['landmarks_mm'] is not None else [None] *
                len(result['names']), result['scores'], flags)
        ])
    if 'radius_mm' in result:
        record['coverage'] = result['coverage']
        for k, lm in enumerate(record['landmarks']):
            # JSON has no infinity: null means too few calibration images
            lm['radius_mm'] = None if radius_mm is None or not np.isfinite(
                radius_mm[k]) else float(radius_mm[k])
            lm['radius_px'] = None if lm['radius_mm'] is None else [
                float(r) for r in radius_px[k]
            ]
    ceph = cephalometry(result, margins)
    if isinstance(ceph, str):
        record['cephalometry'] = None
        record['cephalometry_note'] = ceph
    elif ceph is not None:
        record['cephalometry'] = ceph
    with atomic_write(osp.join(out_dir, f'{name}.json')) as f:
        json.dump(record, f, indent=2, allow_nan=False)
    if draw_ceph_planes:
        image = draw_planes(image, result['landmarks_px'], result['names'])
    notes = [', '.join(f).replace('_', ' ') for f in flags]
    if radius_mm is not None:
        notes = [
            f'{note}, r {r:.1f} mm' if note else f'r {r:.1f} mm'
            for note, r in zip(notes, radius_mm)
        ]
    overlay = add_legend(
        draw_landmarks(
            image,
            result['landmarks_px'],
            flagged=[bool(f) for f in flags],
            radii_px=radius_px), result['names'], notes,
        [bool(f) for f in flags])
    with atomic_write(osp.join(out_dir, f'{name}_overlay.png'), 'wb') as f:
        f.write(cv2.imencode('.png', overlay)[1].tobytes())
    row = dict(image=result['image_path'])
    for lm in record['landmarks']:
        row[f'{lm["name"]}_x'] = lm['x_px']
        row[f'{lm["name"]}_y'] = lm['y_px']
    for lm in record['landmarks']:  # mm where the spacing is known
        if lm['x_mm'] is not None:
            row[f'{lm["name"]}_x_mm'] = lm['x_mm']
            row[f'{lm["name"]}_y_mm'] = lm['y_mm']
    for lm in record['landmarks']:  # with a calibration
        if 'radius_mm' in lm:
            row[f'{lm["name"]}_radius_mm'] = lm['radius_mm']
    row['flagged'] = '; '.join(f'{lm["name"]} ({", ".join(lm["flags"])})'
                               for lm in record['landmarks'] if lm['flags'])
    if isinstance(ceph, dict):
        for m, v in ceph['values'].items():
            row[m] = v
            row[f'{m}_class'] = ceph['classes'][m]
            if m in ceph.get('intervals', {}):
                interval = ceph['intervals'][m]
                row[f'{m}_low'] = interval['low']
                row[f'{m}_high'] = interval['high']
                row[f'{m}_classes'] = ' or '.join(
                    str(c) for c in interval['classes'])
    return row


def write_csv(path: str, rows: Sequence[dict]) -> None:
    """Writes rows as a CSV that spreadsheets open as written (see
    :func:`write_spreadsheet_csv`), the header the union of their keys in
    order.

    Args:
        path (str): The file, written atomically.
        rows (Sequence[dict]): The rows.
    """
    write_spreadsheet_csv(path,
                          list(dict.fromkeys(k for row in rows for k in row)),
                          rows)


def predict_all(
    predictor: LandmarkPredictor,
    paths: Sequence[str],
    names: Dict[str, str],
    out_dir: str,
    spacing: Union[float, Sequence[float], None] = None,
    draw_ceph_planes: bool = False,
    margins: Optional[Dict[str, float]] = None
) -> Tuple[List[dict], List[str], List[str]]:
    """Predicts the images and writes their outputs and ``landmarks.csv``.

    Each file is read once; one that cannot be read is reported and costs
    only itself.

    Args:
        predictor (LandmarkPredictor): The model (its ``batch_size`` images
            are read and predicted at a time).
        paths (Sequence[str]): The images.
        names (dict): Image path -> its output path without extension (see
            :func:`output_names`).
        out_dir (str): The output folder.
        spacing (float | Sequence[float], optional): mm per pixel for every
            image, over the files' own.
        draw_ceph_planes (bool): Draw the cephalometric planes too.
        margins (dict, optional): Conformal margins of the measurements.

    Returns:
        tuple[list[dict], list[str], list[str]]: the rows of
        ``landmarks.csv``, why each unreadable file failed, and the
        predictions' warnings.
    """
    rows, failed, warned = [], [], []
    progress = ProgressBar(len(paths)) if len(paths) > 1 else None
    for start in range(0, len(paths), predictor.batch_size):
        read = []
        for path in paths[start:start + predictor.batch_size]:
            try:
                read.append((path, read_radiograph(path)))
            except (OSError, ValueError) as err:
                failed.append(str(err))
                if progress:
                    progress.update()
        if not read:
            continue
        results = predictor.predict([r for _, r in read], spacing)
        for (path, radiograph), result in zip(read, results):
            result['image_path'] = path
            warned += result['warnings']
            rows.append(
                save_result(result, radiograph.image, out_dir, names[path],
                            draw_ceph_planes, margins))
            if progress:
                progress.update()
    if rows:
        write_csv(osp.join(out_dir, TABLE), rows)
    return rows, failed, warned


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/predict.py``: predicts the images of the command line.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 1 if a file could not be read, else 0.

    Raises:
        SystemExit: On bad arguments or when no image is found.
        CheckpointMismatchError: If the checkpoint does not fit the config.
        CalibrationError: If ``--calibration`` cannot be used with it.
        SiteOffsetsError: If ``--site-offsets`` cannot.
        OutputLockedError: If another run is writing to ``--out-dir``.
        FileExistsError: If an output exists, unless ``--overwrite``.
    """
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
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
    args = parser.parse_args(argv)
    if args.spacing is not None:
        if len(args.spacing) > 2 or not all(v > 0 for v in args.spacing):
            parser.error('--spacing must be one or two (x, y) positive '
                         f'numbers of mm per pixel, got {args.spacing}')
        args.spacing = args.spacing[0] if len(args.spacing) == 1 else \
            args.spacing
    paths, skipped = expand_inputs(args.inputs)
    if not paths:
        sys.exit('error: no images found in ' + ' '.join(args.inputs))
    if args.max_radius is not None and not args.calibration:
        parser.error('--max-radius needs --calibration')
    names = output_names(paths)
    predictor = LandmarkPredictor(
        args.config,
        args.checkpoint,
        args.device,
        args.batch_size,
        args.backend,
        args.calibration,
        args.max_radius,
        site_offsets=args.site_offsets)
    margins = predictor.calibration.measurement_margins \
        if predictor.calibration else None
    table = osp.join(args.out_dir, TABLE)
    # one run per folder: two would each write the table, one replacing
    # the other's rows
    with output_lock(table):
        check_outputs_free([table] + [
            osp.join(args.out_dir, f'{name}{suffix}')
            for name in names.values() for suffix in ('.json', '_overlay.png')
        ], args.overwrite)
        rows, failed, warned = predict_all(predictor, paths, names,
                                           args.out_dir, args.spacing,
                                           args.draw_planes, margins)
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
