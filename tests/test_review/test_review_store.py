"""The review's state and what it saves (hyatt_mmpose.review.review_store):
every change at once, in files under review/, nothing of predict's
changed."""
import hashlib
import json
import multiprocessing
import os
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from hyatt_mmpose.analysis import classify, measure
from hyatt_mmpose.apis import write_prediction
from hyatt_mmpose.apis.prediction_records import PREDICTION_FORMAT
from hyatt_mmpose.datasets import LandmarkDataset
from hyatt_mmpose.datasets.metainfo import landmark_names, metainfo_file
from hyatt_mmpose.review import (ReviewFolderError, ReviewRequestError,
                                 ReviewStore, UnknownImageError)
from .review_folders import (ISBI_POINTS, MARGIN, SPACING, ceph_result,
                             write_folder)


def folder_digest(folder: str, skip: str = 'review') -> dict:
    """Every file's SHA-256, the review folder left out."""
    digests = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != skip]
        for name in files:
            path = osp.join(root, name)
            with open(path, 'rb') as f:
                digests[path] = hashlib.sha256(f.read()).hexdigest()
    return digests


def saved(predictions: str, name: str) -> dict:
    with open(osp.join(predictions, 'review', 'images', f'{name}.json')) as f:
        return json.load(f)


def log_lines(predictions: str) -> list:
    with open(osp.join(predictions, 'review', 'review_log.jsonl')) as f:
        return [json.loads(line) for line in f]


def test_images_come_worst_first_and_landmarks_flagged_then_widest(
        predictions):
    store = ReviewStore(predictions, 'ana')
    summary = store.summary()
    assert summary[0]['name'] == 'ceph_1' and summary[0]['flagged'] == 1
    assert all(not item['reviewed'] for item in summary)
    state = store.state('ceph_1')
    # sella (0) is flagged; then the radii k / 4 mm, largest first
    assert store.queue(state) == [0] + list(range(18, 0, -1))
    assert not osp.exists(osp.join(predictions, 'review'))  # only reading


def test_a_move_is_saved_with_who_when_and_the_models_position(predictions):
    before = folder_digest(predictions)
    store = ReviewStore(predictions, 'ana')
    store.move('ceph_0', 'nasion', 150.25, 101.5, 'move')
    state = saved(predictions, 'ceph_0')
    nasion = state['landmarks'][1]
    assert (nasion['x_px'], nasion['y_px']) == (150.25, 101.5)
    assert (nasion['x_mm'], nasion['y_mm']) == (150.25 * SPACING,
                                                101.5 * SPACING)
    assert (nasion['model_x_px'],
            nasion['model_y_px']) == tuple(ISBI_POINTS[1])
    assert nasion['moved'] and nasion['moved_by'] == 'ana'
    assert nasion['moved_at'].startswith('20')
    assert not state['landmarks'][0]['moved']
    assert state['format'] == PREDICTION_FORMAT
    assert state['model']['checkpoint_sha256'] == 'a' * 64
    [entry] = log_lines(predictions)
    assert entry == dict(
        entry,
        reviewer='ana',
        image='ceph_0',
        landmark='nasion',
        to=[150.25, 101.5],
        action='move')
    assert entry['from'] == list(ISBI_POINTS[1])
    # what predict wrote is untouched
    assert folder_digest(predictions) == before


def test_measurements_follow_the_points_and_intervals_only_unmoved_ones(
        predictions):
    store = ReviewStore(predictions, 'ana')
    state = store.move('ceph_0', 'sella', 80.0, 97.0, 'move')
    points = np.array([[lm['x_px'], lm['y_px']] for lm in state['landmarks']])
    names = landmark_names('isbi2015')
    values = measure(points, SPACING, names)
    classes = classify(values)
    rows = {
        r['name']: r
        for r in saved(predictions, 'ceph_0')['cephalometry']['rows']
    }
    assert {m: r['value'] for m, r in rows.items()} == pytest.approx(values)
    assert {m: r['class'] for m, r in rows.items()} == classes
    # sella is in SNA, SNB, FHI and FMA; ODI, APDI, MW and ANB (SNA - SNB,
    # the angle A-N-B, in which sella cancels) do not, and keep the
    # prediction's interval
    uses_sella = {'SNA', 'SNB', 'FHI', 'FMA'}
    for m, row in rows.items():
        if m in uses_sella:
            assert row['interval'] is None and row['uses_moved'], m
        else:
            assert row['interval'] == pytest.approx(
                [values[m] - MARGIN, values[m] + MARGIN]), m
            assert row['classes'], m
    assert rows['MW']['unit'] == 'mm' and rows['SNA']['unit'] == 'deg'
    assert rows['SNA']['normal'] == [79.4, 83.2]


