"""Converts a folder of images plus a landmark CSV: a user's own data.

    python tools/dataset_converters/generic.py IMAGE_DIR LANDMARKS.csv \\
        --out data/mine/annotations/train.json

The CSV has a header and rows ``image,x1,y1,...,xK,yK[,spacing]``: the image
file name relative to IMAGE_DIR, K landmarks in pixels and, optionally, the
pixel spacing in mm. Next to the JSON it writes a metainfo file for
``LandmarkDataset(metainfo=dict(from_file=...))`` naming the landmarks as the
header does (x1 -> landmark 1 unless the header says ``<name>_x``).
"""
import argparse
import csv
import os.path as osp
import sys

import numpy as np

from hyatt_mmpose.datasets.conversion import (ConversionError, LandmarkRecord,
                                              check_outputs_free,
                                              report_skipped, validate,
                                              write_split)


def landmark_names(header: list) -> list:
    xs = header[1::2]
    return [
        h[:-2] if h.lower().endswith('_x') else f'landmark_{i + 1}'
        for i, h in enumerate(xs)
    ]


def read_rows(path: str):
    """(header, records): each record a LandmarkRecord with file:line."""
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    if not rows:
        raise ConversionError(f'{path}: empty CSV')
    header = [h.strip() for h in rows[0]]
    has_spacing = header[-1].lower() == 'spacing'
    coords = header[1:-1] if has_spacing else header[1:]
    if header[0].lower() != 'image' or not coords or len(coords) % 2:
        raise ConversionError(
            f'{path}:1: header must be image,x1,y1,...,xK,yK[,spacing]; got '
            f'{",".join(header)}')
    records = []
    for line_no, row in enumerate(rows[1:], 2):
        if not row or not row[0].strip():
            continue
        where = f'{path}:{line_no}'
        values = row[1:]
        spacing = None
        try:
            if has_spacing:
                raw = values.pop().strip()
                spacing = float(raw) if raw else None
            points = np.array([float(v) for v in values]).reshape(-1, 2)
        except ValueError:
            raise ConversionError(f'{where}: non-numeric value in '
                                  f'{row}') from None
        records.append(
            LandmarkRecord(line_no - 1, row[0].strip(), points, where,
                           spacing))
    return ['image'] + coords, records


def write_metainfo(path: str, names: list) -> None:
    lines = ['dataset_info = dict(', "    dataset_name='custom',",
             '    paper_info=dict(),', '    keypoint_info={']
    for i, name in enumerate(names):
        lines.append(f'        {i}: dict(name={name!r}, id={i}, '
                     "color=[255, 0, 0], type='', swap=''),")
    lines += ['    },', '    skeleton_info={},',
              f'    joint_weights=[1.0] * {len(names)},',
              f'    sigmas=[0.025] * {len(names)})']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def convert(image_dir: str, csv_path: str, out: str,
            skip_bad: bool = False, overwrite: bool = False) -> int:
    metainfo = osp.splitext(out)[0] + '_metainfo.py'
    check_outputs_free([out, metainfo], overwrite)
    header, records = read_rows(csv_path)
    names = landmark_names(header)
    # Image paths in the JSON are relative to the image folder: use it as
    # the data root.
    good, bad = validate(records, image_dir, len(names), skip_bad)
    write_split(out, good, names, 'landmarks')
    write_metainfo(metainfo, names)
    report_skipped(bad)
    return len(good)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('image_dir')
    parser.add_argument('csv')
    parser.add_argument('--out', required=True, help='the JSON to write')
    parser.add_argument('--skip-bad', action='store_true')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        count = convert(args.image_dir, args.csv, args.out, args.skip_bad,
                        args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    print(f'{count} images written to {args.out} (data_root: '
          f'{args.image_dir})')


if __name__ == '__main__':
    main()
