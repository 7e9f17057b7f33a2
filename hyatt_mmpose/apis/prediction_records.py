"""The records of a prediction, as ``tools/predict.py`` writes them: for an
image, ``<name>.json`` and ``<name>_overlay.png``; for a run, one row each in
``landmarks.csv``.

A result of :meth:`~hyatt_mmpose.apis.LandmarkPredictor.predict` is written
with :func:`~hyatt_mmpose.apis.write_prediction` (from a notebook too: the
files are those of the tool), the table with
:func:`~hyatt_mmpose.apis.write_landmark_table`, and a JSON read back,
checked, with :func:`~hyatt_mmpose.apis.read_prediction`.

The JSON holds ``format`` (``PREDICTION_FORMAT``: the version of this
layout; a reader refuses another), ``image``, ``pixel_spacing`` (``[x, y]``
mm per pixel, or null), ``spacing_source`` (the DICOM tags it came from),
``warnings`` and ``landmarks``: per landmark ``name``, ``x_px``, ``y_px``,
``x_mm``, ``y_mm`` (null where unknown: no spacing, or a position that is not a
number), ``score`` (the heatmap peak) and ``flags`` (why not to trust it);
with a calibration also ``coverage`` and per landmark ``radius_mm`` and
``radius_px`` (``[x, y]``; null: too few calibration images). Models with
the ISBI 2015 landmarks add ``cephalometry`` (``values``, ``classes`` and,
with a calibration, ``intervals``) or, where a landmark it needs is
flagged, ``cephalometry: null`` and ``cephalometry_note``. ``model`` says
which model wrote it (``config``, ``config_sha256``, ``checkpoint``,
``checkpoint_sha256``, ``backend``: see
:attr:`~hyatt_mmpose.apis.LandmarkPredictor.model_identity`; null for a
result that does not carry it). It never holds NaN or infinity, which JSON
does not have.

``tools/review.py`` reads these records and writes its own under
``review/`` beside them; it never changes them.
"""
import json
import os.path as osp
from typing import Dict, Optional, Sequence, Union

import cv2
import numpy as np

from ..analysis import classify, landmark_indices, measure
from ..calibration import measurement_sets
from ..utils import atomic_write, write_spreadsheet_csv
from ..visualization import add_legend, draw_landmarks, draw_planes
from .landmark_checks import LARGE_RADIUS, NOT_REFINED

#: The version of the record's layout, its ``format``: raised when a field
#: changes meaning or goes, so that a reader refuses what it would misread.
PREDICTION_FORMAT = 2
#: What every landmark of a record holds.
LANDMARK_FIELDS = ('name', 'x_px', 'y_px', 'x_mm', 'y_mm', 'score', 'flags')


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
    # a large radius is no reason to withhold the value: its interval says;
    # nor a refused refinement: the value is then the coarse model's, which
    # a model without refinement would give (the flag says to check it)
    untrusted = [
        n for n, i in used.items()
        if set(flags[i]) - {LARGE_RADIUS, NOT_REFINED}
    ]
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


def prediction_record(result: dict,
                      margins: Optional[Dict[str, float]] = None) -> dict:
    """The JSON record of a result (the module's docstring says what it
    holds).

    Args:
        result (dict): A result of :meth:`LandmarkPredictor.predict`, with
            ``image_path`` added.
        margins (dict, optional): Conformal margins of the measurements.

    Returns:
        dict: The record, ready for ``json.dump(..., allow_nan=False)``.
    """
    flags = result.get('flags') or [[]] * len(result['names'])
    radius_mm, radius_px = result.get('radius_mm'), result.get('radius_px')
    mm = result['landmarks_mm']
    record = dict(
        format=PREDICTION_FORMAT,
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
                x_mm=None if p_mm is None else finite_or_none(p_mm[0]),
                y_mm=None if p_mm is None else finite_or_none(p_mm[1]),
                score=finite_or_none(score),
                flags=list(flag)) for n, px, p_mm, score, flag in zip(
                    result['names'], result['landmarks_px'], [None] *
                    len(result['names']) if mm is None else mm,
                    result['scores'], flags)
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
    record['model'] = result.get('model')
    ceph = cephalometry(result, margins)
    if isinstance(ceph, str):
        record['cephalometry'] = None
        record['cephalometry_note'] = ceph
    elif ceph is not None:
        record['cephalometry'] = ceph
    return record


def overlay(result: dict,
            image: np.ndarray,
            draw_ceph_planes: bool = False) -> np.ndarray:
    """The image with its landmarks numbered (flagged ones marked, radii
    drawn as circles) and their names, flags and radii in a legend.

    Args:
        result (dict): A result of :meth:`LandmarkPredictor.predict`.
        image (np.ndarray): The image as read (BGR), not changed.
        draw_ceph_planes (bool): Draw the cephalometric planes too.

    Returns:
        np.ndarray: The overlay, BGR.
    """
    flags = result.get('flags') or [[]] * len(result['names'])
    radius_mm = result.get('radius_mm')
    if draw_ceph_planes:
        image = draw_planes(image, result['landmarks_px'], result['names'])
    notes = [', '.join(f).replace('_', ' ') for f in flags]
    if radius_mm is not None:
        notes = [
            f'{note}, r {r:.1f} mm' if note else f'r {r:.1f} mm'
            for note, r in zip(notes, radius_mm)
        ]
    flagged = [bool(f) for f in flags]
    return add_legend(
        draw_landmarks(
            image,
            result['landmarks_px'],
            flagged=flagged,
            radii_px=result.get('radius_px')), result['names'], notes, flagged)


