import numpy as np
import pytest
import torch

from hyatt_mmpose.calibration import LandmarkCalibration, spread_mm
from hyatt_mmpose.evaluation import ConformalCoverageMetric

NAMES = ['a', 'b', 'c']


def gaussian_maps(centres, sigma, size=32):
    ys, xs = np.mgrid[0:size, 0:size]
    return np.stack([
        np.exp(-((xs - x)**2 + (ys - y)**2) / (2 * s**2))
        for (x, y), s in zip(centres, sigma)
    ])


def sample(rng, split):
    """One image: heatmaps of random widths at stride 1 of a 32 x 32 input
    framing a 64 x 64 px region (2 px per heatmap pixel), spacing 0.5 mm."""
    sigma = rng.uniform(1.5, 4.0, 3)
    centres = rng.uniform(8, 24, (3, 2))
    pred = centres * 2
    gt = pred + rng.normal(0, 1, (3, 2)) * sigma[:, None] * 2
    return dict(
        pred_fields=dict(
            heatmaps=torch.from_numpy(gaussian_maps(centres, sigma)).float()),
        input_scale=np.array([64., 64.]),
        pixel_spacing=np.array([0.5, 0.5]),
        pred_instances=dict(keypoints=pred[None]),
        gt_instances=dict(
            keypoints=gt[None], keypoints_visible=np.ones((1, 3))),
        split=split,
        img_path=f'{split}.png')


def test_coverage_and_radii_against_a_direct_count(tmp_path):
    rng = np.random.default_rng(0)
    cal = LandmarkCalibration(0.9, 'adaptive', NAMES,
                              rng.uniform(0.5, 3.0, (30, 3)))
    path = str(tmp_path / 'cal.json')
    cal.save(path)
    metric = ConformalCoverageMetric(path)
    metric.dataset_meta = dict(keypoint_id2name=dict(enumerate(NAMES)))
    samples = [sample(rng, 'test1' if i % 2 else 'test2') for i in range(40)]
    metric.process({}, samples)
    got = metric.compute_metrics(metric.results)

    errors, radii = [], []
    for s in samples:
        spread = spread_mm(s['pred_fields']['heatmaps'].numpy(),
                           s['input_scale'], s['pixel_spacing'])
        radii.append(cal.thresholds * spread)
        errors.append(
            np.linalg.norm(
                (s['pred_instances']['keypoints'][0] -
                 s['gt_instances']['keypoints'][0]) * 0.5,
                axis=1))
    errors, radii = np.array(errors), np.array(radii)
    assert got['coverage'] == pytest.approx(100 * np.mean(errors <= radii))
    assert got['coverage_b'] == pytest.approx(
        100 * np.mean(errors[:, 1] <= radii[:, 1]))
    assert got['radius_median_mm'] == pytest.approx(np.median(radii))
    assert got['area_mean_mm2'] == pytest.approx(np.mean(np.pi * radii**2))
    odd = slice(1, None, 2)  # test1
    assert got['test1/coverage'] == pytest.approx(
        100 * np.mean(errors[odd] <= radii[odd]))


def test_missing_heatmaps_and_other_landmarks_are_refused(tmp_path):
    rng = np.random.default_rng(0)
    path = str(tmp_path / 'cal.json')
    LandmarkCalibration(0.9, 'radial', NAMES, rng.random((10, 3))).save(path)
    metric = ConformalCoverageMetric(path)
    bare = sample(rng, 'test1')
    bare.pop('pred_fields')
    with pytest.raises(ValueError, match='output_heatmaps=True'):
        metric.process({}, [bare])
    metric.process({}, [sample(rng, 'test1')])
    metric.dataset_meta = dict(keypoint_id2name=dict(enumerate('xyz')))
    with pytest.raises(ValueError, match='cal.json: landmark 1 is "a"'):
        metric.compute_metrics(metric.results)
