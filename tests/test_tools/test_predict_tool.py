import csv
import importlib.util
import json
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from hyatt_mmpose.datasets.metainfo import landmark_names
from hyatt_mmpose.visualization import PLANES
from hyatt_mmpose.visualization.landmark_drawing import PLANE_COLOUR

from ..utils import REPO_ROOT, shared_data

spec = importlib.util.spec_from_file_location(
    'predict_tool', osp.join(REPO_ROOT, 'tools', 'predict.py'))
predict_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(predict_tool)


def test_folder_run_finishes_good_files_and_lists_bad_ones(
        tiny_checkpoint, synthetic_root, tmp_path):
    config, checkpoint = tiny_checkpoint
    images = tmp_path / 'in'
    images.mkdir()
    for i in range(2):
        shutil.copy(f'{synthetic_root}/images/test_{i:04d}.png', images)
    (images / 'empty.png').write_bytes(b'')
    (images / 'corrupt.png').write_bytes(b'\x89PNG\r\n\x1a\n garbage')
    (images / 'notes.txt').write_text('not an image')
    out = tmp_path / 'out'
    status = predict_tool.main([
        config, checkpoint, str(images), '--out-dir', str(out), '--spacing',
        '0.5', '--batch-size', '2'
    ])
    assert status == 1
    rows = list(csv.DictReader(open(out / 'landmarks.csv')))
    assert [osp.basename(r['image']) for r in rows] == [
        'test_0000.png', 'test_0001.png']
    record = json.load(open(out / 'test_0001.json'))
    first = record['landmarks'][0]
    assert first['name'] == 'cranial_base_0'
    assert first['x_mm'] == first['x_px'] * 0.5
    assert float(rows[1]['cranial_base_0_x']) == first['x_px']
    overlay = cv2.imread(str(out / 'test_0001_overlay.png'))
    original = cv2.imread(str(images / 'test_0001.png'))
    assert overlay.shape[0] == original.shape[0]
    assert overlay.shape[1] > original.shape[1]  # the legend panel
    assert not (out / 'empty.json').exists()


def test_cephalometric_models_get_measurements_classes_and_planes(tmp_path):
    root = shared_data('isbi2015')
    points = np.loadtxt(f'{root}/AnnotationsByMD/400_senior/001.txt',
                        delimiter=',', max_rows=19)
    names = landmark_names('isbi2015')
    result = dict(
        image_path=f'{root}/RawImage/TrainingData/001.jpg', names=names,
        landmarks_px=points, landmarks_mm=points * 0.1, scores=np.ones(19),
        pixel_spacing=np.array([0.1, 0.1]))
    image = cv2.imread(result['image_path'])
    row = predict_tool.save_result(result, image, str(tmp_path),
                                   draw_ceph_planes=True)
    record = json.load(open(tmp_path / '001.json'))
    assert record['cephalometry']['classes'] == dict(
        ANB=3, SNB=3, SNA=2, ODI=3, APDI=3, FHI=1, FMA=2, MW=3)
    assert row['ANB_class'] == 3 and row['SNA'] == pytest.approx(84.05, 0.01)
    overlay = cv2.imread(str(tmp_path / '001_overlay.png'))
    for a, b in PLANES.values():
        # 30 % of the way along: clear of the other planes and labels.
        mid = 0.7 * points[names.index(a)] + 0.3 * points[names.index(b)]
        x, y = np.round(mid).astype(int)
        assert tuple(overlay[y, x]) == PLANE_COLOUR, (a, b)
    # A model without these landmarks gets neither.
    result['names'] = landmark_names('synthetic')
    assert predict_tool.cephalometry(result) is None
