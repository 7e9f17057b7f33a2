"""Plots of a calibration's coverage on held-out splits, as
``tools/analysis/plot_coverage.py`` makes them.

Predicts each split (SPLIT.json beside the val annotation file), and writes
``radius_vs_error_<split>.png`` (per landmark, each image's radius against
its error: points above the diagonal fell outside) and ``reliability.png``
(nominal against empirical coverage at 50-99 %, one line per split, from
the same calibration scores re-thresholded).
"""
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np

from ..calibration import LandmarkCalibration
from ..evaluation.functional import radius_coverage, reliability_curve
from ..utils.config_loading import load_config
from ..visualization import plot_radius_vs_error, plot_reliability
from .annotated_splits import predict_split, read_split, split_ann_file
from .landmark_predictor import LandmarkPredictor

#: The nominal coverages of the reliability curves.
LEVELS = tuple(np.round(np.arange(0.50, 0.995, 0.01), 2))


def report_coverage(config: str,
                    checkpoint: str,
                    calibration: str,
                    splits: Sequence[str],
                    out_dir: str,
                    cfg_options: Optional[dict] = None,
                    device: str = 'cpu') -> Dict[str, dict]:
    """Predicts each split with the calibration's radii, and writes the
    plots to ``out_dir``.

    Args:
        config (str): The model's config.
        checkpoint (str): Its checkpoint.
        calibration (str): A file of ``tools/calibrate.py`` for it.
        splits (Sequence[str]): Split names (``SPLIT.json`` beside the val
            annotation file).
        out_dir (str): Where the plots go; made if missing.
        cfg_options (dict, optional): Overrides of the config (as used in
            training).
        device (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        dict: Split name to ``n`` (images), ``coverage`` (in %),
        ``radius_median_mm``, ``area_median_mm2`` (and the other figures
        of ``radius_coverage``) and ``reliability``: the empirical coverage
        at each nominal level of ``LEVELS`` (0.50 to 0.99).

    Raises:
        CalibrationError: If the calibration does not fit the model.
        FileNotFoundError: If a split has no annotation file.
    """
    cfg = load_config(config, cfg_options)
    predictor = LandmarkPredictor(
        cfg, checkpoint, device, calibration=calibration)
    fitted: LandmarkCalibration = predictor.calibration
    os.makedirs(out_dir, exist_ok=True)
    report = {}
    for split in splits:
        infos, _ = read_split(cfg, split_ann_file(cfg, split))
        scored = predict_split(predictor, infos)
        plot_radius_vs_error(scored['errors_mm'], scored['radius_mm'],
                             fitted.names, fitted.coverage,
                             osp.join(out_dir, f'radius_vs_error_{split}.png'))
        report[split] = dict(
            radius_coverage(scored['errors_mm'], scored['radius_mm'],
                            fitted.names),
            n=len(infos),
            reliability=reliability_curve(fitted, scored['errors_mm'],
                                          scored['spreads_mm'], LEVELS))
    plot_reliability(LEVELS, {
        s: r['reliability']
        for s, r in report.items()
    }, osp.join(out_dir, 'reliability.png'))
    return report
