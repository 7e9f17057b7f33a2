from typing import List, Tuple

import numpy as np

OUTSIDE_IMAGE = 'outside_image'
NO_PEAK = 'no_peak'
# added by LandmarkPredictor: the conformal radius exceeds the user's limit
LARGE_RADIUS = 'large_radius'
# added by LandmarkPredictor for a refined model: the refinement found no
# clear peak in the patch around the coarse estimate, which is kept; on ISBI
# 2015 such landmarks are further off than the coarse model's average
# (docs/results.md): a landmark to check
NOT_REFINED = 'not_refined'


def landmark_flags(landmarks_px: np.ndarray, scores: np.ndarray,
                   image_shape: Tuple[int, int]) -> List[List[str]]:
    """Why each landmark should not be trusted as a position, if it should
    not: the reasons, an empty list for a landmark without any.

    - ``'outside_image'``: the point lies outside the image's pixels (the
      model put it on the padding around the image);
    - ``'no_peak'``: its score is not positive: no heatmap level has a
      peak for it, so its position is the decoder's no-peak marker
      (mmpose's location -1, mapped to near the image's top-left corner;
      see :meth:`.BaseMultiLevelHeatmapHead.decode`), not a location.

    Args:
        landmarks_px (np.ndarray): ``(K, 2)`` ``(x, y)`` in image pixels.
        scores (np.ndarray): ``(K,)`` heatmap peak values.
        image_shape (tuple[int, int]): ``(H, W)`` of the image.

    Returns:
        list[list[str]]: One list of reasons per landmark.
    """
    h, w = image_shape
    points = np.asarray(landmarks_px, dtype=np.float64)
    # pixel centres run from 0 to W - 1; their edges half a pixel further
    outside = ~np.all(np.isfinite(points), axis=1) | \
        (points[:, 0] < -0.5) | (points[:, 0] > w - 0.5) | \
        (points[:, 1] < -0.5) | (points[:, 1] > h - 0.5)
    no_peak = ~(np.asarray(scores, dtype=np.float64) > 0)
    return [[
        reason for reason, bad in ((OUTSIDE_IMAGE, o), (NO_PEAK, n)) if bad
    ] for o, n in zip(outside, no_peak)]
