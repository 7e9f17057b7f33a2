import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpose.registry import METRICS

from hyatt_mmpose.analysis.cephalometry import measure
from hyatt_mmpose.calibration import (LandmarkCalibration, heatmap_region,
                                      spread_mm)
from hyatt_mmpose.datasets.image_identity import image_sha256
from ..functional import landmark_errors, measurement_coverage, radius_coverage
from .per_split import compute_per_split


@METRICS.register_module()
class ConformalCoverageMetric(BaseMetric):
    """Empirical coverage of the conformal radii of a calibration file
    (``tools/calibrate.py``), next to :class:`RadialErrorMetric`.

    Reports, in %, ``coverage`` (the share of annotated landmarks whose
    true point lies within the radius) and ``coverage_<landmark>``; the
    radii's ``radius_median_mm``, ``radius_mean_mm`` and the disc areas
    ``area_median_mm2``, ``area_mean_mm2``; and when the file has
    measurement margins, ``interval_coverage``, ``set_coverage`` (the true
    class within the class set) and ``set_size`` (mean classes per set),
    overall and per measurement; for each split too (``test1/coverage``).

    The adaptive score reads the spread of the finest heatmaps, so the
    model must output them: ``model.test_cfg.output_heatmaps=True``
    (``tools/test.py --calibration FILE`` sets it and adds this metric).

    Args:
        calibration (str): The calibration file.
        collect_device (str): ``'cpu'`` or ``'gpu'``, for distributed runs.
        prefix (str, optional): Prefix of the metric names.

    Raises:
        CalibrationError: If the file cannot be read, or (at evaluation)
            was made for other landmarks than the dataset's.
    """
    default_prefix: Optional[str] = None

    def __init__(self,
                 calibration: str,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.path = calibration
        self.calibration = LandmarkCalibration.load(calibration)
        # by pixels: a copy of a calibration image elsewhere is one too
        self.calibrated = set(self.calibration.record.get('image_sha256', []))

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            heatmaps = sample.get('pred_fields', {}).get('heatmaps')
            if heatmaps is None:
                raise ValueError(
                    'ConformalCoverageMetric needs the predicted heatmaps: '
                    'set model.test_cfg.output_heatmaps=True (tools/test.py '
                    '--calibration does)')
            spacing = sample.get('pixel_spacing')
            if spacing is None:
                raise ValueError(f'{sample.get("img_path")}: no '
                                 'pixel_spacing; conformal radii are in mm')
            gt = sample['gt_instances']
            self.results.append(
                dict(
                    pred=np.asarray(sample['pred_instances']['keypoints'])[0],
                    gt=np.asarray(gt['keypoints'])[0],
                    visible=np.asarray(gt['keypoints_visible'])[0] > 0,
                    spacing=np.asarray(spacing, dtype=np.float64),
                    spread=spread_mm(heatmaps.cpu().numpy(),
                                     heatmap_region(sample), spacing,
                                     self.calibration.peak_fraction),
                    split=sample.get('split'),
                    calibration_image=osp.isfile(sample.get('img_path') or '')
                    and image_sha256(sample['img_path']) in self.calibrated))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        reused = sum(r['calibration_image'] for r in results)
        if reused:
            MMLogger.get_current_instance().warning(
                f'{reused} of the {len(results)} images scored were '
                f'calibration images of {self.path}: their coverage is '
                'in-sample, not a test of the radii')
        meta = self.dataset_meta or {}
        id2name = meta.get('keypoint_id2name')
        if id2name:
            self.calibration.check_names([id2name[i] for i in sorted(id2name)],
                                         self.path)
        return compute_per_split(results, self._compute)

    def _compute(self, results: list) -> Dict[str, float]:
        cal = self.calibration
        errors = np.stack([
            landmark_errors(r['pred'], r['gt'], r['visible'], r['spacing'])
            for r in results
        ])
        radii = cal.radii_mm(np.stack([r['spread'] for r in results]))
        metrics = radius_coverage(errors, radii, cal.names)
        if cal.measurement_margins:
            spacing = np.stack([r['spacing'] for r in results])
            metrics.update(
                measurement_coverage(
                    measure(
                        np.stack([r['pred'] for r in results]), spacing,
                        cal.names),
                    measure(
                        np.stack([r['gt'] for r in results]), spacing,
                        cal.names), cal.measurement_margins))
        MMLogger.get_current_instance().info(
            f'conformal coverage at {cal.coverage:.0%} ({cal.score} score, '
            f'calibrated on {cal.n} images): {metrics["coverage"]:.2f} %, '
            f'median radius {metrics["radius_median_mm"]:.2f} mm')
        return metrics