def test_nudge_reset_and_undo(predictions):
    store = ReviewStore(predictions, 'ana')
    x, y = ISBI_POINTS[2]
    store.move('ceph_0', 'orbitale', x + 0.1, y, 'nudge')
    store.move('ceph_0', 'orbitale', x + 0.2, y - 0.1, 'nudge')
    state = store.reset('ceph_0', 'orbitale')
    orbitale = state['landmarks'][2]
    assert (orbitale['x_px'], orbitale['y_px']) == (x, y)
    assert not orbitale['moved'] and orbitale['moved_by'] is None
    state = store.undo('ceph_0')  # back to before the reset
    assert state['landmarks'][2]['x_px'] == pytest.approx(x + 0.2)
    assert state['landmarks'][2]['moved']
    store.undo('ceph_0')
    state = store.undo('ceph_0')
    assert (state['landmarks'][2]['x_px'], state['landmarks'][2]['y_px']) \
        == (x, y)
    with pytest.raises(ReviewRequestError, match='nothing to undo'):
        store.undo('ceph_0')
    assert [e['action'] for e in log_lines(predictions)
            ] == ['nudge', 'nudge', 'reset', 'undo', 'undo', 'undo']


def test_a_ruler_sets_the_spacing_and_the_mm_follow(predictions):
    store = ReviewStore(predictions, 'ana')
    state = store.set_ruler('ceph_0', [[10, 20], [40, 60]], 25.0)
    # 50 px for 25 mm
    assert state['pixel_spacing'] == pytest.approx([0.5, 0.5])
    assert state['spacing_source'] == 'ruler'
    assert state['ruler']['length_mm'] == 25.0
    assert state['ruler']['by'] == 'ana'
    lm = saved(predictions, 'ceph_0')['landmarks'][5]
    assert lm['x_mm'] == pytest.approx(lm['x_px'] * 0.5)
    rows = saved(predictions, 'ceph_0')['cephalometry']['rows']
    assert all(r['interval'] is None for r in rows)  # not the model's mm
    entry = log_lines(predictions)[-1]
    assert entry['action'] == 'ruler' and entry['to'] == pytest.approx(
        [0.5, 0.5])
    state = store.undo('ceph_0')
    assert state['pixel_spacing'] == [SPACING, SPACING]
    assert state['spacing_source'] == 'given' and state['ruler'] is None


def test_a_ruler_keeps_the_aspect_ratio_of_anisotropic_pixels(predictions):
    store = ReviewStore(predictions, 'ana')
    path = osp.join(predictions, 'review', 'images', 'ceph_0.json')
    state = store.state('ceph_0')
    state['pixel_spacing'] = [0.1, 0.2]
    os.makedirs(osp.dirname(path))
    with open(path, 'w') as f:
        json.dump(state, f)
    state = store.set_ruler('ceph_0', [[0, 0], [30, 20]], 10.0)
    sx, sy = state['pixel_spacing']
    assert sy / sx == pytest.approx(2.0)
    assert np.hypot(30 * sx, 20 * sy) == pytest.approx(10.0)


