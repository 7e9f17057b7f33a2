"""The Aariz release layout.

``{Train,Valid,Test}/Cephalograms/<id>.<ext>`` and
``{Train,Valid,Test}/Annotations/Cephalometric Landmarks/{Senior,Junior}
Orthodontists/<id>.json`` (``landmarks[i].value.x/y`` in pixels, in the
release's landmark order). Ground truth is the senior, the junior or their
mean. The pixel spacing is the release's: the per-image pixel size column
of ``cephalogram_machine_mappings.csv``.
"""
import glob
import os.path as osp
from typing import Dict, Optional

import numpy as np

from ..metainfo import landmark_names
from .coco_writer import split_json_paths, write_coco
from .entries import entry_errors, to_number
from .errors import ConversionError, InputNotFoundError
from .records import LandmarkRecord, ground_truth_points, validate
from .reports import report_skipped
from .text_files import read_csv_rows, read_json

NUM_LANDMARKS = 29
SPLITS = (('Train', 'train'), ('Valid', 'val'), ('Test', 'test'))
LANDMARK_DIR = osp.join('Annotations', 'Cephalometric Landmarks')


def find_dir(parent: str, name: str) -> str:
    """A child folder matched case-insensitively (releases vary).

    Args:
        parent (str): The folder to look in.
        name (str): The child's name.

    Returns:
        str: The child's path.

    Raises:
        ConversionError: If there is none.
    """
    for entry in glob.glob(osp.join(parent, '*')):
        if osp.basename(entry).lower() == name.lower():
            return entry
    raise ConversionError(f'{osp.join(parent, name)}: folder not found; is '
                          f'{parent} the Aariz root?')


def read_spacings(path: str) -> Dict[str, float]:
    """The pixel sizes of the release's mapping CSV.

    Args:
        path (str): ``cephalogram_machine_mappings.csv`` or the like: a
            header with an image-id column and a pixel size column.

    Returns:
        dict: Image id -> mm per pixel.

    Raises:
        InputNotFoundError: If there is no such file.
        ConversionError: Naming the line of a bad row or header.
    """
    if not osp.exists(path):
        raise InputNotFoundError(f'{path}: spacing CSV not found; give it '
                                 'with --spacing-csv')
    rows = read_csv_rows(path, 'spacing CSV')
    columns = rows[0][1] if rows else []
    id_col = next((i for i, c in enumerate(columns) if 'id' in c.lower()),
                  None)
    size_col = next((i for i, c in enumerate(columns)
                     if 'pixel' in c.lower() or 'spacing' in c.lower()), None)
    if id_col is None or size_col is None:
        raise ConversionError(
            f'{path}:1: needs an image-id column and a pixel size/spacing '
            f'column; found {columns}')
    spacings = {}
    for line_no, row in rows[1:]:
        where = f'{path}:{line_no}'
        if max(id_col, size_col) >= len(row):
            raise ConversionError(
                f'{where}: only {len(row)} of the header\'s {len(columns)} '
                'cells')
        spacings[row[id_col]] = to_number(
            row[size_col],
            where,
            f'pixel size ({columns[size_col]})',
            positive=True)
    return spacings


def read_aariz_points(path: str) -> np.ndarray:
    """A doctor's landmarks, in the release's order.

    Args:
        path (str): The doctor's JSON file of one image.

    Returns:
        np.ndarray: ``(K, 2)`` points in pixels.

    Raises:
        ConversionError: Naming the file and the bad entry.
    """
    document = read_json(path, 'annotation file')
    expected = '{"landmarks": [{"value": {"x": X, "y": Y}}, ...]}'
    with entry_errors(path, expected):
        marks = list(document['landmarks'])
    points = []
    for i, mark in enumerate(marks):
        where = f'{path}, landmarks[{i}]'
        with entry_errors(where, expected):
            value = mark['value']
            points.append([
                to_number(value[axis], where, f'value.{axis}') for axis in 'xy'
            ])
    return np.array(points, dtype=np.float64).reshape(-1, 2)


def convert_aariz(root: str,
                  out_dir: Optional[str] = None,
                  ground_truth: str = 'mean',
                  spacing_csv: Optional[str] = None,
                  skip_bad: bool = False,
                  overwrite: bool = False) -> Dict[str, int]:
    """Writes train, val and test JSON, image paths relative to ``root``.

    Args:
        root (str): The Aariz root.
        out_dir (str, optional): Where the JSON goes; default
            ``root/annotations``.
        ground_truth (str): ``'senior'``, ``'junior'`` or their ``'mean'``.
        spacing_csv (str, optional): The pixel sizes; default
            ``root/cephalogram_machine_mappings.csv``.
        skip_bad (bool): Leave bad entries out and list them.
        overwrite (bool): Replace existing JSON.

    Returns:
        dict: Split -> number of images.

    Raises:
        ConversionError: On a bad entry, unless ``skip_bad``.
        FileExistsError: If an output exists, unless ``overwrite``.
    """
    outputs = split_json_paths(
        out_dir or osp.join(root, 'annotations'), [s for _, s in SPLITS],
        overwrite)
    spacing_csv = spacing_csv or osp.join(root,
                                          'cephalogram_machine_mappings.csv')
    spacings = read_spacings(spacing_csv)
    names = landmark_names('aariz')
    counts, bad = {}, []
    for split_no, (folder, split) in enumerate(SPLITS):
        split_dir = find_dir(root, folder)
        image_dir = find_dir(split_dir, 'Cephalograms')
        records = []
        for image in sorted(glob.glob(osp.join(image_dir, '*.*'))):
            stem = osp.splitext(osp.basename(image))[0]
            try:
                doctors = {
                    who:
                    read_aariz_points(
                        osp.join(split_dir, LANDMARK_DIR,
                                 f'{who.capitalize()} Orthodontists',
                                 f'{stem}.json'))
                    for who in ('senior', 'junior')
                }
                if stem not in spacings:
                    raise ConversionError(
                        f'{spacing_csv}: no row for image {stem} ({image}); '
                        'add its pixel size')
                points = ground_truth_points(
                    doctors, ground_truth,
                    osp.join(split_dir, LANDMARK_DIR, f'*/{stem}.json'))
            except ConversionError as err:
                if not skip_bad:
                    raise
                bad.append(str(err))
                continue
            records.append(
                LandmarkRecord(
                    # Ids unique across the splits: 1.., 100001.., 200001..
                    img_id=len(records) + 1 + 100000 * split_no,
                    file_name=osp.relpath(image, root),
                    points=points,
                    source=osp.join(split_dir, LANDMARK_DIR,
                                    f'{ground_truth} annotation of {stem}'),
                    pixel_spacing=spacings[stem]))
        good, skipped = validate(records, root, NUM_LANDMARKS, skip_bad)
        bad += skipped
        write_coco(outputs[split], good, names, 'cephalogram')
        counts[split] = len(good)
    report_skipped(bad)
    return counts
