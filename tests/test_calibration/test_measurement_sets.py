import numpy as np
import pytest

from hyatt_mmpose.analysis import classify
from hyatt_mmpose.analysis.cephalometry import RANGES
from hyatt_mmpose.calibration import class_set, measurement_sets
from hyatt_mmpose.evaluation import measurement_coverage


@pytest.mark.parametrize(
    'value,margin,classes',
    [
        (4.5, 0.5, [1]),  # inside ANB's normal range 3.2-5.7
        (5.5, 0.5, [1, 2]),  # reaches above 5.7: "class 1 or 2"
        (3.0, 0.5, [1, 3]),  # reaches below 3.2
        (2.0, 0.5, [3]),
        (7.0, 0.5, [2]),
        (5.7, 0.0, [1]),  # on the boundary: class 1, as classify says
        (4.5, np.inf, [1, 2, 3]),  # too few calibration images: anything
    ])
def test_anb_sets_at_the_boundaries(value, margin, classes):
    got = measurement_sets(dict(ANB=value), dict(ANB=margin))['ANB']
    assert got['classes'] == classes
    bounds = [
        v if np.isfinite(v) else None for v in (value - margin, value + margin)
    ]
    assert [got['low'], got['high']] == bounds


def test_mw_edge_to_edge_class():
    assert class_set('MW', -1.0, 0.5) == [2, 3]
    assert class_set('MW', 0.0, 0.0) == [2]
    assert class_set('MW', 1.0, 5.0) == [1, 3, 4]


@pytest.mark.parametrize('measurement', ['SNA', 'ANB', 'FHI', 'MW'])
def test_sets_equal_the_classes_of_every_value_inside(measurement):
    """Against classify over a fine grid of each interval, its ends and
    the class boundaries (and 0 for MW) that fall inside."""
    rng = np.random.default_rng(0)
    low_n, high_n = RANGES[measurement][:2]
    width = high_n - low_n
    specials = [low_n, high_n, 0.0]
    for _ in range(300):
        centre = rng.uniform(low_n - 2 * width, high_n + 2 * width)
        half = rng.choice([0.0, rng.uniform(0, 2 * width)])
        low, high = centre - half, centre + half
        grid = np.concatenate([
            np.linspace(low, high, 2001),
            [v for v in specials if low <= v <= high]
        ])
        expected = sorted(set(classify({measurement: grid})[measurement]))
        assert class_set(measurement, low, high) == expected, (low, high)


def test_measurement_coverage_counts_by_hand():
    pred = dict(ANB=np.array([4.5, 5.5, 2.0]))
    true = dict(ANB=np.array([4.0, 6.5, 2.4]))
    got = measurement_coverage(pred, true, dict(ANB=0.5))
    # intervals [4, 5], [5, 6], [1.5, 2.5]: hold 4.0 and 2.4, miss 6.5;
    # sets {1}, {1, 2}, {3}: hold 1, 2 (6.5 is class 2) and 3
    assert got['interval_coverage_ANB'] == pytest.approx(200 / 3)
    assert got['set_coverage_ANB'] == 100
    assert got['set_size_ANB'] == pytest.approx(4 / 3)


def test_infinite_margins_give_json_nulls():
    got = measurement_sets(dict(FMA=30.0), dict(FMA=np.inf))['FMA']
    assert got['low'] is None and got['high'] is None
    assert got['classes'] == [1, 2, 3]
