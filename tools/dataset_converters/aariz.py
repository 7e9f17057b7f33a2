"""Converts the Aariz release layout to hyatt_mmpose's JSON.

    python tools/dataset_converters/aariz.py data/aariz

Reads ``{Train,Valid,Test}/Cephalograms/<id>.<ext>`` and
``{Train,Valid,Test}/Annotations/Cephalometric Landmarks/{Senior,Junior}
Orthodontists/<id>.json`` (``landmarks[i].value.x/y`` in pixels, in the
release's landmark order). Ground truth is the senior, the junior or (by
default) their mean. The pixel spacing is the release's: the per-image pixel
size column of ``cephalogram_machine_mappings.csv`` at the root (or
``--spacing-csv``). Writes train, val and test JSON.
"""
import argparse
import glob
import os.path as osp
import sys

import numpy as np

from hyatt_mmpose.datasets.conversion import (ConversionError,
                                              InputNotFoundError,
                                              LandmarkRecord,
                                              check_outputs_free,
                                              entry_errors,
                                              ground_truth_points,
                                              read_csv_rows, read_json,
                                              report_skipped, to_number,
                                              validate, write_split)
from hyatt_mmpose.datasets.metainfo import landmark_names

NUM_LANDMARKS = 29
SPLITS = (('Train', 'train'), ('Valid', 'val'), ('Test', 'test'))
LANDMARK_DIR = osp.join('Annotations', 'Cephalometric Landmarks')


def find_dir(parent: str, name: str) -> str:
    """A child folder matched case-insensitively (releases vary)."""
    for entry in glob.glob(osp.join(parent, '*')):
        if osp.basename(entry).lower() == name.lower():
            return entry
    raise ConversionError(f'{osp.join(parent, name)}: folder not found; is '
                          f'{parent} the Aariz root?')


def read_spacings(path: str) -> dict:
    """Image id -> mm per pixel, from the release's mapping CSV."""
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
            row[size_col], where, f'pixel size ({columns[size_col]})',
            positive=True)
    return spacings


def read_points(path: str) -> np.ndarray:
    """A doctor's landmarks, in the release's order."""
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
                to_number(value[axis], where, f'value.{axis}')
                for axis in 'xy'
            ])
    return np.array(points, dtype=np.float64).reshape(-1, 2)


def convert(root: str, out_dir: str = None, ground_truth: str = 'mean',
            spacing_csv: str = None, skip_bad: bool = False,
            overwrite: bool = False) -> dict:
    out_dir = out_dir or osp.join(root, 'annotations')
    outputs = {s: osp.join(out_dir, f'{s}.json') for _, s in SPLITS}
    check_outputs_free(list(outputs.values()), overwrite)
    spacing_csv = spacing_csv or osp.join(root,
                                          'cephalogram_machine_mappings.csv')
    spacings = read_spacings(spacing_csv)
    names = landmark_names('aariz')
    counts, bad = {}, []
    for img_id, (folder, split) in enumerate(SPLITS):
        split_dir = find_dir(root, folder)
        image_dir = find_dir(split_dir, 'Cephalograms')
        records = []
        for image in sorted(glob.glob(osp.join(image_dir, '*.*'))):
            stem = osp.splitext(osp.basename(image))[0]
            try:
                doctors = {
                    who: read_points(
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
                    img_id=len(records) + 1 + 100000 * img_id,
                    file_name=osp.relpath(image, root),
                    points=points,
                    source=osp.join(split_dir, LANDMARK_DIR,
                                    f'{ground_truth} annotation of {stem}'),
                    pixel_spacing=spacings[stem]))
        good, skipped = validate(records, root, NUM_LANDMARKS, skip_bad)
        bad += skipped
        write_split(outputs[split], good, names, 'cephalogram')
        counts[split] = len(good)
    report_skipped(bad)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('root')
    parser.add_argument('--out-dir', help='default: ROOT/annotations')
    parser.add_argument('--ground-truth', default='mean',
                        choices=['mean', 'senior', 'junior'])
    parser.add_argument('--spacing-csv',
                        help='default: ROOT/cephalogram_machine_mappings.csv')
    parser.add_argument('--skip-bad', action='store_true')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        counts = convert(args.root, args.out_dir, args.ground_truth,
                         args.spacing_csv, args.skip_bad, args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    print(' '.join(f'{k}: {v}' for k, v in counts.items()), 'images')


if __name__ == '__main__':
    main()