def table_row(record: dict) -> dict:
    """A record's row of ``landmarks.csv``: the image, every landmark's
    position in pixels, then in mm where the spacing is known, then its
    radius where calibrated, the flagged landmarks, and the measurements
    with their classes and intervals.

    Args:
        record (dict): As :func:`prediction_record` makes it.

    Returns:
        dict: Column name to value.
    """
    row = dict(image=record['image'])
    for lm in record['landmarks']:
        row[f'{lm["name"]}_x'] = lm['x_px']
        row[f'{lm["name"]}_y'] = lm['y_px']
    for lm in record['landmarks']:
        if lm['x_mm'] is not None:
            row[f'{lm["name"]}_x_mm'] = lm['x_mm']
            row[f'{lm["name"]}_y_mm'] = lm['y_mm']
    for lm in record['landmarks']:
        if 'radius_mm' in lm:
            row[f'{lm["name"]}_radius_mm'] = lm['radius_mm']
    row['flagged'] = '; '.join(f'{lm["name"]} ({", ".join(lm["flags"])})'
                               for lm in record['landmarks'] if lm['flags'])
    ceph = record.get('cephalometry')
    if ceph:
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


def write_prediction(result: dict,
                     image: np.ndarray,
                     out_dir: str,
                     name: str,
                     draw_ceph_planes: bool = False,
                     margins: Optional[Dict[str, float]] = None) -> dict:
    """Writes a result's ``<name>.json`` and ``<name>_overlay.png`` in
    ``out_dir``, each atomically, as ``tools/predict.py`` does.

    Args:
        result (dict): A result of :meth:`LandmarkPredictor.predict`, with
            ``image_path`` added.
        image (np.ndarray): The image as read (BGR, e.g.
            ``read_radiograph(path).image``), drawn over.
        out_dir (str): The output folder.
        name (str): The output path without extension, relative to
            ``out_dir`` (see :func:`output_names`); its folders are made.
        draw_ceph_planes (bool): Draw the cephalometric planes too.
        margins (dict, optional): Conformal margins of the measurements
            (a calibration's ``measurement_margins``).

    Returns:
        dict: The image's row of ``landmarks.csv``: the image, every
        landmark's position in pixels, in mm where the spacing is known,
        its radius where calibrated, the flagged landmarks, and the
        measurements with their classes and intervals.
    """
    record = prediction_record(result, margins)
    with atomic_write(osp.join(out_dir, f'{name}.json')) as f:
        json.dump(record, f, indent=2, allow_nan=False)
    drawn = overlay(result, image, draw_ceph_planes)
    with atomic_write(osp.join(out_dir, f'{name}_overlay.png'), 'wb') as f:
        f.write(cv2.imencode('.png', drawn)[1].tobytes())
    return table_row(record)


def write_landmark_table(path: str, rows: Sequence[dict]) -> None:
    """Writes rows as ``landmarks.csv`` is written: a CSV that spreadsheets
    open as written (UTF-8 with a byte-order mark, no formula cells; see
    :func:`~hyatt_mmpose.utils.write_spreadsheet_csv`), the header the
    union of the rows' keys in order.

    Args:
        path (str): The file, written atomically.
        rows (Sequence[dict]): The rows (as :func:`write_prediction`
            returns them).
    """
    write_spreadsheet_csv(path,
                          list(dict.fromkeys(k for row in rows for k in row)),
                          rows)


def read_prediction(path: str) -> dict:
    """Reads a ``<name>.json`` of :func:`write_prediction`, checked.

    Args:
        path (str): The file.

    Returns:
        dict: The record as written (the module's docstring says what it
        holds).

    Raises:
        FileNotFoundError: If there is no such file.
        ValueError: If it is not JSON, or not a prediction record: the
            message names the file and the first field missing or of the
            wrong type; or a record of another ``PREDICTION_FORMAT``
            (written by another version of hyatt_mmpose).
    """
    with open(path, encoding='utf-8') as f:
        try:
            record = json.load(f)
        except json.JSONDecodeError as err:
            raise ValueError(f'{path}: not JSON ({err}); a prediction '
                             'record is a <name>.json of tools/predict.py')
    if not isinstance(record, dict):
        raise ValueError(f'{path}: a prediction record is a JSON object, '
                         f'got {type(record).__name__}')
    for key, kind in (('image', str), ('landmarks', list)):
        if not isinstance(record.get(key), kind):
            raise ValueError(f'{path}: "{key}" missing or not a '
                             f'{kind.__name__}; a prediction record of '
                             'tools/predict.py has it')
    for k, lm in enumerate(record['landmarks']):
        missing = [f for f in LANDMARK_FIELDS if f not in lm] \
            if isinstance(lm, dict) else list(LANDMARK_FIELDS)
        if missing:
            raise ValueError(f'{path}: landmark {k + 1} lacks '
                             f'{", ".join(missing)}')
    if record.get('format') != PREDICTION_FORMAT:
        raise ValueError(
            f'{path}: "format" is {record.get("format")!r}, this version of '
            f'hyatt_mmpose reads format {PREDICTION_FORMAT}: the record was '
            'written by another version; predict the images again with this '
            'one (tools/predict.py)')
    return record
