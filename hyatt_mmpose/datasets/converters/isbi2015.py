"""The ISBI 2015 challenge layout.

``RawImage/{TrainingData,Test1Data,Test2Data}/NNN.<any extension>`` and
``AnnotationsByMD/400_{senior,junior}/NNN.txt`` (the first 19 ``x,y``
lines; the original release may add lines after them). Val, and on request
a calibration split (``cal``, for conformal radii), are drawn from the 150
training images with a fixed seed, so that checkpoints are never chosen on a
test set and calibration images are never trained on. Spacing: 0.1 mm per
pixel.
"""
import glob
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..metainfo import landmark_names
from .coco_writer import split_json_paths, write_coco
from .entries import to_number
from .errors import ConversionError
from .records import LandmarkRecord, ground_truth_points, validate
from .reports import report_skipped
from .splits import seeded_split
from .text_files import read_point_lines

NUM_LANDMARKS = 19
SPACING_MM = 0.1
SPLITS = (('TrainingData', 'train'), ('Test1Data', 'test1'), ('Test2Data',
                                                              'test2'))


def read_isbi2015_points(path: str) -> np.ndarray:
    """A doctor's landmarks: the first 19 ``x,y`` lines of the file.

    Args:
        path (str): An ``AnnotationsByMD`` file.

    Returns:
        np.ndarray: ``(19, 2)`` points in pixels.

    Raises:
        ConversionError: Naming the file and line.
    """
    return read_point_lines(path, NUM_LANDMARKS)


def read_records(
        root: str, ground_truth: str,
        skip_bad: bool) -> Tuple[Dict[str, List[LandmarkRecord]], List[str]]:
    """The records of each folder's split.

    Args:
        root (str): The ISBI 2015 root.
        ground_truth (str): ``'senior'``, ``'junior'`` or ``'mean'``.
        skip_bad (bool): Whether to leave bad entries out.

    Returns:
        tuple: split -> records, and a message for each entry left out.

    Raises:
        ConversionError: If a folder has no images, or on a bad entry
            unless ``skip_bad``.
    """
    ann_dir = osp.join(root, 'AnnotationsByMD')
    records, bad = {}, []
    for folder, split in SPLITS:
        images = sorted(glob.glob(osp.join(root, 'RawImage', folder, '*.*')))
        if not images:
            raise ConversionError(
                f'{osp.join(root, "RawImage", folder)}: no images; is '
                f'{root} the ISBI 2015 root?')
        records[split] = []
        for image in images:
            stem = osp.splitext(osp.basename(image))[0]
            try:
                img_id = to_number(stem, image, 'image name', integer=True)
                doctors = {
                    who:
                    read_isbi2015_points(
                        osp.join(ann_dir, f'400_{who}', f'{stem}.txt'))
                    for who in ('senior', 'junior')
                }
                points = ground_truth_points(
                    doctors, ground_truth,
                    osp.join(ann_dir, '400_*', f'{stem}.txt'))
            except ConversionError as err:
                if not skip_bad:
                    raise
                bad.append(str(err))
                continue
            records[split].append(
                LandmarkRecord(
                    img_id=img_id,
                    file_name=osp.relpath(image, root),
                    points=points,
                    # With the mean there is no one file: name both.
                    source=osp.join(
                        ann_dir, '400_*' if ground_truth == 'mean' else
                        f'400_{ground_truth}', f'{stem}.txt'),
                    pixel_spacing=SPACING_MM))
    return records, bad


def convert_isbi2015(root: str,
                     out_dir: Optional[str] = None,
                     ground_truth: str = 'mean',
                     val_size: int = 20,
                     cal_size: int = 0,
                     seed: int = 0,
                     skip_bad: bool = False,
                     overwrite: bool = False) -> Dict[str, int]:
    """Writes train, val, test1 and test2 JSON (and cal if ``cal_size``),
    image paths relative to ``root``.

    Args:
        root (str): The ISBI 2015 root (``RawImage``, ``AnnotationsByMD``).
        out_dir (str, optional): Where the JSON goes; default
            ``root/annotations``.
        ground_truth (str): ``'senior'``, ``'junior'`` or their ``'mean'``.
        val_size (int): Training images drawn as val.
        cal_size (int): Training images drawn as the calibration split
            ``cal`` after val (val stays the same images); 0 for none. 19 is
            the fewest that a 95 % conformal radius needs.
        seed (int): The seed of those draws.
        skip_bad (bool): Leave bad entries out and list them.
        overwrite (bool): Replace existing JSON.

    Returns:
        dict: Split -> number of images.

    Raises:
        ConversionError: On a bad entry, unless ``skip_bad``.
        FileExistsError: If an output exists, unless ``overwrite``.
    """
    if cal_size < 0 or val_size < 0:
        raise ConversionError(
            f'val_size {val_size} and cal_size {cal_size}: give counts of '
            '0 or more training images')
    names = ('train', 'val', 'cal', 'test1',
             'test2') if cal_size else ('train', 'val', 'test1', 'test2')
    outputs = split_json_paths(
        out_dir or osp.join(root, 'annotations'), names, overwrite)
    records, bad = read_records(root, ground_truth, skip_bad)
    splits = {}
    for split, recs in records.items():
        good, skipped = validate(recs, root, NUM_LANDMARKS, skip_bad)
        bad += skipped
        splits[split] = good
    carved = dict(
        val=val_size, cal=cal_size) if cal_size else dict(val=val_size)
    splits.update(seeded_split(splits.pop('train'), carved, seed))
    info = dict(dataset='isbi2015', ground_truth=ground_truth, seed=seed)
    for split in names:
        write_coco(outputs[split], splits[split], landmark_names('isbi2015'),
                   'cephalogram', dict(info, split=split))
    report_skipped(bad)
    return {split: len(splits[split]) for split in names}
