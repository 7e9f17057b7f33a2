"""Plots of a calibration's coverage on held-out splits.

    python tools/analysis/plot_coverage.py CONFIG CKPT --calibration CAL \\
        --splits test1 test2 --out-dir coverage

Predicts each split (SPLIT.json beside the val annotation file), and writes
``radius_vs_error_<split>.png`` (per landmark, each image's radius against
its error: points above the diagonal fell outside) and ``reliability.png``
(nominal against empirical coverage at 50-99 %, one line per split, from
the same calibration scores re-thresholded), and prints the figures.
"""
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np

from ..calibration import LandmarkCalibration
from ..evaluation.functional import radius_coverage, reliability_curve
from ..visualization import plot_radius_vs_error, plot_reliability
from .annotated_splits import predict_split, read_split, split_ann_file
from .command_line import add_run_options, load_config, model_parser
from .landmark_predictor import LandmarkPredictor

LEVELS = tuple(np.round(np.arange(0.50, 0.995, 0.01), 2))


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, np.ndarray]:
    """``tools/analysis/plot_coverage.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        dict: Split name to its empirical coverage at each of ``LEVELS``.

    Raises:
        CalibrationError: If the calibration does not fit the model.
        FileNotFoundError: If a split has no annotation file.
    """
    parser = model_parser(__doc__)
    parser.add_argument('--calibration', required=True)
    parser.add_argument('--splits', nargs='+', default=['test1', 'test2'])
    parser.add_argument('--out-dir', default='coverage')
    add_run_options(parser)
    args = parser.parse_args(argv)
    cfg = load_config(args)
    predictor = LandmarkPredictor(
        cfg, args.checkpoint, args.device, calibration=args.calibration)
    calibration: LandmarkCalibration = predictor.calibration
    os.makedirs(args.out_dir, exist_ok=True)
    curves = {}
    print(f'{"split":<10}{"n":>5}{"coverage %":>12}{"median r mm":>13}'
          f'{"median area mm2":>17}')
    for split in args.splits:
        infos, _ = read_split(cfg, split_ann_file(cfg, split))
        scored = predict_split(predictor, infos)
        figures = radius_coverage(scored['errors_mm'], scored['radius_mm'],
                                  calibration.names)
        print(f'{split:<10}{len(infos):>5}{figures["coverage"]:>12.2f}'
              f'{figures["radius_median_mm"]:>13.2f}'
              f'{figures["area_median_mm2"]:>17.2f}')
        plot_radius_vs_error(
            scored['errors_mm'], scored['radius_mm'], calibration.names,
            calibration.coverage,
            osp.join(args.out_dir, f'radius_vs_error_{split}.png'))
        curves[split] = reliability_curve(calibration, scored['errors_mm'],
                                          scored['spreads_mm'], LEVELS)
    plot_reliability(LEVELS, curves, osp.join(args.out_dir, 'reliability.png'))
    print('nominal -> empirical coverage (%): ' + '; '.join(
        f'{split} ' + ', '.join(f'{100 * lv:.0f}->{100 * c:.1f}'
                                for lv, c in zip(LEVELS, curve)
                                if round(100 * lv) % 10 == 0 or lv == 0.95)
        for split, curve in curves.items()))
    print(f'written: {args.out_dir}/reliability.png, '
          'radius_vs_error_<split>.png')
    return curves
