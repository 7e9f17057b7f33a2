"""The one framing of a radiograph, shared by training, testing, prediction,
calibration and ONNX inference."""
import numpy as np


def whole_image_bbox(width: int, height: int) -> np.ndarray:
    """The bbox that frames a radiograph: the whole image, ``[0, 0, W, H]``.

    Landmarks are in pixel-index coordinates and the image spans ``W`` by
    ``H`` pixels, so its frame is ``W`` by ``H`` wide: mmpose's
    ``GetBBoxCenterScale`` makes it centre ``(W / 2, H / 2)`` and scale
    ``(W, H)`` (times its padding), and ``TopdownAffine`` then maps image
    pixel ``x`` to input pixel ``x * input_w / W`` (at padding 1 and the
    image's aspect ratio), the identity at the image's own size. mmpose's
    COCO parser clips a bbox to ``(W - 1, H - 1)`` instead, one pixel
    narrower (centre 127.5, scale 255 for a 256-pixel image), which would
    shrink and shift the image against the predictor's frame: every place
    that frames an image calls this function, so none can differ.

    Args:
        width (int): ``W``, the image's width in pixels.
        height (int): ``H``, the image's height in pixels.

    Returns:
        np.ndarray: ``(1, 4)`` float32 ``[x1, y1, x2, y2]`` in pixels, the
        ``bbox`` of the image's one instance.

    Raises:
        ValueError: If ``width`` or ``height`` is not a positive number.
    """
    size = np.array([width, height], dtype=np.float64)
    if not (np.all(np.isfinite(size)) and np.all(size > 0)):
        raise ValueError('an image frame needs a positive width and height '
                         f'in pixels, got {width!r} x {height!r}')
    return np.array([[0., 0., size[0], size[1]]], dtype=np.float32)
