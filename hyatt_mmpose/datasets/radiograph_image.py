"""What the reader hands on: the model's image and the file's spacing."""
from dataclasses import dataclass, field
from typing import List, Optional

import numpy as np


@dataclass
class RadiographImage:
    """An image ready for the model, and what the file says of its pixels.

    Attributes:
        image (np.ndarray): ``(H, W, 3)`` BGR uint8.
        pixel_spacing (np.ndarray, optional): ``[x, y]`` mm per pixel in the
            patient's plane, from the file (DICOM); None if it does not say
            or says something unusable.
        spacing_source (str, optional): The DICOM tags it came from, e.g.
            ``'PixelSpacing'`` or ``'ImagerPixelSpacing /
            EstimatedRadiographicMagnificationFactor'``.
        warnings (list[str]): What was wrong with the file's spacing or pixel
            geometry tags, each naming the file and the tag.
    """
    image: np.ndarray
    pixel_spacing: Optional[np.ndarray] = None
    spacing_source: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