@pytest.mark.parametrize('change, says', [
    (lambda s: s.move('ceph_0', 'bregma', 1, 1, 'move'),
     "unknown landmark 'bregma'"),
    (lambda s: s.move('ceph_0', 'sella', float('nan'), 1, 'move'),
     'not a number'),
    (lambda s: s.move('ceph_0', 'sella', 200, 1, 'move'),
     r'\(200, 1\) lies outside the image \(x from 0 to 199'),
    (lambda s: s.move('ceph_0', 'sella', 1, -0.5, 'move'), 'outside'),
    (lambda s: s.move('ceph_0', 'sella', '1', 1, 'move'), 'two numbers'),
    (lambda s: s.move('ceph_0', 'sella', 1, 1, 'jump'), 'move" or "nudge'),
    (lambda s: s.set_ruler('ceph_0', [[1, 1], [5, 5]], 0), 'positive'),
    (lambda s: s.set_ruler('ceph_0', [[1, 1], [1, 1]], 5), 'the same'),
    (lambda s: s.set_ruler('ceph_0', [[1, 1]], 5), 'two points'),
    (lambda s: s.mark_reviewed('ceph_0', 'yes'), 'true or false'),
])
def test_a_bad_change_is_refused_and_nothing_written(predictions, change,
                                                     says):
    store = ReviewStore(predictions, 'ana')
    with pytest.raises(ReviewRequestError, match=says):
        change(store)
    review = osp.join(predictions, 'review')
    assert not osp.exists(osp.join(review, 'ceph_0.json'))
    assert not osp.exists(osp.join(review, 'review_log.jsonl'))


def test_unknown_images_are_refused(predictions):
    store = ReviewStore(predictions, 'ana')
    for name in ('ceph_9', '../predictions/ceph_0', 'review/ceph_0'):
        with pytest.raises(UnknownImageError):
            store.state(name)


def test_a_folder_of_another_version_or_missing_images_is_refused(
        predictions, tmp_path):
    path = osp.join(predictions, 'ceph_2.json')
    with open(path) as f:
        record = json.load(f)
    record['format'] = 1
    with open(path, 'w') as f:
        json.dump(record, f)
    with pytest.raises(ReviewFolderError, match='ceph_2.json: "format" is 1'):
        ReviewStore(predictions, 'ana')
    record['format'] = PREDICTION_FORMAT
    with open(path, 'w') as f:
        json.dump(record, f)
    os.remove(record['image'])
    with pytest.raises(
            ReviewFolderError, match='ceph_2.json: its image .*ceph_2.png'):
        ReviewStore(predictions, 'ana')
    with pytest.raises(ReviewFolderError, match='no <name>.json'):
        ReviewStore(str(tmp_path / 'images'), 'ana')


def test_reviewed_images_are_a_coco_file_the_dataset_reads(predictions):
    store = ReviewStore(predictions, 'ana')
    store.move('ceph_2', 'menton', 120.0, 230.0, 'move')
    store.mark_reviewed('ceph_2', True)
    store.mark_reviewed('ceph_0', True)
    store.move('ceph_1', 'menton', 121.0, 231.0, 'move')  # not reviewed
    dataset = LandmarkDataset(
        ann_file=osp.join(predictions, 'review', 'annotations.json'),
        metainfo=dict(from_file=metainfo_file('isbi2015')),
        pipeline=[],
        test_mode=True)
    assert len(dataset) == 2
    by_image = {
        osp.basename(dataset[i]['img_path']): dataset[i]
        for i in range(len(dataset))
    }
    assert set(by_image) == {'ceph_0.png', 'ceph_2.png'}
    ceph_2 = by_image['ceph_2.png']
    expected = ISBI_POINTS + 2
    expected[7] = [120.0, 230.0]
    np.testing.assert_allclose(ceph_2['keypoints'][0], expected)
    np.testing.assert_allclose(ceph_2['pixel_spacing'], [SPACING, SPACING])
    assert osp.isfile(ceph_2['img_path'])
    store.mark_reviewed('ceph_2', False)
    with open(osp.join(predictions, 'review', 'annotations.json')) as f:
        assert len(json.load(f)['images']) == 1


