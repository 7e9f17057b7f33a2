from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger
from mmpose.registry import METRICS

from hyatt_mmpose.utils.spreadsheet_csv import write_spreadsheet_csv
from ..functional import landmark_errors, mre_sdr, reference_spacing
from .per_split import compute_per_split


@METRICS.register_module()
class RadialErrorMetric(BaseMetric):
    """Radial error of anatomical landmarks, in millimetres.

    The error of a landmark is its distance to the ground truth in
    original-image pixels, each axis times that image's ``pixel_spacing``
    (carried by :class:`.LandmarkDataset`). Landmarks that are not visible in
    the ground truth are left out, never counted as zero error.

    Reports ``MRE`` and ``MRE_std`` (mean and standard deviation over all
    landmark errors) and ``SDR_{t}mm`` for each threshold ``t``: the share,
    in %, of landmarks with error <= t. If any image has no spacing (and no
    ``reference_distance`` is given), every figure is in pixels and the keys
    say so: ``MRE_px``, ``MRE_std_px``, ``SDR_{t}px``. Annotated landmarks
    whose prediction had no heatmap peak (score <= 0) are scored at the
    head's no-peak marker, counted in ``no_peak`` and named in a warning.

    Args:
        thresholds (Sequence[float]): SDR thresholds, in mm (or px).
        reference_distance (dict, optional): Derive each image's (isotropic)
            spacing from a known anatomical distance instead, e.g. the hand
            protocol's ``dict(landmarks=(0, 4), mm=50.0)``: the ground-truth
            distance between the two landmarks is taken to be ``mm``.
        errors_csv (str, optional): Write every image's per-landmark errors
            to this CSV file (written atomically).
        collect_device (str): ``'cpu'`` or ``'gpu'``, for distributed runs.
        prefix (str, optional): Prefix of the metric names.
    """
    default_prefix: Optional[str] = None

    def __init__(self,
                 thresholds: Sequence[float] = (2.0, 2.5, 3.0, 4.0),
                 reference_distance: Optional[Dict] = None,
                 errors_csv: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.thresholds = [float(t) for t in thresholds]
        if reference_distance is not None:
            if set(reference_distance) != {'landmarks', 'mm'} or \
                    len(reference_distance['landmarks']) != 2:
                raise ValueError(
                    'reference_distance must be dict(landmarks=(i, j), '
                    f'mm=distance), got {reference_distance!r}')
        self.reference_distance = reference_distance
        self.errors_csv = errors_csv

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            gt = sample['gt_instances']
            self.results.append(
                dict(
                    img_id=sample.get('img_id'),
                    img_path=sample.get('img_path'),
                    pred=np.asarray(sample['pred_instances']['keypoints'])[0],
                    # none for annotators' points (inter-observer scoring)
                    scores=_first(
                        sample['pred_instances'].get('keypoint_scores')),
                    gt=np.asarray(gt['keypoints'])[0],
                    visible=np.asarray(gt['keypoints_visible'])[0] > 0,
                    spacing=sample.get('pixel_spacing'),
                    split=sample.get('split')))

    def _spacing(self, result: dict) -> Optional[np.ndarray]:
        if self.reference_distance is None:
            spacing = result['spacing']
            return None if spacing is None else np.asarray(spacing, float)
        return reference_spacing(result['gt'], result['visible'],
                                 self.reference_distance['landmarks'],
                                 self.reference_distance['mm'],
                                 f'image {result["img_path"]}')

    def radial_errors(self, results: List[dict]) -> Tuple[np.ndarray, str]:
        """Per-landmark errors (N, K), NaN where not annotated, and the unit
        (``'mm'`` or ``'px'``)."""
        spacings = [self._spacing(r) for r in results]
        unit = 'px' if any(s is None for s in spacings) else 'mm'
        errors = [
            landmark_errors(r['pred'], r['gt'], r['visible'],
                            None if unit == 'px' else s)
            for r, s in zip(results, spacings)
        ]
        return np.stack(errors), unit

    def compute_metrics(self, results: list) -> Dict[str, float]:
        if self.errors_csv:
            self._write_csv(results, *self.radial_errors(results))
        return compute_per_split(results, self._compute)

    def _compute(self, results: list) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        errors, unit = self.radial_errors(results)
        if unit == 'px':
            missing = sum(r['spacing'] is None for r in results)
            logger.warning(f'{missing} of {len(results)} images have no '
                           'pixel_spacing: radial errors are in pixels')
        metrics = mre_sdr(errors, self.thresholds, unit)
        no_peak = [(r['img_path'], k) for r, e in zip(results, errors)
                   if r['scores'] is not None
                   for k in np.flatnonzero(~(r['scores'] > 0) & ~np.isnan(e))]
        if no_peak:
            # scored where the head put them (its no-peak marker), so they
            # count as failures; said, so that they are not taken for
            # ordinary errors
            names = (self.dataset_meta or {}).get('keypoint_id2name', {})
            metrics['no_peak'] = len(no_peak)
            logger.warning(
                f'{len(no_peak)} annotated landmark(s) without a heatmap '
                'peak, scored at the no-peak marker, e.g. ' +
                ', '.join(f'{names.get(k, k)} of {path}'
                          for path, k in no_peak[:3]))
        logger.info('\n' + self._landmark_table(errors, unit))
        return metrics

    def _landmark_table(self, errors: np.ndarray, unit: str) -> str:
        names = (self.dataset_meta or {}).get('keypoint_id2name', {})
        header = f'{"landmark":<28}{"MRE":>8}' + ''.join(
            f'{"SDR" + str(t):>10}' for t in self.thresholds)
        lines = [f'per-landmark radial error ({unit}, SDR in %)', header]
        for k in range(errors.shape[1]):
            col = errors[:, k][~np.isnan(errors[:, k])]
            if not col.size:
                continue
            row = f'{names.get(k, str(k)):<28}{col.mean():>8.3f}'
            row += ''.join(f'{(col <= t).mean() * 100:>10.2f}'
                           for t in self.thresholds)
            lines.append(row)
        return '\n'.join(lines)

    def _write_csv(self, results: list, errors: np.ndarray, unit: str):
        names = (self.dataset_meta or {}).get('keypoint_id2name', {})
        cols = [names.get(k, f'landmark_{k}') for k in range(errors.shape[1])]
        fields = ['img_id', 'img_path', 'split', 'unit'] + cols
        write_spreadsheet_csv(self.errors_csv, fields, [
            dict(
                zip(fields, [r['img_id'], r['img_path'], r['split'], unit] +
                    ['' if np.isnan(e) else f'{e:.4f}' for e in err]))
            for r, err in zip(results, errors)
        ])


def _first(values) -> Optional[np.ndarray]:
    """The first instance's values, or None."""
    return None if values is None else np.asarray(values)[0]
