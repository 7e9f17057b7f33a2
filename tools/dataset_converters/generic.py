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
import os.path as osp
import sys

import numpy as np

from hyatt_mmpose.datasets.conversion import (ConversionError, LandmarkRecord,
                                              check_outputs_free,
                                              read_csv_rows, report_skipped,
                                              to_number, validate,
                                              write_split)


def landmark_names(header: list) -> list:
    xs = header[1::2]
    return [
        h[:-2] if h.lower().endswith('_x') else f'landmark_{i + 1}'
        for i, h in enumerate(xs)
    ]


def read_rows(path: str):
    """(header, records): each record a LandmarkRecord with file:line."""
    rows = read_csv_rows(path, 'landmark CSV')
    if not rows:
        raise ConversionError(f'{path}: empty CSV; expected a header '
                              'image,x1,y1,...,xK,yK[,spacing] and rows')
    header_line, header = rows[0]
    # Spreadsheets may write empty cells after the last titled column.
    while header and not header[-1]:
        header.pop()
    has_spacing = bool(header) and header[-1].lower() == 'spacing'
    coords = header[1:-1] if has_spacing else header[1:]
    if not header or header[0].lower() != 'image' or not coords \
            or len(coords) % 2:
        raise ConversionError(
            f'{path}:{header_line}: header must be '
            f'image,x1,y1,...,xK,yK[,spacing]; got {",".join(header)!r}')
    records = []
    for line_no, row in rows[1:]:
        where = f'{path}:{line_no}'
        if any(row[len(header):]):
            raise ConversionError(
                f'{where}: {len(row)} cells, more than the header\'s '
                f'{len(header)}')
        if not row[0]:
            raise ConversionError(f'{where}: no image file name in the '
                                  'first column')
        cells = row[1:len(header)]
        if len(cells) < len(coords):
            raise ConversionError(
                f'{where}: {len(cells)} values, expected {len(coords)} '
                f'coordinates ({",".join(coords)}) as in the header')
        # A missing or empty last cell is an unknown spacing.
        spacing = None
        if has_spacing and len(cells) > len(coords) and cells[-1]:
            spacing = to_number(cells[-1], where, 'spacing', positive=True)
        points = np.array([
            to_number(v, where, name)
            for v, name in zip(cells[:len(coords)], coords)
        ]).reshape(-1, 2)
        records.append(
            LandmarkRecord(line_no - 1, row[0], points, where, spacing))
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