def test_a_second_server_sees_the_first_ones_work(predictions):
    first, second = ReviewStore(predictions,
                                'ana'), ReviewStore(predictions, 'ben')
    first.move('ceph_0', 'sella', 70.0, 90.0, 'move')
    second.move('ceph_0', 'nasion', 140.0, 100.0, 'move')
    state = first.state('ceph_0')
    assert [lm['moved_by'] for lm in state['landmarks'][:2]] == ['ana', 'ben']
    assert second.undo('ceph_0')['landmarks'][1]['moved'] is False
    assert first.state('ceph_0')['landmarks'][0]['moved']


def _nudge_many(predictions: str, landmark: str, times: int) -> None:
    store = ReviewStore(predictions, landmark)
    for i in range(times):
        store.move('ceph_0', landmark, 10.0 + i, 10.0, 'nudge')


def test_two_writers_at_once_lose_no_change(predictions):
    context = multiprocessing.get_context('fork')
    workers = [
        context.Process(target=_nudge_many, args=(predictions, name, 15))
        for name in ('sella', 'nasion')
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    state = saved(predictions, 'ceph_0')
    assert [lm['x_px'] for lm in state['landmarks'][:2]] == [24.0, 24.0]
    assert len(state['undo']) == 30
    lines = log_lines(predictions)
    assert len(lines) == 30
    assert sorted(e['reviewer']
                  for e in lines) == ['nasion'] * 15 + ['sella'] * 15


def test_the_coco_file_is_what_adapt_and_calibrate_read(predictions):
    """tools/adapt.py and tools/calibrate.py --ann-file read a split with
    the config's val dataset class (read_split): the ISBI 2015 config's
    takes the reviewed set, spacing and all, without --data-root."""
    from mmengine.config import Config

    from hyatt_mmpose.apis.annotated_splits import read_split
    from ..utils import REPO_ROOT
    store = ReviewStore(predictions, 'ana')
    store.move('ceph_0', 'gnathion', 131.0, 224.0, 'move')
    store.mark_reviewed('ceph_0', True)
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'hyatt_cephalometric.py'))
    infos, info = read_split(
        cfg, osp.join(predictions, 'review', 'annotations.json'))
    [ceph_0] = infos
    assert osp.isfile(ceph_0['img_path'])
    expected = ISBI_POINTS.copy()
    expected[8] = [131.0, 224.0]
    np.testing.assert_allclose(ceph_0['keypoints'], expected)
    np.testing.assert_allclose(ceph_0['pixel_spacing'], [SPACING, SPACING])
    assert info['description'] == 'landmarks reviewed with tools/review.py'


def test_a_landmark_the_model_did_not_place_is_placed_by_hand(tmp_path):
    predictions = write_folder(tmp_path, outside=3)
    store = ReviewStore(predictions, 'ana')
    state = store.state('ceph_2')
    assert state['landmarks'][3]['x_px'] is None
    assert state['cephalometry']['rows'] == []  # porion is not trusted
    assert 'porion' in state['cephalometry']['note']
    with pytest.raises(ReviewRequestError, match='porion have no position'):
        store.mark_reviewed('ceph_2', True)
    state = store.move('ceph_2', 'porion', 62.0, 124.0, 'move')
    porion = state['landmarks'][3]
    assert porion['moved'] and porion['model_x_px'] is None
    assert porion['x_mm'] == 62.0 * SPACING
    assert len(state['cephalometry']['rows']) == 8  # placed: measured
    assert store.mark_reviewed('ceph_2', True)['reviewed']['done']


@pytest.mark.parametrize('take_back', ['reset', 'undo'])
def test_a_change_that_unplaces_a_landmark_takes_the_review_back(
        tmp_path, take_back):
    predictions = write_folder(tmp_path, outside=3)
    store = ReviewStore(predictions, 'ana')
    store.move('ceph_2', 'porion', 62.0, 124.0, 'move')
    store.mark_reviewed('ceph_2', True)
    if take_back == 'reset':
        state = store.reset('ceph_2', 'porion')
    else:
        state = store.undo('ceph_2')
    assert state['landmarks'][3]['x_px'] is None
    assert state['reviewed'] == dict(done=False, by=None, at=None)
    assert not saved(predictions, 'ceph_2')['reviewed']['done']
    last = log_lines(predictions)[-1]
    assert last['action'] == 'not reviewed' and last['image'] == 'ceph_2'
    assert last['reason'] == 'porion have no position'
    with open(osp.join(predictions, 'review', 'annotations.json')) as f:
        document = json.load(f)
    assert document['images'] == [] and document['annotations'] == []


