"""A folder of images plus a landmark CSV: a user's own data.

The CSV has a header and rows ``image,x1,y1,...,xK,yK[,spacing]``: the image
file name relative to the image folder, K landmarks in pixels and,
optionally, the pixel spacing in mm. Next to the JSON goes a metainfo file
for ``LandmarkDataset(metainfo=dict(from_file=...))`` naming the landmarks
as the header does (x1 -> landmark 1 unless the header says ``<name>_x``).
"""
import os.path as osp
from typing import List, Sequence, Tuple

import numpy as np

from ...utils.atomic_write import atomic_write
from ...utils.overwrite_guard import check_outputs_free
from .coco_writer import write_coco
from .entries import to_number
from .errors import ConversionError
from .records import LandmarkRecord, validate
from .reports import report_skipped
from .text_files import read_csv_rows


def names_from_header(header: Sequence[str]) -> List[str]:
    """The landmark names a CSV header gives.

    Args:
        header (Sequence[str]): ``image,x1,y1,...`` (coordinates only, no
            spacing column).

    Returns:
        list[str]: ``<name>`` of each ``<name>_x`` column, else
        ``landmark_<k>``.
    """
    xs = header[1::2]
    return [
        h[:-2] if h.lower().endswith('_x') else f'landmark_{i + 1}'
        for i, h in enumerate(xs)
    ]


def read_rows(path: str) -> Tuple[List[str], List[LandmarkRecord]]:
    """The header's columns and a record per row.

    Args:
        path (str): The landmark CSV.

    Returns:
        tuple: ``['image', x1, y1, ...]`` and the records, each naming its
        ``file:line``.

    Raises:
        ConversionError: Naming the line of a bad header or row.
    """
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


def write_metainfo(path: str, names: Sequence[str]) -> None:
    """Writes a metainfo file (mmpose's ``dataset_info``) for ``names``.

    Args:
        path (str): The ``.py`` file.
        names (Sequence[str]): The landmark names, in order.
    """
    lines = [
        'dataset_info = dict(', "    dataset_name='custom',",
        '    paper_info=dict(),', '    keypoint_info={'
    ]
    for i, name in enumerate(names):
        lines.append(f'        {i}: dict(name={name!r}, id={i}, '
                     "color=[255, 0, 0], type='', swap=''),")
    lines += [
        '    },', '    skeleton_info={},',
        f'    joint_weights=[1.0] * {len(names)},',
        f'    sigmas=[0.025] * {len(names)})'
    ]
    with atomic_write(path) as f:
        f.write('\n'.join(lines) + '\n')


def convert_generic(image_dir: str,
                    csv_path: str,
                    out: str,
                    skip_bad: bool = False,
                    overwrite: bool = False) -> int:
    """Writes ``out`` and its ``<out>_metainfo.py``.

    Args:
        image_dir (str): The images; the file names of the CSV are
            relative to it, and so the data root of the JSON.
        csv_path (str): The landmark CSV.
        out (str): The JSON to write.
        skip_bad (bool): Leave bad entries out and list them.
        overwrite (bool): Replace the JSON and metainfo file.

    Returns:
        int: The number of images written.

    Raises:
        ConversionError: On a bad entry, unless ``skip_bad``.
        FileExistsError: If an output exists, unless ``overwrite``.
    """
    metainfo = osp.splitext(out)[0] + '_metainfo.py'
    check_outputs_free([out, metainfo], overwrite)
    header, records = read_rows(csv_path)
    names = names_from_header(header)
    good, bad = validate(records, image_dir, len(names), skip_bad)
    write_coco(out, good, names, 'landmarks')
    write_metainfo(metainfo, names)
    report_skipped(bad)
    return len(good)
