"""Landmarks on image files, written to a folder as ``tools/predict.py``
writes them: the inputs expanded (files, folders, globs), each image's
outputs named so that none replaces another, the images predicted a batch at
a time and their records written (:mod:`.prediction_records`), under a lock
on the folder.
"""
import glob
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple, Union

from mmengine.utils import ProgressBar

from ..datasets.image_io import is_dicom, read_radiograph
from ..utils import check_outputs_free, output_lock
from .landmark_predictor import LandmarkPredictor
from .prediction_records import write_landmark_table, write_prediction

#: The file extensions a folder's images are found by (DICOM files also
#: without one, by their content).
IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.dcm')
#: The run's table, in the output folder.
TABLE = 'landmarks.csv'


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


def predict_to_folder(
        predictor: LandmarkPredictor,
        paths: Sequence[str],
        out_dir: str,
        spacing: Union[float, Sequence[float], None] = None,
        draw_ceph_planes: bool = False,
        overwrite: bool = False) -> Tuple[List[dict], List[str], List[str]]:
    """Predicts the images and writes, in ``out_dir``, each one's JSON and
    overlay (:func:`write_prediction`, named by :func:`output_names`) and
    ``landmarks.csv``.

    Each file is read once; one that cannot be read is reported and costs
    only itself. The folder is locked meanwhile: two runs would each write
    the table, one replacing the other's rows.

    Args:
        predictor (LandmarkPredictor): The model (its ``batch_size`` images
            are read and predicted at a time; with a calibration, the
            measurements get its intervals).
        paths (Sequence[str]): The images (see :func:`expand_inputs`).
        out_dir (str): The output folder.
        spacing (float | Sequence[float], optional): mm per pixel for every
            image, over the files' own.
        draw_ceph_planes (bool): Draw the cephalometric planes too.
        overwrite (bool): Replace an earlier run's outputs (its table, and
            the JSON and overlays of the same images).

    Returns:
        tuple[list[dict], list[str], list[str]]: the rows of
        ``landmarks.csv``, why each unreadable file failed, and the
        predictions' warnings.

    Raises:
        OutputLockedError: If another run is writing to ``out_dir``.
        FileExistsError: If an output exists, unless ``overwrite``; before
            anything is written.
    """
    names = output_names(paths)
    margins = predictor.calibration.measurement_margins \
        if predictor.calibration else None
    table = osp.join(out_dir, TABLE)
    rows, failed, warned = [], [], []
    with output_lock(table):
        check_outputs_free([table] + [
            osp.join(out_dir, f'{name}{suffix}') for name in names.values()
            for suffix in ('.json', '_overlay.png')
        ], overwrite)
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
                    write_prediction(result, radiograph.image, out_dir,
                                     names[path], draw_ceph_planes, margins))
                if progress:
                    progress.update()
        if rows:
            write_landmark_table(table, rows)
    return rows, failed, warned
