"""Per-landmark offsets of a site: the systematic part of how its
annotators (and scanners) place each landmark, relative to a model."""
import json
from typing import Dict, Optional, Sequence

import numpy as np
from scipy import stats

from ..utils.atomic_write import atomic_write
from ..utils.sealed_json import check_seal, read_json_strict, seal

FORMAT = 'hyatt_mmpose site offsets 1'


class SiteOffsetsError(ValueError):
    """A site offsets file that cannot be used (says which and why)."""


def offset_p_values(differences_mm: np.ndarray) -> np.ndarray:
    """Hotelling's T² test of a zero mean offset, per landmark.

    Args:
        differences_mm (np.ndarray): ``(K_img, L, 2)`` ground truth minus
            prediction in mm, NaN where not annotated.

    Returns:
        np.ndarray: ``(L,)`` p-values; 1 where fewer than 3 images are
        annotated or the differences do not vary (no test possible).
    """
    p_values = np.ones(differences_mm.shape[1])
    for j in range(differences_mm.shape[1]):
        d = differences_mm[:, j]
        d = d[~np.isnan(d).any(axis=1)]
        n = len(d)
        if n < 3:
            continue
        mean, cov = d.mean(axis=0), np.cov(d, rowvar=False)
        if np.linalg.matrix_rank(cov) < 2:
            continue
        t2 = n * mean @ np.linalg.solve(cov, mean)
        f = (n - 2) / (2 * (n - 1)) * t2
        p_values[j] = stats.f.sf(f, 2, n - 2)
    return p_values


class SiteOffsets:
    """A shift in mm per landmark, added to a model's predictions.

    Estimated from a few annotated images of the site as the mean of
    (site's point - model's point) in mm, image axes; a landmark whose mean
    is not significantly different from zero (Hotelling's T² at ``alpha``,
    which needs 3 or more images) keeps a zero offset.

    Args:
        names (Sequence[str]): The landmark names, in the model's order.
        offsets_mm (np.ndarray): ``(L, 2)`` offsets ``(dx, dy)`` in mm.
        p_values (np.ndarray): ``(L,)`` the test's p-values.
        alpha (float): The significance level used.
        record (dict, optional): ``site``, ``base_checkpoint`` and its
            ``base_checkpoint_sha256`` (the model the offsets are relative
            to), ``images`` and their pixel ``image_sha256`` (those the
            offsets were estimated on), ``config``.
    """

    def __init__(self,
                 names: Sequence[str],
                 offsets_mm: np.ndarray,
                 p_values: np.ndarray,
                 alpha: float = 0.05,
                 record: Optional[dict] = None):
        self.names = list(names)
        self.offsets_mm = np.asarray(offsets_mm, dtype=np.float64)
        self.p_values = np.asarray(p_values, dtype=np.float64)
        self.alpha = float(alpha)
        self.record = dict(record or {})

    @classmethod
    def estimate(cls,
                 pred_px: np.ndarray,
                 gt_px: np.ndarray,
                 spacing: np.ndarray,
                 names: Sequence[str],
                 alpha: float = 0.05,
                 record: Optional[dict] = None) -> 'SiteOffsets':
        """Offsets from a site's annotated images.

        Args:
            pred_px (np.ndarray): ``(K_img, L, 2)`` the model's landmarks.
            gt_px (np.ndarray): ``(K_img, L, 2)`` the site's (NaN: not
                annotated).
            spacing (np.ndarray): ``(K_img, 2)`` mm per pixel ``[x, y]``.
            names (Sequence[str]): The L landmark names.
            alpha (float): Significance level of the zero-offset test.
            record (dict, optional): See the class.

        Returns:
            SiteOffsets: Significant means, zeros elsewhere.
        """
        diff = (np.asarray(gt_px, np.float64) -
                np.asarray(pred_px, np.float64)) * \
            np.asarray(spacing, np.float64)[:, None, :]
        p_values = offset_p_values(diff)
        mean = np.nanmean(diff, axis=0)
        offsets = np.where((p_values < alpha)[:, None], mean, 0.)
        return cls(names, offsets, p_values, alpha, record)

    def apply(self, landmarks_px: np.ndarray,
              pixel_spacing: Sequence[float]) -> np.ndarray:
        """``(L, 2)`` landmarks shifted by the offsets (mm over the
        image's ``[x, y]`` spacing)."""
        return np.asarray(landmarks_px, np.float64) + \
            self.offsets_mm / np.asarray(pixel_spacing, np.float64)

    def check_names(self, names: Sequence[str], path: str) -> None:
        """Refuses a model whose landmarks differ.

        Raises:
            SiteOffsetsError: naming ``path``.
        """
        if list(names) != self.names:
            raise SiteOffsetsError(
                f'{path}: offsets for the landmarks {self.names[:3]}... '
                f'({len(self.names)}), the model has {list(names)[:3]}... '
                f'({len(names)}); estimate them for this model '
                '(tools/adapt.py --offsets-only)')

    def save(self, path: str) -> None:
        """Writes the JSON atomically, sealed with its content digest.

        Raises:
            SiteOffsetsError: If an offset is not finite.
        """
        if not np.all(np.isfinite(self.offsets_mm)):
            raise SiteOffsetsError(f'{path}: offsets that are not finite; '
                                   'every landmark needs a mean offset')
        doc = dict(
            format=FORMAT,
            landmarks=self.names,
            offsets_mm=self.offsets_mm.tolist(),
            p_values=self.p_values.tolist(),
            alpha=self.alpha,
            record=self.record)
        with atomic_write(path) as f:
            json.dump(seal(doc), f, indent=1, allow_nan=False)

    @classmethod
    def load(cls, path: str) -> 'SiteOffsets':
        """Reads a file :meth:`save` wrote, unchanged since.

        Raises:
            SiteOffsetsError: naming the file and what is wrong: not JSON
                (NaN and Infinity are not JSON), another format, changed
                since written (its ``sha256``), or offsets that are not a
                finite ``[dx, dy]`` per landmark.
        """
        try:
            doc: Dict = read_json_strict(path)
        except (OSError, ValueError) as err:
            raise SiteOffsetsError(
                f'{path}: cannot be read as site offsets ({err})') from err
        if not isinstance(doc, dict) or doc.get('format') != FORMAT:
            raise SiteOffsetsError(
                f'{path}: not a site offsets file of tools/adapt.py (its '
                f'"format" is not "{FORMAT}")')
        try:
            offsets = np.asarray(doc.get('offsets_mm'), dtype=np.float64)
        except (TypeError, ValueError):
            offsets = np.empty(0)
        if offsets.shape != (len(doc.get('landmarks', [])), 2) or \
                not np.all(np.isfinite(offsets)):
            raise SiteOffsetsError(
                f'{path}: "offsets_mm" must hold a finite [dx, dy] in mm for '
                f'each of the {len(doc.get("landmarks", []))} landmarks')
        check_seal(doc, path, SiteOffsetsError,
                   'estimate them again with tools/adapt.py --offsets-only')
        return cls(doc['landmarks'], offsets, doc.get('p_values'),
                   doc.get('alpha', 0.05), doc.get('record'))
