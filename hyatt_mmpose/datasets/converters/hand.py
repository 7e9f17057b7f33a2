"""The Digital Hand Atlas radiographs and their 37-landmark CSV.

``images/<id>.<any extension>`` and ``all.csv`` (rows of
``id,x0,y0,...,x36,y36`` in pixels, no header). CSV rows whose image is
absent are left out and returned; the rest are split into train, val and
test, either at random from a seed or from id lists (one id per line). The
images carry no pixel spacing: evaluate in mm with
``RadialErrorMetric(reference_distance=dict(landmarks=(0, 4), mm=50.0))``.
"""
import glob
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..metainfo import landmark_names
from .coco_writer import split_json_paths, write_coco
from .entries import to_number
from .errors import ConversionError
from .records import LandmarkRecord, validate
from .reports import report_skipped
from .splits import seeded_split
from .text_files import read_csv_rows, read_lines

NUM_LANDMARKS = 37
SPLITS = ('train', 'val', 'test')


def read_hand_csv(path: str) -> List[Tuple[int, np.ndarray, str]]:
    """The rows of ``all.csv``.

    Args:
        path (str): The CSV file.

    Returns:
        list[tuple]: ``(id, (37, 2) points, 'file:line')`` per row.

    Raises:
        ConversionError: Naming the line and column of a bad cell.
    """
    rows = []
    for line_no, row in read_csv_rows(path, 'landmark CSV'):
        where = f'{path}:{line_no}'
        img_id = to_number(row[0], where, 'id (first column)', integer=True)
        values = np.array([
            to_number(v, where, f'{"xy"[i % 2]}{i // 2} (column {i + 2})')
            for i, v in enumerate(row[1:])
        ])
        if values.size % 2:
            raise ConversionError(
                f'{where}: odd number of coordinates ({values.size}); '
                'expected "id,x0,y0,...,x36,y36"')
        rows.append((img_id, values.reshape(-1, 2), where))
    return rows


def read_ids(path: str) -> List[int]:
    """The ids of an id list, one a line.

    Args:
        path (str): The list.

    Returns:
        list[int]: The ids.

    Raises:
        ConversionError: Naming the line of one that is not a whole number.
    """
    return [
        to_number(line, f'{path}:{line_no}', 'id', integer=True)
        for line_no, line in read_lines(path, 'id list')
    ]


def convert_hand(root: str,
                 out_dir: Optional[str] = None,
                 csv_path: Optional[str] = None,
                 val_fraction: float = 0.1,
                 test_fraction: float = 0.2,
                 seed: int = 0,
                 id_lists: Optional[Dict[str, str]] = None,
                 skip_bad: bool = False,
                 overwrite: bool = False) -> Tuple[Dict[str, int], List[int]]:
    """Writes train, val and test JSON, image paths relative to ``root``.

    Args:
        root (str): The folder with ``images/`` and ``all.csv``.
        out_dir (str, optional): Where the JSON goes; default
            ``root/annotations``.
        csv_path (str, optional): The landmark CSV; default
            ``root/all.csv``.
        val_fraction (float): Share of the images drawn as val.
        test_fraction (float): Share of the images drawn as test.
        seed (int): The seed of the draw.
        id_lists (dict, optional): Split -> its id list file, in place of
            the draw.
        skip_bad (bool): Leave bad entries out and list them.
        overwrite (bool): Replace existing JSON.

    Returns:
        tuple: Split -> number of images, and the ids of CSV rows whose
        image is absent.

    Raises:
        ConversionError: On a bad entry, unless ``skip_bad``.
        FileExistsError: If an output exists, unless ``overwrite``.
    """
    outputs = split_json_paths(
        out_dir or osp.join(root, 'annotations'), SPLITS, overwrite)
    images = {
        osp.splitext(osp.basename(p))[0]: p
        for p in glob.glob(osp.join(root, 'images', '*.*'))
    }
    records, missing = [], []
    for img_id, points, where in read_hand_csv(
            csv_path or osp.join(root, 'all.csv')):
        path = images.get(str(img_id))
        if path is None:
            missing.append(img_id)
            continue
        records.append(
            LandmarkRecord(img_id, osp.relpath(path, root), points, where))
    good, bad = validate(records, root, NUM_LANDMARKS, skip_bad)
    if id_lists:
        by_id = {rec.img_id: (rec, w, h) for rec, w, h in good}
        parts = {}
        for split in SPLITS:
            ids = sorted(read_ids(id_lists[split]))
            parts[split] = [by_id[i] for i in ids if i in by_id]
    else:
        good.sort(key=lambda item: item[0].img_id)
        parts = seeded_split(
            good,
            dict(
                val=int(round(val_fraction * len(good))),
                test=int(round(test_fraction * len(good)))), seed)
    names = landmark_names('hand')
    for split in SPLITS:
        write_coco(outputs[split], parts[split], names, 'hand')
    report_skipped(bad)
    return {split: len(parts[split]) for split in SPLITS}, missing
