"""Which image a file holds, by its pixels: a copy in another folder, under
another name or in another container (a BMP saved as PNG) is the same image
to a model, so leakage checks and duplicate checks compare these, not
paths."""
import hashlib
import os
from functools import lru_cache
from typing import Tuple

import numpy as np

from .image_io import read_radiograph


@lru_cache(maxsize=4096)
def _fingerprint(real_path: str, size: int,
                 mtime_ns: int) -> Tuple[str, Tuple[int, int]]:
    image = np.ascontiguousarray(read_radiograph(real_path).image)
    digest = hashlib.sha256(repr(image.shape).encode())
    digest.update(memoryview(image))  # no copy of the pixels
    return digest.hexdigest(), image.shape[:2]


def image_fingerprint(path: str) -> Tuple[str, Tuple[int, int]]:
    """The SHA-256 of the pixels the model sees in ``path`` (as
    :func:`.read_radiograph` decodes them) and their shape, as hex, and the
    image's ``(height, width)`` in px.

    Remembered per file, size and modification time within a process.

    Args:
        path (str): The image file.

    Returns:
        tuple: The hex digest, and ``(height, width)``.

    Raises:
        FileNotFoundError: No such file.
        ValueError: Not a readable image (the message names the file).
    """
    real = os.path.realpath(path)
    if not os.path.isfile(real):
        raise FileNotFoundError(f'{path}: no such image file')
    stat = os.stat(real)
    return _fingerprint(real, stat.st_size, stat.st_mtime_ns)


def image_sha256(path: str) -> str:
    """The pixel SHA-256 of :func:`image_fingerprint`.

    Args:
        path (str): The image file.

    Returns:
        str: The hex digest.
    """
    return image_fingerprint(path)[0]
