"""The human reference on ISBI 2015: one doctor's landmarks scored against
the other's, with the same metrics as the models.

    python tools/analysis/inter_observer.py data/isbi2015 --split Test1Data
"""
import argparse
import glob
import os.path as osp

import numpy as np

from hyatt_mmpose.datasets.conversion import (ConversionError,
                                              read_point_lines, to_number)
from hyatt_mmpose.datasets.metainfo import landmark_names
from hyatt_mmpose.evaluation import (CephalometricClassificationMetric,
                                     RadialErrorMetric)


def read(path: str) -> np.ndarray:
    """A doctor's 19 landmarks: the first 19 ``x,y`` lines of the file."""
    return read_point_lines(path, 19)


def score(root: str, split: str, pred: str = 'junior',
          truth: str = 'senior') -> dict:
    """Metrics of ``pred``'s landmarks against ``truth``'s on a split."""
    ann = osp.join(root, 'AnnotationsByMD')
    images = sorted(glob.glob(osp.join(root, 'RawImage', split, '*.*')))
    if not images:
        raise SystemExit(f'{osp.join(root, "RawImage", split)}: no images; '
                         f'is {root} the ISBI 2015 root?')
    samples = []
    for image in images:
        stem = osp.splitext(osp.basename(image))[0]
        samples.append(dict(
            img_id=to_number(stem, image, 'image name', integer=True),
            img_path=image,
            pixel_spacing=np.array([0.1, 0.1]),
            pred_instances=dict(keypoints=read(
                osp.join(ann, f'400_{pred}', f'{stem}.txt'))[None]),
            gt_instances=dict(
                keypoints=read(osp.join(ann, f'400_{truth}',
                                        f'{stem}.txt'))[None],
                keypoints_visible=np.ones((1, 19)))))
    names = landmark_names('isbi2015')
    metrics = {}
    for metric in (RadialErrorMetric(), CephalometricClassificationMetric()):
        metric.dataset_meta = dict(keypoint_id2name=dict(enumerate(names)))
        metric.process({}, samples)
        metrics.update(metric.evaluate(len(samples)))
    return metrics


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', help='the ISBI 2015 root')
    parser.add_argument('--split', default='Test1Data',
                        choices=['TrainingData', 'Test1Data', 'Test2Data'])
    parser.add_argument('--pred', default='junior',
                        choices=['junior', 'senior'])
    args = parser.parse_args()
    truth = 'senior' if args.pred == 'junior' else 'junior'
    try:
        metrics = score(args.root, args.split, args.pred, truth)
    except ConversionError as err:
        raise SystemExit(f'error: {err}')
    print(f'{args.pred} against {truth}, {args.split}')
    for key, value in metrics.items():
        print(f'{key:<12}{value:>10.2f}')


if __name__ == '__main__':
    main()
