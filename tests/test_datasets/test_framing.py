"""The one framing of a radiograph."""
import numpy as np
import pytest

from hyatt_mmpose.datasets.framing import whole_image_bbox


def test_the_whole_image_is_the_frame():
    bbox = whole_image_bbox(1935, 2400)
    assert bbox.dtype == np.float32
    np.testing.assert_array_equal(bbox, [[0, 0, 1935, 2400]])


@pytest.mark.parametrize('size', [(0, 40), (50, -1), (float('nan'), 40)])
def test_an_empty_frame_is_refused(size):
    with pytest.raises(ValueError, match='positive width and height'):
        whole_image_bbox(*size)
