from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpose.registry import METRICS

from hyatt_mmpose.analysis.cephalometry import (MEASUREMENTS, NUM_CLASSES,
                                                classify, measure)
from ..functional import balanced_recall
from .per_split import compute_per_split


@METRICS.register_module()
class CephalometricClassificationMetric(BaseMetric):
    """Scores the ISBI 2015 clinical measurements of predicted landmarks.

    For each measurement of :mod:`hyatt_mmpose.analysis.cephalometry` (SNA,
    SNB, ANB, ODI, APDI, FHI, FMA, MW), computed from the predicted and the
    ground-truth landmarks with each image's ``pixel_spacing``:

    - ``SCR_{m}``: the challenge's success classification rate, the
      per-class recalls summed and divided by 3 (see
      :func:`hyatt_mmpose.evaluation.functional.balanced_recall`), in %;
    - ``ACC_{m}``: plain classification accuracy, in %;
    - ``MAE_{m}``: mean absolute error of the value (degrees; mm for MW;
      a ratio for FHI);

    and ``SCR_mean`` over the eight, for all images and, when they come from
    several splits, for each (``test1/SCR_mean``, ...). The dataset must
    name the landmarks the measurements use (ISBI 2015, Aariz, CL-Detection
    2023 do).

    Args:
        collect_device (str): ``'cpu'`` or ``'gpu'``, for distributed runs.
        prefix (str, optional): Prefix of the metric names.
    """
    default_prefix: Optional[str] = None

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            spacing = sample.get('pixel_spacing')
            if spacing is None:
                raise ValueError(
                    f'{sample.get("img_path")}: no pixel_spacing; the '
                    'cephalometric measurements need millimetres')
            self.results.append(
                dict(
                    pred=np.asarray(sample['pred_instances']['keypoints'])[0],
                    gt=np.asarray(sample['gt_instances']['keypoints'])[0],
                    spacing=np.asarray(spacing, dtype=np.float64),
                    split=sample.get('split')))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        return compute_per_split(results, self._compute)

    def _compute(self, results: list) -> Dict[str, float]:
        meta = self.dataset_meta or {}
        id2name = meta.get('keypoint_id2name')
        names = [id2name[i] for i in sorted(id2name)] if id2name else None
        spacing = np.stack([r['spacing'] for r in results])
        pred = measure(np.stack([r['pred'] for r in results]), spacing, names)
        truth = measure(np.stack([r['gt'] for r in results]), spacing, names)
        pred_cls, true_cls = classify(pred), classify(truth)
        metrics = {}
        for m in MEASUREMENTS:
            metrics[f'SCR_{m}'] = balanced_recall(true_cls[m], pred_cls[m],
                                                  NUM_CLASSES[m])
            metrics[f'ACC_{m}'] = float(
                np.mean(true_cls[m] == pred_cls[m]) * 100)
            metrics[f'MAE_{m}'] = float(np.mean(np.abs(pred[m] - truth[m])))
        metrics['SCR_mean'] = float(
            np.mean([metrics[f'SCR_{m}'] for m in MEASUREMENTS]))
        MMLogger.get_current_instance().info(
            'cephalometric classification (SCR / ACC in %, MAE):\n' +
            '\n'.join(f'{m:<6}{metrics[f"SCR_{m}"]:>8.2f}'
                      f'{metrics[f"ACC_{m}"]:>8.2f}'
                      f'{metrics[f"MAE_{m}"]:>8.3f}' for m in MEASUREMENTS))
        return metrics
