"""Prediction folders to review, written by the package's own writer."""
import cv2
import numpy as np

from hyatt_mmpose.apis import write_landmark_table, write_prediction
from hyatt_mmpose.datasets.metainfo import landmark_names

# The 19 ISBI 2015 landmarks of a cephalogram, in pixels of a 200 x 240
# image (a real tracing scaled down): every measurement has a value.
ISBI_POINTS = np.array([[83.5, 99.6], [147.3, 102.9], [128.9, 127.9],
                        [60.4, 122.8], [137.5, 165.4], [138.6, 201.9],
                        [133.3, 220.0], [126.3, 227.2], [130.5, 225.2],
                        [69.4, 180.5], [146.0, 187.0], [145.0, 186.4],
                        [158.8, 175.3], [156.9, 201.3], [151.4, 162.0],
                        [138.2, 231.0], [94.4, 150.6], [143.6, 156.9],
                        [66.4, 134.0]])
WIDTH, HEIGHT = 200, 240
SPACING = 1.0  # mm per pixel
#: The conformal margin of every measurement in the calibrated records.
MARGIN = 1.5


def ceph_result(image_path: str,
                shift: float = 0.0,
                flagged: int = -1,
                calibrated: bool = True) -> dict:
    """A result as LandmarkPredictor.predict returns it, for the ISBI
    landmarks: ``flagged`` gets the flag 'no_peak', and with ``calibrated``
    landmark k a radius of ``k / 4`` mm (the last the largest)."""
    names = landmark_names('isbi2015')
    points = ISBI_POINTS + shift
    result = dict(
        image_path=image_path,
        names=names,
        landmarks_px=points,
        landmarks_mm=points * SPACING,
        scores=np.ones(19),
        flags=[['no_peak'] if k == flagged else [] for k in range(19)],
        pixel_spacing=np.array([SPACING, SPACING]),
        spacing_source='given',
        model=dict(
            config='configs/hyatt_cephalometric.py',
            config_sha256='c' * 64,
            checkpoint='best.pth',
            checkpoint_sha256='a' * 64,
            backend='pytorch'))
    if calibrated:
        radius = np.arange(19) / 4.0
        result.update(
            coverage=0.9,
            radius_mm=radius,
            radius_px=np.stack([radius, radius], 1) / SPACING)
    return result


def write_folder(root,
                 flagged_image: int = 1,
                 outside: int = -1,
                 spacing_known: bool = True) -> str:
    """Three images and their predictions in ``root/predictions``; image
    ``flagged_image`` has its sella flagged; on image 2, landmark
    ``outside`` (if given) was not placed by the model (flagged
    ``outside_image``, no position); without ``spacing_known`` no image
    has a spacing. Paths are absolute, as a run given
    absolute paths writes them."""
    images = root / 'images'
    images.mkdir()
    out = root / 'predictions'
    rows = []
    margins = {
        m: MARGIN
        for m in ('SNA', 'SNB', 'ANB', 'ODI', 'APDI', 'FHI', 'FMA', 'MW')
    }
    for i in range(3):
        grey = np.full((HEIGHT, WIDTH), 40 + 60 * i, np.uint8)
        cv2.circle(grey, (100, 120), 50, 200, -1)
        path = str(images / f'ceph_{i}.png')
        cv2.imwrite(path, grey)
        result = ceph_result(
            path, shift=i, flagged=0 if i == flagged_image else -1)
        if not spacing_known:
            result.update(
                pixel_spacing=None, landmarks_mm=None, spacing_source=None)
        if i == 2 and outside >= 0:
            result['landmarks_px'][outside] = np.nan
            result['landmarks_mm'][outside] = np.nan
            result['flags'][outside] = ['outside_image']
        rows.append(
            write_prediction(
                result,
                cv2.imread(path),
                str(out),
                f'ceph_{i}',
                margins=margins))
    write_landmark_table(str(out / 'landmarks.csv'), rows)
    return str(out)
