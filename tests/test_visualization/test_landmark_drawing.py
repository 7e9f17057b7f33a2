import numpy as np

from hyatt_mmpose.visualization import draw_landmarks
from hyatt_mmpose.visualization.landmark_drawing import GT_COLOUR, PRED_COLOUR


def test_points_are_drawn_in_their_colours_and_input_kept():
    image = np.zeros((200, 300), np.uint8)
    pred = np.array([[50.0, 60.0], [250.0, 150.0]])
    gt = np.array([[80.0, 90.0], [np.nan, np.nan]])
    out = draw_landmarks(image, pred, gt, errors=[3.2, np.nan])
    assert out.shape == (200, 300, 3) and out.dtype == np.uint8
    assert image.max() == 0  # the input is not drawn on
    assert tuple(out[60, 50]) == PRED_COLOUR
    assert tuple(out[150, 250]) == PRED_COLOUR
    assert tuple(out[90, 80]) == GT_COLOUR
    # The label "1: 3.2 mm" is written to the right of landmark 1.
    assert out[40:60, 55:130].min(axis=-1).max() > 200  # white text
