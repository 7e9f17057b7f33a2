from typing import Optional, Sequence

import cv2
import numpy as np

GT_COLOUR = (0, 200, 0)  # BGR: ground truth in green
PRED_COLOUR = (0, 0, 255)  # prediction in red
FLAG_COLOUR = (0, 165, 255)  # untrusted prediction in orange
RADIUS_COLOUR = (255, 255, 0)  # conformal radius in cyan


def draw_landmarks(image: np.ndarray,
                   pred: np.ndarray,
                   gt: Optional[np.ndarray] = None,
                   errors: Optional[Sequence[float]] = None,
                   unit: str = 'mm',
                   flagged: Optional[Sequence[bool]] = None,
                   radii_px: Optional[np.ndarray] = None) -> np.ndarray:
    """Draws numbered landmarks, and their ground truth and errors if given.

    Args:
        image (np.ndarray): ``(H, W)`` or ``(H, W, 3)`` BGR image; not changed.
        pred (np.ndarray): ``(K, 2)`` predicted ``(x, y)`` pixels.
        gt (np.ndarray, optional): ``(K, 2)`` ground truth; joined to each
            prediction by a line.
        errors (Sequence[float], optional): Each landmark's error, written
            next to its number (NaN: not annotated).
        unit (str): The unit of ``errors``.
        flagged (Sequence[bool], optional): Landmarks not to be trusted,
            drawn as an orange cross instead of a red dot.
        radii_px (np.ndarray, optional): ``(K, 2)`` conformal radius of each
            landmark along x and y in pixels, drawn as a circle (an ellipse
            for anisotropic pixels); infinite ones are not drawn.

    Returns:
        np.ndarray: A BGR copy with the drawing, ``(H, W, 3)`` uint8;
        predictions that are not finite (unknown) are not drawn.
    """
    canvas = image.copy()
    if canvas.ndim == 2:
        canvas = cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR)
    canvas = np.ascontiguousarray(canvas.astype(np.uint8))
    # Sizes follow the image, so 2400-pixel radiographs stay readable.
    scale = max(canvas.shape[:2]) / 800
    radius = max(2, int(round(4 * scale)))
    thickness = max(1, int(round(scale)))
    font = 0.4 * max(scale, 0.5)
    for k, (x, y) in enumerate(np.asarray(pred, dtype=float)):
        if not np.isfinite(x) or not np.isfinite(y):
            continue  # nowhere to draw it; a legend still lists it
        p = (int(round(x)), int(round(y)))
        if gt is not None and np.all(np.isfinite(gt[k])):
            g = (int(round(gt[k][0])), int(round(gt[k][1])))
            cv2.line(canvas, g, p, (0, 255, 255), thickness, cv2.LINE_AA)
            cv2.circle(canvas, g, radius, GT_COLOUR, -1, cv2.LINE_AA)
        if radii_px is not None and np.all(np.isfinite(radii_px[k])):
            axes = tuple(max(1, int(round(r))) for r in radii_px[k])
            cv2.ellipse(canvas, p, axes, 0, 0, 360, RADIUS_COLOUR, thickness,
                        cv2.LINE_AA)
        if flagged is not None and flagged[k]:
            cv2.drawMarker(canvas, p, FLAG_COLOUR, cv2.MARKER_TILTED_CROSS,
                           4 * radius, thickness + 1, cv2.LINE_AA)
        else:
            cv2.circle(canvas, p, radius, PRED_COLOUR, -1, cv2.LINE_AA)
        label = str(k + 1)
        if errors is not None and np.isfinite(errors[k]):
            label += f': {errors[k]:.1f} {unit}'
        cv2.putText(canvas, label, (p[0] + radius + 2, p[1] - radius),
                    cv2.FONT_HERSHEY_SIMPLEX, font, (255, 255, 255), thickness,
                    cv2.LINE_AA)
    return canvas


def add_legend(image: np.ndarray,
               names: Sequence[str],
               notes: Optional[Sequence[str]] = None,
               highlighted: Optional[Sequence[bool]] = None) -> np.ndarray:
    """The image with a panel on its right listing ``k: name``, followed
    by a landmark's note (e.g. why it is not trusted, its radius) if any;
    lines in orange where ``highlighted`` (default: where there is a
    note)."""
    notes = notes or [''] * len(names)
    if highlighted is None:
        highlighted = [bool(note) for note in notes]
    names = [f'{n} ({note})' if note else n for n, note in zip(names, notes)]
    h = image.shape[0]
    scale = max(image.shape[:2]) / 800
    font = 0.4 * max(scale, 0.5)
    thickness = max(1, int(round(scale)))
    line = int(round(18 * max(scale, 0.5)))
    columns = max(1, -(-len(names) * line // max(h - line, line)))
    rows = -(-len(names) // columns)
    width = max(len(n) for n in names) + 5
    col_w = int(width * 9 * max(scale, 0.5))
    panel = np.full((h, col_w * columns, 3), 40, np.uint8)
    for k, name in enumerate(names):
        x = (k // rows) * col_w + 6
        y = (k % rows + 1) * line
        cv2.putText(panel, f'{k + 1}: {name}', (x, y),
                    cv2.FONT_HERSHEY_SIMPLEX, font,
                    FLAG_COLOUR if highlighted[k] else (255, 255, 255),
                    thickness, cv2.LINE_AA)
    return np.hstack([image, panel])


# The reference lines of the ISBI 2015 measurements, by landmark name.
PLANES = dict(
    SN=('sella', 'nasion'),
    FH=('porion', 'orbitale'),
    palatal=('posterior_nasal_spine', 'anterior_nasal_spine'),
    mandibular=('gonion', 'menton'),
    AB=('subspinale', 'supramentale'),
    facial=('nasion', 'pogonion'))
PLANE_COLOUR = (255, 160, 0)  # BGR: light blue


def draw_planes(image: np.ndarray, points: np.ndarray,
                names: Sequence[str]) -> np.ndarray:
    """Draws the cephalometric planes through their landmarks, extended a
    little beyond them, each labelled.

    Args:
        image (np.ndarray): ``(H, W, 3)`` BGR image; not changed.
        points (np.ndarray): ``(K, 2)`` landmarks in pixels.
        names (Sequence[str]): Their names; planes whose landmarks are
            missing or not finite are skipped.

    Returns:
        np.ndarray: A copy with the planes drawn.
    """
    canvas = np.ascontiguousarray(image.copy())
    scale = max(canvas.shape[:2]) / 800
    thickness = max(1, int(round(scale)))
    names = list(names)
    for label, (a, b) in PLANES.items():
        if a not in names or b not in names:
            continue
        p = np.asarray(points[names.index(a)], dtype=float)
        q = np.asarray(points[names.index(b)], dtype=float)
        if not np.all(np.isfinite([p, q])):
            continue
        start, end = p - 0.15 * (q - p), q + 0.15 * (q - p)
        cv2.line(canvas, tuple(int(round(v)) for v in start),
                 tuple(int(round(v)) for v in end), PLANE_COLOUR, thickness,
                 cv2.LINE_AA)
        cv2.putText(canvas, label, tuple(int(round(v)) for v in end),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4 * max(scale, 0.5),
                    PLANE_COLOUR, thickness, cv2.LINE_AA)
    return canvas
