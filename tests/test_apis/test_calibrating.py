"""tools/calibrate.py, and its file used by the predictor, tools/predict.py
and tools/test.py, on the tiny model."""
import csv
import json

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from hyatt_mmpose.apis import (LandmarkPredictor, calibrate_to_file,
                               report_coverage, testing)
from hyatt_mmpose.calibration import CalibrationError, LandmarkCalibration
from hyatt_mmpose.commands import calibrate as calibrate_tool
from hyatt_mmpose.commands import plot_coverage as plot_coverage_tool
from hyatt_mmpose.commands import predict as predict_tool
from hyatt_mmpose.visualization.landmark_drawing import RADIUS_COLOUR


@pytest.fixture(scope='module')
def calibrated(tiny_checkpoint, tmp_path_factory):
    """The tiny model calibrated at 50 % on the synthetic test split, by
    tools/calibrate.py."""
    config, checkpoint = tiny_checkpoint
    out = str(tmp_path_factory.mktemp('cal') / 'cal.json')
    assert calibrate_tool.main([
        config, checkpoint, '--split', 'test', '--coverage', '0.5', '--out',
        out
    ]) == 0
    return config, checkpoint, out


def test_thresholds_equal_a_recomputation(calibrated, synthetic_root):
    config, checkpoint, path = calibrated
    doc = json.load(open(path))
    truth = json.load(open(f'{synthetic_root}/annotations/test.json'))
    assert doc['n'] == 4 and doc['rank'] == 3  # ceil(5 * 0.5)
    assert doc['record']['split'] == 'test'
    assert doc['record']['image_ids'] == [i['id'] for i in truth['images']]
    predictor = LandmarkPredictor(config, checkpoint, with_spread=True)
    scores = []
    for image, ann in zip(truth['images'], truth['annotations']):
        result = predictor.predict(
            f'{synthetic_root}/{image["file_name"]}',
            pixel_spacing=image['pixel_spacing'])[0]
        gt = np.reshape(ann['keypoints'], (-1, 3))[:, :2]
        error = np.linalg.norm(
            (result['landmarks_px'] - gt) * image['pixel_spacing'], axis=1)
        scores.append(error / result['spread_mm'])
    expected = np.sort(scores, axis=0)[2]  # the 3rd smallest
    # the tool predicts in batches of 8, this loop one image at a time:
    # float32 kernels round differently by batch size and CPU (2e-5 seen)
    np.testing.assert_allclose(doc['thresholds'], expected, rtol=2e-4)


def test_training_and_val_images_are_refused(tiny_checkpoint, tmp_path):
    config, checkpoint = tiny_checkpoint
    with pytest.raises(
            ValueError, match=r'val\.json: 4 image\(s\).*same pixels as'):
        calibrate_to_file(
            str(tmp_path / 'x.json'), config, checkpoint, split='val')
    with pytest.raises(FileNotFoundError, match='--cal-size 20'):
        calibrate_to_file(str(tmp_path / 'y'), config, checkpoint)
    # a config that no longer lists the training images: the checkpoint's
    # own saved config still does
    other = Config.fromfile(config)
    other.train_dataloader.dataset.ann_file = 'annotations/test.json'
    other.dump(str(tmp_path / 'other.py'))
    with pytest.raises(ValueError, match=r'train\.json \(train_dataloader\)'):
        calibrate_to_file(
            str(tmp_path / 'z.json'),
            str(tmp_path / 'other.py'),
            checkpoint,
            split='train')
    assert not (tmp_path / 'x.json').exists()


def test_predictions_carry_radii_and_flags(calibrated, synthetic_root):
    config, checkpoint, path = calibrated
    image = f'{synthetic_root}/images/test_0001.png'
    plain = LandmarkPredictor(
        config, checkpoint, with_spread=True).predict(
            image, pixel_spacing=[0.5, 0.25])[0]
    thresholds = np.array(json.load(open(path))['thresholds'])
    radii = thresholds * plain['spread_mm']
    limit = float(np.median(radii))
    result = LandmarkPredictor(
        config, checkpoint, calibration=path, max_radius_mm=limit).predict(
            image, pixel_spacing=[0.5, 0.25])[0]
    np.testing.assert_allclose(result['radius_mm'], radii, rtol=1e-5)
    np.testing.assert_allclose(result['radius_px'],
                               radii[:, None] / [0.5, 0.25])
    assert result['coverage'] == 0.5
    for flags, r in zip(result['flags'], radii):
        assert ('large_radius' in flags) == (r > limit)
    no_mm = LandmarkPredictor(
        config, checkpoint, calibration=path).predict(image)[0]
    assert no_mm['radius_mm'] is None
    assert 'no conformal radii' in no_mm['warnings'][0]


