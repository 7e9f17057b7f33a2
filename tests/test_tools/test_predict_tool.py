import csv
import importlib.util
import json
import os.path as osp
import shutil

import cv2
import numpy as np

from hyatt_mmpose.datasets.metainfo import landmark_names

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


def test_cephalometric_models_get_measurements_and_classes():
    root = shared_data('isbi2015')
    points = np.loadtxt(f'{root}/AnnotationsByMD/400_senior/001.txt',
                        delimiter=',', max_rows=19)
    result = dict(names=landmark_names('isbi2015'), landmarks_px=points,
                  pixel_spacing=np.array([0.1, 0.1]))
    ceph = predict_tool.cephalometry(result)
    assert ceph['classes'] == dict(ANB=3, SNB=3, SNA=2, ODI=3, APDI=3, FHI=1,
                                   FMA=2, MW=3)
    result['names'] = landmark_names('synthetic')
    assert predict_tool.cephalometry(result) is None
