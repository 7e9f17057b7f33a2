"""The calibration file: conformal thresholds per landmark (and per
cephalometric measurement), with a record of how they were obtained."""
import json
import math
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..utils.atomic_write import atomic_write
from ..utils.sealed_json import check_seal, read_json_strict, seal
from .conformal import (conformal_rank, conformal_threshold,
                        min_calibration_size)

FORMAT = 'hyatt_mmpose landmark calibration 1'
# radial: the radial error in mm; adaptive: that error over the heatmap
# spread in mm (see heatmap_spread), so that wide heatmaps get wide radii
SCORES = ('radial', 'adaptive')

REWRITE = 'run tools/calibrate.py again to write it'


class CalibrationError(ValueError):
    """A calibration file that cannot be used (says which and why)."""


class LandmarkCalibration:
    """Split conformal thresholds for every landmark.

    A landmark's radius at ``coverage`` is its threshold (``'radial'``
    score, mm) or its threshold times the prediction's heatmap spread in mm
    (``'adaptive'``). On exchangeable images the true point lies within the
    radius with probability at least ``coverage``, landmark by landmark.
    Measurements get a margin: the threshold of their absolute errors.

    Args:
        coverage (float): Nominal coverage, in (0, 1).
        score (str): ``'radial'`` or ``'adaptive'``.
        names (Sequence[str]): The landmark names, in the model's order.
        scores (np.ndarray): ``(n, K)`` calibration scores (NaN where not
            annotated).
        peak_fraction (float): The spread's ``peak_fraction``.
        measurement_errors (dict, optional): Measurement name to its ``(n,)``
            absolute errors on the calibration images.
        record (dict, optional): How the calibration was made: ``split``,
            ``ann_file``, ``image_ids``, ``ground_truth``, ``site``,
            ``config``, ``checkpoint``.

    Raises:
        CalibrationError: On an unknown score or mismatched shapes.
    """

    def __init__(self,
                 coverage: float,
                 score: str,
                 names: Sequence[str],
                 scores: np.ndarray,
                 peak_fraction: float = 0.25,
                 measurement_errors: Optional[Dict[str, np.ndarray]] = None,
                 record: Optional[dict] = None):
        if score not in SCORES:
            raise CalibrationError(f'score must be one of {SCORES}, got '
                                   f'{score!r}')
        self.scores = np.asarray(scores, dtype=np.float64)
        if self.scores.ndim != 2 or self.scores.shape[1] != len(names):
            raise CalibrationError(
                f'scores {self.scores.shape} do not fit {len(names)} '
                'landmarks: give (n, K)')
        self.coverage = float(coverage)
        self.score = score
        self.names = list(names)
        self.peak_fraction = float(peak_fraction)
        # null in the file is NaN (an image whose value could not be
        # computed), left out of the threshold
        self.measurement_errors = {
            m: np.array([np.nan if v is None else v for v in e],
                        dtype=np.float64)
            for m, e in (measurement_errors or {}).items()
        }
        self.record = dict(record or {})
        #: the file it was loaded from, for messages
        self.path: Optional[str] = None
        self.thresholds = conformal_threshold(self.scores, self.coverage)
        self.measurement_margins = {
            m: float(conformal_threshold(e[:, None], self.coverage)[0])
            for m, e in self.measurement_errors.items()
        }

    @property
    def n(self) -> int:
        """Number of calibration images."""
        return len(self.scores)

    def shortfall(self) -> Optional[str]:
        """Why some thresholds are infinite, or None when none is."""
        if np.all(np.isfinite(self.thresholds)):
            return None
        return (f'{self.n} calibration images give no finite radius at '
                f'{self.coverage:.0%} coverage (the rank '
                f'ceil((n + 1) * coverage) exceeds n); '
                f'{min_calibration_size(self.coverage)} or more are needed')

    def radii_mm(self, spreads_mm: np.ndarray) -> np.ndarray:
        """Each landmark's radius in mm.

        Args:
            spreads_mm (np.ndarray): ``(..., K)`` heatmap spreads in mm
                (used by the adaptive score only).

        Returns:
            np.ndarray: ``(..., K)`` radii, ``inf`` where the threshold is.
        """
        spreads = np.asarray(spreads_mm, dtype=np.float64)
        if self.score == 'radial':
            return np.broadcast_to(self.thresholds, spreads.shape).copy()
        return self.thresholds * spreads

    def image_warning(self, pixel_spacing: Sequence[float],
                      shape: Sequence[int]) -> Optional[str]:
        """Why an image lies outside what the radii were measured on, or
        None: a pixel spacing or size outside the calibration images' range
        (``record['image_properties']``), where the promise is not tested.

        Args:
            pixel_spacing (Sequence[float]): The image's ``[x, y]`` in mm.
            shape (Sequence[int]): Its ``(height, width)`` in px.
        """
        ranges = self.record.get('image_properties')
        if not ranges:
            return None
        values = dict(
            pixel_spacing_mm=(min(pixel_spacing), max(pixel_spacing)),
            width_px=(shape[1], shape[1]),
            height_px=(shape[0], shape[0]))
        for key, (low, high) in values.items():
            lo, hi = ranges.get(key, (low, high))
            # a relative margin for rounding of the spacing tags
            if low < lo * (1 - 1e-3) or high > hi * (1 + 1e-3):
                value = f'{low:g}' if low == high else f'{low:g}-{high:g}'
                return (f'radii of {self.path or "the calibration"} were '
                        f'measured on images with {key} {lo:g}-{hi:g}, this '
                        f'one has {value}: they may not hold here; '
                        'calibrate on images like it')
        return None

    def at_coverage(self, coverage: float) -> 'LandmarkCalibration':
        """The same calibration scores, thresholded at another coverage."""
        return LandmarkCalibration(coverage, self.score, self.names,
                                   self.scores, self.peak_fraction,
                                   self.measurement_errors, self.record)

    def check_names(self, names: Sequence[str], path: str) -> None:
        """Refuses a model whose landmarks differ from the calibration's.

        Raises:
            CalibrationError: naming ``path`` and the first difference.
        """
        if list(names) == self.names:
            return
        if len(names) != len(self.names):
            raise CalibrationError(
                f'{path}: calibrated for {len(self.names)} landmarks, the '
                f'model has {len(names)}; calibrate this model '
                '(tools/calibrate.py)')
        k = next(i for i, (a, b) in enumerate(zip(names, self.names))
                 if a != b)
        raise CalibrationError(
            f'{path}: landmark {k + 1} is "{self.names[k]}" there and '
            f'"{names[k]}" in the model; calibrate this model '
            '(tools/calibrate.py)')

    def to_dict(self) -> dict:
        """The JSON document (infinite thresholds as null)."""

        def finite(values):
            return [float(v) if math.isfinite(v) else None for v in values]

        return dict(
            format=FORMAT,
            coverage=self.coverage,
            n=self.n,
            rank=conformal_rank(self.n, self.coverage),
            score=self.score,
            peak_fraction=self.peak_fraction,
            landmarks=self.names,
            thresholds=finite(self.thresholds),
            note=self.shortfall(),
            measurement_margins={
                m: finite([v])[0]
                for m, v in self.measurement_margins.items()
            },
            record=self.record,
            scores=[finite(row) for row in self.scores],
            measurement_errors={
                m: finite(e)
                for m, e in self.measurement_errors.items()
            })

    def save(self, path: str) -> None:
        """Writes the JSON atomically, sealed with its content digest."""
        with atomic_write(path) as f:
            json.dump(seal(self.to_dict()), f, indent=1, allow_nan=False)

    @classmethod
    def load(cls, path: str) -> 'LandmarkCalibration':
        """Reads a file that :meth:`save` wrote, unchanged since.

        Raises:
            CalibrationError: If it is not one, naming the file and field:
                not JSON (NaN and Infinity are not JSON), another format,
                thresholds that do not follow from its scores, or changed
                since written (its ``sha256``).
        """
        try:
            doc = read_json_strict(path)
        except (OSError, ValueError) as err:
            raise CalibrationError(f'{path}: cannot be read as a calibration '
                                   f'file ({err})') from err
        if not isinstance(doc, dict) or doc.get('format') != FORMAT:
            raise CalibrationError(
                f'{path}: not a calibration file of tools/calibrate.py '
                f'(its "format" is not "{FORMAT}")')
        missing = [
            key for key in ('coverage', 'score', 'landmarks', 'scores')
            if key not in doc
        ]
        if missing:
            raise CalibrationError(f'{path}: no {", ".join(missing)}; write '
                                   'it again with tools/calibrate.py')
        scores: List[list] = doc['scores']
        try:
            calibration = cls(
                doc['coverage'], doc['score'], doc['landmarks'],
                np.array([[np.nan if v is None else v for v in row]
                          for row in scores],
                         dtype=np.float64).reshape(-1, len(doc['landmarks'])),
                doc.get('peak_fraction', 0.25), doc.get('measurement_errors'),
                doc.get('record'))
        except (CalibrationError, ValueError, TypeError) as err:
            raise CalibrationError(f'{path}: {err}') from err
        # the thresholds are recomputed from the scores: stored ones that
        # differ mean the file was edited, and neither can be trusted
        stored = doc.get('thresholds')
        expected = calibration.to_dict()['thresholds']
        if stored != expected:
            k = next((i for i, (a, b) in enumerate(zip(stored, expected))
                      if a != b), 0) if isinstance(stored, list) else 0
            raise CalibrationError(
                f'{path}: "thresholds" do not follow from its "scores" '
                f'(landmark {k + 1}: stored {_item(stored, k)}, the scores '
                f'give {_item(expected, k)}); {REWRITE}')
        check_seal(doc, path, CalibrationError, REWRITE)
        calibration.path = path
        return calibration


def _item(values, k: int):
    """``values[k]``, or ``values`` itself when that fails (for a
    message about a malformed field)."""
    try:
        return values[k]
    except (TypeError, IndexError, KeyError):
        return values
