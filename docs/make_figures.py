"""Draws the documentation's one data-derived picture, by hand:

    .venv/bin/python docs/make_figures.py ../shared/data/isbi2015

``docs/_static/isbi2015_ground_truth.jpg``: an ISBI 2015 cephalogram with
the ground truth (the mean of the two doctors' points, the convention of
most papers and of our configs), its 19 numbered landmarks, the planes of
the cephalometric measurements and a legend, drawn by the same code as the
overlays of ``tools/predict.py`` (:mod:`hyatt_mmpose.visualization`), then
scaled down so the committed file stays under about 200 KB. The image is
ISBI 2015 challenge data (CC BY-NC 4.0, Wang et al. 2016); nothing else of
the data set is committed.
"""
import argparse
import os.path as osp

import cv2
import numpy as np

from hyatt_mmpose.datasets.converters import read_isbi2015_points
from hyatt_mmpose.datasets.metainfo import landmark_names
from hyatt_mmpose.visualization import add_legend, draw_landmarks, draw_planes

HERE = osp.dirname(osp.abspath(__file__))
OUT = osp.join(HERE, '_static', 'isbi2015_ground_truth.jpg')
HEIGHT = 900  # px of the committed picture
QUALITY = 85  # JPEG


def ground_truth_figure(root: str, image_id: str) -> np.ndarray:
    """The drawing at full resolution, legend included (BGR uint8)."""
    image = cv2.imread(
        osp.join(root, 'RawImage', 'TrainingData', f'{image_id}.jpg'))
    if image is None:
        raise SystemExit(f'error: no image {image_id}.jpg under '
                         f'{root}/RawImage/TrainingData')
    doctors = [
        read_isbi2015_points(
            osp.join(root, 'AnnotationsByMD', f'400_{doctor}',
                     f'{image_id}.txt')) for doctor in ('senior', 'junior')
    ]
    points = np.mean(doctors, axis=0)
    names = landmark_names('isbi2015')
    canvas = draw_planes(image, points, names)
    canvas = draw_landmarks(canvas, points)
    return add_legend(canvas, [n.replace('_', ' ') for n in names])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'root', help='the ISBI 2015 folder (RawImage/, '
        'AnnotationsByMD/)')
    parser.add_argument('--image', default='001', help='training image id')
    args = parser.parse_args()
    figure = ground_truth_figure(args.root, args.image)
    scale = HEIGHT / figure.shape[0]
    small = cv2.resize(
        figure, (round(figure.shape[1] * scale), HEIGHT),
        interpolation=cv2.INTER_AREA)
    cv2.imwrite(OUT, small, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])
    print(f'{OUT}: {small.shape[1]} x {small.shape[0]}, '
          f'{osp.getsize(OUT) / 1024:.0f} KB')


if __name__ == '__main__':
    main()