def test_a_reviewed_state_without_a_position_is_left_out_not_null(predictions):
    store = ReviewStore(predictions, 'ana')
    store.mark_reviewed('ceph_0', True)
    # as a state written by hand, or by a version before this check
    state = saved(predictions, 'ceph_0')
    state['landmarks'][5]['x_px'] = state['landmarks'][5]['y_px'] = None
    path = osp.join(predictions, 'review', 'images', 'ceph_0.json')
    with open(path, 'w') as f:
        json.dump(state, f)
    says = 'ceph_0.json: marked reviewed, but supramentale have no position'
    with pytest.warns(UserWarning, match=says):
        store.mark_reviewed('ceph_1', True)
    with open(osp.join(predictions, 'review', 'annotations.json')) as f:
        document = json.load(f)
    assert [osp.basename(i['file_name'])
            for i in document['images']] == ['ceph_1.png']
    assert None not in document['annotations'][0]['keypoints']
    [left_out] = document['info']['left_out']
    assert left_out['image'] == 'ceph_0'
    assert 'supramentale have no position' in left_out['reason']


def predict_more(predictions: str, name: str) -> None:
    """Adds the record ``name`` (an image ``<name>.png`` beside the
    others) to a folder, as predict writes it."""
    image = osp.join(
        osp.dirname(predictions), 'images', f'{osp.basename(name)}.png')
    shutil.copy(
        osp.join(osp.dirname(predictions), 'images', 'ceph_0.png'), image)
    write_prediction(ceph_result(image), cv2.imread(image), predictions, name)


def test_an_image_named_annotations_is_reviewed_like_any(predictions):
    predict_more(predictions, 'annotations')
    store = ReviewStore(predictions, 'ana')
    store.move('annotations', 'sella', 70.0, 90.0, 'move')
    store.mark_reviewed('annotations', True)
    store.mark_reviewed('ceph_0', True)
    state = store.state('annotations')
    assert state['landmarks'][0]['x_px'] == 70.0
    assert saved(predictions, 'annotations')['reviewed']['done']
    with open(osp.join(predictions, 'review', 'annotations.json')) as f:
        document = json.load(f)
    assert sorted(
        osp.basename(i['file_name'])
        for i in document['images']) == ['annotations.png', 'ceph_0.png']


def test_a_folder_with_predictions_under_review_is_refused(predictions):
    predict_more(predictions, 'review/ceph_9')
    with pytest.raises(
            ReviewFolderError,
            match=r'predictions/review: holds prediction records of '
            r'tools/predict.py \(ceph_9.json\).*rename the input'):
        ReviewStore(predictions, 'ana')


@pytest.mark.parametrize('key', ['config_sha256', 'checkpoint_sha256'])
def test_a_folder_of_two_models_is_refused_both_files_named(predictions, key):
    path = osp.join(predictions, 'ceph_2.json')
    with open(path) as f:
        record = json.load(f)
    record['model'][key] = 'b' * 64
    with open(path, 'w') as f:
        json.dump(record, f)
    with pytest.raises(ReviewFolderError) as refused:
        ReviewStore(predictions, 'ana')
    message = str(refused.value)
    assert message.startswith(f'{path}: predicted by another model than '
                              f'{osp.join(predictions, "ceph_0.json")}')
    assert f'its {key} is {"b" * 64}' in message


def test_a_digest_not_recorded_is_passed_over(predictions):
    path = osp.join(predictions, 'ceph_2.json')
    with open(path) as f:
        record = json.load(f)
    record['model']['checkpoint_sha256'] = None
    with open(path, 'w') as f:
        json.dump(record, f)
    assert len(ReviewStore(predictions, 'ana').records) == 3