def test_calibration_of_other_landmarks_is_refused(calibrated, tmp_path):
    config, checkpoint, path = calibrated
    calibration = LandmarkCalibration.load(path)
    names = list(calibration.names)
    names[3] = 'porion'
    other = str(tmp_path / 'other.json')
    LandmarkCalibration(
        calibration.coverage,
        calibration.score,
        names,
        calibration.scores,
        record=calibration.record).save(other)
    with pytest.raises(
            CalibrationError,
            match=r'other\.json: landmark 4 is '
            '"porion" there'):
        LandmarkPredictor(config, checkpoint, calibration=other)


def test_predict_tool_writes_radii(calibrated, synthetic_root, tmp_path):
    config, checkpoint, path = calibrated
    out = tmp_path / 'out'
    assert predict_tool.main([
        config, checkpoint, f'{synthetic_root}/images/test_0002.png',
        '--spacing', '0.5', '--calibration', path, '--max-radius', '0',
        '--out-dir',
        str(out)
    ]) == 0
    record = json.load(open(out / 'test_0002.json'))
    first = record['landmarks'][0]
    assert record['coverage'] == 0.5
    assert first['radius_px'] == [first['radius_mm'] / 0.5] * 2
    assert 'large_radius' in first['flags']
    row = next(
        csv.DictReader(open(out / 'landmarks.csv', encoding='utf-8-sig')))
    assert float(row['cranial_base_0_radius_mm']) == first['radius_mm']
    # the radii are drawn, in their own colour, only with a calibration
    plain = tmp_path / 'plain'
    predict_tool.main([
        config, checkpoint, f'{synthetic_root}/images/test_0002.png',
        '--spacing', '0.5', '--out-dir',
        str(plain)
    ])
    for folder, drawn in ((out, True), (plain, False)):
        overlay = cv2.imread(str(folder / 'test_0002_overlay.png'))
        cyan = np.all(overlay == RADIUS_COLOUR, axis=-1).sum()
        assert (cyan > 0) == drawn


def test_test_tool_reports_coverage(calibrated, tmp_path):
    config, checkpoint, path = calibrated
    metrics = testing.test(
        config, checkpoint, work_dir=str(tmp_path), calibration=path)
    assert 0 <= metrics['coverage'] <= 100
    assert metrics['radius_median_mm'] > 0
    assert 'MRE' in metrics


def test_test_tool_refuses_a_calibration_of_another_model(
        calibrated, tiny_checkpoint, tmp_path):
    """The trial's case: tools/test.py --calibration with another
    checkpoint reported a coverage; also (other members) an edited file and
    another flip test, each refused before the work dir is made."""
    import torch

    from hyatt_mmpose.commands import test as test_command
    config, checkpoint, path = calibrated
    other = tmp_path / 'other.pth'
    ckpt = torch.load(checkpoint, weights_only=True)
    ckpt['meta']['epoch'] = 11
    torch.save(ckpt, other)
    edited = tmp_path / 'edited.json'
    doc = json.load(open(path))
    doc['score'] = 'radial'
    edited.write_text(json.dumps(doc))
    cases = [
        (str(other), path, None, 'their bytes differ'),
        (checkpoint, str(edited), None, 'changed since'),
        (checkpoint, path, {
            'model.test_cfg.flip_test': True
        }, 'not on this config'),
    ]
    for i, (ckpt_path, cal, options, words) in enumerate(cases):
        work = tmp_path / f'work{i}'
        with pytest.raises(CalibrationError, match=words):
            testing.test(
                config,
                ckpt_path,
                work_dir=str(work),
                calibration=cal,
                cfg_options=options)
        assert not work.exists()
    assert test_command.main([
        config,
        str(other), '--calibration', path, '--work-dir',
        str(tmp_path / 'w')
    ]) != 0


@pytest.mark.slow
def test_coverage_plots_are_written(calibrated, tmp_path, capsys):
    config, checkpoint, path = calibrated
    report = report_coverage(config, checkpoint, path, ['test'],
                             str(tmp_path / 'lib'))
    # empirical coverage cannot fall as the nominal level rises
    assert np.all(np.diff(report['test']['reliability']) >= 0)
    assert report['test']['n'] == 4
    assert plot_coverage_tool.main([
        config, checkpoint, '--calibration', path, '--splits', 'test',
        '--out-dir',
        str(tmp_path)
    ]) == 0
    row = f'{"test":<10}{4:>5}{report["test"]["coverage"]:>12.2f}'
    assert row in capsys.readouterr().out
    for name in ('reliability.png', 'radius_vs_error_test.png'):
        image = cv2.imread(str(tmp_path / name))
        assert image is not None and image.std() > 0
