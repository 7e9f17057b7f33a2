import numpy as np
import pytest

from hyatt_mmpose.datasets.metainfo import landmark_names
from hyatt_mmpose.evaluation import (CephalometricClassificationMetric,
                                     balanced_recall)
from ..utils import shared_data


def test_balanced_recall_by_hand_with_an_absent_class():
    rng = np.random.default_rng(0)
    truth = rng.choice([1, 2], 50)  # class 3 never occurs
    pred = rng.choice([1, 2, 3], 50)
    recall_1 = np.sum((truth == 1) & (pred == 1)) / np.sum(truth == 1)
    recall_2 = np.sum((truth == 2) & (pred == 2)) / np.sum(truth == 2)
    expected = (recall_1 + recall_2 + 0) / 3 * 100
    assert balanced_recall(truth, pred, 3) == pytest.approx(expected)
    assert balanced_recall(truth, truth, 3) == pytest.approx(200 / 3)


def samples(pred_who: str, images):
    root = shared_data('isbi2015')
    out = []
    for image in images:

        def read(who):
            return np.loadtxt(
                f'{root}/AnnotationsByMD/400_{who}/{image:03d}.txt',
                delimiter=',',
                max_rows=19)

        out.append(
            dict(
                img_path=f'{image:03d}.jpg',
                pixel_spacing=np.array([0.1, 0.1]),
                pred_instances=dict(keypoints=read(pred_who)[None]),
                gt_instances=dict(keypoints=read('senior')[None])))
    return out


def evaluate(data):
    metric = CephalometricClassificationMetric()
    names = landmark_names('isbi2015')
    metric.dataset_meta = dict(keypoint_id2name=dict(enumerate(names)))
    metric.process({}, data)
    return metric.evaluate(len(data))


def test_ground_truth_against_itself_scores_full_marks():
    got = evaluate(samples('senior', range(151, 301)))  # Test1
    for m in ('SNA', 'SNB', 'ANB', 'ODI', 'APDI', 'FHI', 'FMA', 'MW'):
        assert got[f'SCR_{m}'] == pytest.approx(100)
        assert got[f'ACC_{m}'] == 100 and got[f'MAE_{m}'] == 0


def test_junior_against_senior_is_imperfect_but_close():
    got = evaluate(samples('junior', range(1, 41)))
    assert 50 < got['ACC_SNA'] < 100
    assert 0 < got['MAE_SNA'] < 3
