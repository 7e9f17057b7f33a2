"""The human reference on ISBI 2015: one doctor's landmarks scored against
the other's, with the metrics the models get."""
import glob
import os.path as osp
from typing import Dict

import numpy as np

from ..datasets.converters import (ConversionError, read_isbi2015_points,
                                   to_number)
from ..datasets.converters.isbi2015 import SPACING_MM
from ..datasets.metainfo import landmark_names
from .metrics import CephalometricClassificationMetric, RadialErrorMetric


def score_inter_observer(root: str,
                         split: str,
                         pred: str = 'junior',
                         truth: str = 'senior') -> Dict[str, float]:
    """Metrics of ``pred``'s landmarks against ``truth``'s on a split.

    Args:
        root (str): The ISBI 2015 root (``RawImage``, ``AnnotationsByMD``).
        split (str): ``'TrainingData'``, ``'Test1Data'`` or
            ``'Test2Data'``.
        pred (str): The doctor scored, ``'junior'`` or ``'senior'``.
        truth (str): The doctor taken as ground truth.

    Returns:
        dict: :class:`.RadialErrorMetric`'s and
        :class:`.CephalometricClassificationMetric`'s metrics.

    Raises:
        ConversionError: Naming the folder, if it has no images, or the
            file and line of a bad image name or annotation.
    """
    ann = osp.join(root, 'AnnotationsByMD')
    images = sorted(glob.glob(osp.join(root, 'RawImage', split, '*.*')))
    if not images:
        raise ConversionError(
            f'{osp.join(root, "RawImage", split)}: no images; is {root} the '
            'ISBI 2015 root?')
    samples = []
    for image in images:
        stem = osp.splitext(osp.basename(image))[0]
        img_id = to_number(stem, image, 'image name', integer=True)
        points = {
            who:
            read_isbi2015_points(osp.join(ann, f'400_{who}',
                                          f'{stem}.txt'))[None]
            for who in (pred, truth)
        }
        samples.append(
            dict(
                img_id=img_id,
                img_path=image,
                pixel_spacing=np.array([SPACING_MM, SPACING_MM]),
                pred_instances=dict(keypoints=points[pred]),
                gt_instances=dict(
                    keypoints=points[truth],
                    keypoints_visible=np.ones(points[truth].shape[:2]))))
    names = landmark_names('isbi2015')
    metrics = {}
    for metric in (RadialErrorMetric(), CephalometricClassificationMetric()):
        metric.dataset_meta = dict(keypoint_id2name=dict(enumerate(names)))
        metric.process({}, samples)
        metrics.update(metric.evaluate(len(samples)))
    return metrics
