import csv

import numpy as np
import pytest
from mmengine.logging import MMLogger

from hyatt_mmpose.evaluation import RadialErrorMetric


def sample(pred, gt, visible, spacing, img_id, scores=None):
    scores = np.ones(len(pred)) if scores is None else scores
    return dict(
        img_id=img_id,
        img_path=f'{img_id}.png',
        pixel_spacing=spacing,
        pred_instances=dict(
            keypoints=pred[None], keypoint_scores=scores[None]),
        gt_instances=dict(keypoints=gt[None], keypoints_visible=visible[None]))


def random_samples(rng, spacings, K=5):
    samples, truth = [], []
    for i, spacing in enumerate(spacings):
        gt = rng.uniform(0, 500, (K, 2))
        pred = gt + rng.normal(0, 15, (K, 2))
        visible = (rng.uniform(size=K) > 0.2).astype(float)
        samples.append(sample(pred, gt, visible, spacing, i))
        truth.append((pred, gt, visible, spacing))
    return samples, truth


def expected(truth, thresholds, unit_scale=True):
    errors = []
    for pred, gt, visible, spacing in truth:
        s = np.broadcast_to(np.asarray(spacing, float), (2, ))
        for k in range(len(gt)):
            if visible[k]:
                dx = (pred[k, 0] - gt[k, 0]) * (s[0] if unit_scale else 1)
                dy = (pred[k, 1] - gt[k, 1]) * (s[1] if unit_scale else 1)
                errors.append(np.hypot(dx, dy))
    errors = np.array(errors)
    out = {'MRE': errors.mean(), 'MRE_std': errors.std()}
    for t in thresholds:
        out[t] = 100 * np.mean(errors <= t)
    return out


def evaluate(metric, samples):
    metric.dataset_meta = dict(
        keypoint_id2name={k: f'lm{k}'
                          for k in range(5)})
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_mm_with_mixed_and_anisotropic_spacing_and_missing_landmarks():
    rng = np.random.default_rng(0)
    spacings = [
        np.array([0.1, 0.1]),
        np.array([0.2, 0.2]),
        np.array([0.1, 0.15]),
        np.array([0.3, 0.3])
    ] * 5
    samples, truth = random_samples(rng, spacings)
    thresholds = (2.0, 2.5, 3.0, 4.0)
    got = evaluate(RadialErrorMetric(thresholds=thresholds), samples)
    want = expected(truth, thresholds)
    assert got['MRE'] == pytest.approx(want['MRE'])
    assert got['MRE_std'] == pytest.approx(want['MRE_std'])
    for t in thresholds:
        assert got[f'SDR_{t}mm'] == pytest.approx(want[t])
    # Sanity of the fixture: some landmarks were missing, some SDRs < 100.
    assert any(not v.all() for _, _, v, _ in truth)
    assert 0 < got['SDR_2.0mm'] < 100


def test_without_spacing_the_keys_say_pixels():
    rng = np.random.default_rng(1)
    samples, truth = random_samples(rng, [None, np.array([0.1, 0.1])] * 3)
    got = evaluate(RadialErrorMetric(thresholds=(10, )), samples)
    want = expected(truth, (10, ), unit_scale=False)
    assert set(got) == {'MRE_px', 'MRE_std_px', 'SDR_10.0px'}
    assert got['MRE_px'] == pytest.approx(want['MRE'])
    assert got['SDR_10.0px'] == pytest.approx(want[10])


def test_missing_landmarks_are_left_out_not_counted_as_zero():
    gt = np.zeros((5, 2)) + 100
    pred = gt + [[3, 4]] * 5  # every error 5 px
    visible = np.array([1, 1, 0, 0, 0])
    got = evaluate(RadialErrorMetric(), [sample(pred, gt, visible, 1.0, 0)])
    assert got['MRE'] == pytest.approx(5.0)
    assert got['SDR_4.0mm'] == 0


def test_reference_distance_spacing_for_hands():
    gt = np.array([[0, 0], [10, 10], [20, 20], [30, 30], [100, 0.]])
    pred = gt + [[1, 0]] * 5  # 1 px error everywhere
    visible = np.ones(5)
    metric = RadialErrorMetric(
        reference_distance=dict(landmarks=(0, 4), mm=50.0))
    got = evaluate(metric, [sample(pred, gt, visible, None, 0)])
    assert got['MRE'] == pytest.approx(0.5)  # 50 mm / 100 px


def test_errors_csv_is_written(tmp_path):
    rng = np.random.default_rng(2)
    samples, truth = random_samples(rng, [np.array([0.1, 0.1])] * 3)
    path = tmp_path / 'out' / 'errors.csv'
    evaluate(RadialErrorMetric(errors_csv=str(path)), samples)
    assert path.read_bytes().startswith(b'\xef\xbb\xbf')  # Excel's UTF-8
    rows = list(csv.reader(open(path, encoding='utf-8-sig')))
    assert rows[0] == ['img_id', 'img_path', 'split', 'unit'
                       ] + [f'lm{k}' for k in range(5)]
    assert len(rows) == 4
    pred, gt, visible, _ = truth[1]
    for k in range(5):
        cell = rows[2][4 + k]
        if visible[k]:
            assert float(cell) == pytest.approx(
                0.1 * np.linalg.norm(pred[k] - gt[k]), abs=1e-4)
        else:
            assert cell == ''


def test_each_split_is_reported_when_there_are_several():
    rng = np.random.default_rng(3)
    samples, _ = random_samples(rng, [np.array([0.1, 0.1])] * 6)
    for i, s in enumerate(samples):
        s['split'] = 'test1' if i < 4 else 'test2'
    got = evaluate(RadialErrorMetric(), samples)
    alone = evaluate(RadialErrorMetric(), samples[4:])
    for key, value in alone.items():
        assert got[f'test2/{key}'] == pytest.approx(value)
    assert 'test1/MRE' in got and 'MRE' in got


def test_landmarks_without_a_peak_are_counted_and_named(monkeypatch):
    """A landmark the head found no peak for (score <= 0) is scored at its
    marker and counted in ``no_peak``; one not annotated is not counted."""
    gt = np.full((5, 2), 50.0)
    pred = gt + 1.0
    pred[[1, 3]] = -1.0  # the head's marker
    scores = np.array([0.9, 0.0, 0.8, -0.01, 0.7])
    visible = np.array([1., 1., 1., 0., 1.])
    warned = []
    logger = MMLogger.get_current_instance()
    monkeypatch.setattr(logger, 'warning', warned.append)
    metrics = evaluate(RadialErrorMetric(),
                       [sample(pred, gt, visible, 0.1, 0, scores)])
    assert metrics['no_peak'] == 1
    errors = [np.hypot(0.1, 0.1)] * 3 + [np.hypot(5.1, 5.1)]
    assert metrics['MRE'] == pytest.approx(np.mean(errors))
    assert 'lm1 of 0.png' in warned[0] and 'lm3' not in warned[0]
    clean = evaluate(RadialErrorMetric(),
                     [sample(gt + 1.0, gt, visible, 0.1, 0)])
    assert 'no_peak' not in clean
