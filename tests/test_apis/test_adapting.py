"""tools/adapt.py on a synthetic site whose annotators place every landmark
6 px right and 4 px lower than the training data."""
import json

import numpy as np
import pytest
import torch

from hyatt_mmpose.apis import LandmarkPredictor, adapt, calibrate_to_file
from hyatt_mmpose.calibration import CalibrationError
from hyatt_mmpose.commands import adapt as adapt_tool


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    from hyatt_mmpose.datasets.synthetic import make_synthetic_dataset
    root = tmp_path_factory.mktemp('site')
    make_synthetic_dataset(
        str(root), splits=(('local', 12), ), size=96, seed=5)
    doc = json.load(open(root / 'annotations' / 'local.json'))
    for ann in doc['annotations']:
        kp = ann['keypoints']
        for j in range(0, len(kp), 3):
            kp[j] += 6
            kp[j + 1] += 4
    path = root / 'annotations' / 'shifted.json'
    path.write_text(json.dumps(doc))
    return str(root), str(path)


@pytest.fixture(scope='module')
def adapted(tiny_checkpoint, site, tmp_path_factory):
    config, checkpoint = tiny_checkpoint
    root, local = site
    work = str(tmp_path_factory.mktemp('adapt'))
    results = adapt(
        config,
        checkpoint,
        local,
        6,
        work,
        iters=30,
        lr=1e-3,
        backbone_lr_mult=1,
        site='synthetic clinic',
        data_root=root)
    return results, work


@pytest.mark.slow
def test_offsets_and_fine_tuning_lower_held_out_error(adapted):
    results, _ = adapted
    before = results['before']['held_out']['MRE']
    assert results['offsets']['held_out']['MRE'] < before - 1.0
    assert results['fine-tuned']['held_out']['MRE'] < before - 1.0


@pytest.mark.slow
def test_records_name_base_images_and_schedule(adapted, tiny_checkpoint):
    _, work = adapted
    config, checkpoint = tiny_checkpoint
    record = json.load(open(f'{work}/adapted.json'))
    assert record['base_checkpoint'] == checkpoint
    assert record['site'] == 'synthetic clinic'
    assert len(record['images']) == 6 and len(set(record['image_ids'])) == 6
    assert record['schedule']['iters'] == 30
    meta = torch.load(f'{work}/adapted.pth', weights_only=True)['meta']
    assert meta['adaptation'] == record
    offsets = json.load(open(f'{work}/site_offsets.json'))
    assert offsets['record']['images'] == record['images']
    # the adapted checkpoint predicts with the base config and nothing else
    LandmarkPredictor(config, f'{work}/adapted.pth')


@pytest.mark.slow
def test_predictor_applies_site_offsets(adapted, tiny_checkpoint,
                                        synthetic_root):
    _, work = adapted
    config, checkpoint = tiny_checkpoint
    image = f'{synthetic_root}/images/test_0000.png'
    plain = LandmarkPredictor(config, checkpoint).predict(
        image, pixel_spacing=[0.5, 0.25])[0]
    moved = LandmarkPredictor(
        config, checkpoint, site_offsets=f'{work}/site_offsets.json').predict(
            image, pixel_spacing=[0.5, 0.25])[0]
    offsets = np.array(
        json.load(open(f'{work}/site_offsets.json'))['offsets_mm'])
    assert np.any(offsets != 0)
    np.testing.assert_allclose(
        moved['landmarks_px'] - plain['landmarks_px'],
        offsets / [0.5, 0.25],
        atol=1e-4)
    unscaled = LandmarkPredictor(
        config, checkpoint,
        site_offsets=f'{work}/site_offsets.json').predict(image)[0]
    assert 'site offsets not applied' in unscaled['warnings'][0]


@pytest.mark.slow
def test_outputs_are_never_overwritten(adapted, tiny_checkpoint, site, capsys):
    _, work = adapted
    config, checkpoint = tiny_checkpoint
    before = json.load(open(f'{work}/adaptation.json'))
    assert adapt_tool.main(
        [config, checkpoint, site[1], '--num-images', '6', '--work-dir',
         work]) == 1
    err = capsys.readouterr().err
    assert err.startswith('error: ') and '--overwrite' in err
    assert json.load(open(f'{work}/adaptation.json')) == before


@pytest.mark.slow
def test_calibration_follows_the_site(adapted, site, tiny_checkpoint,
                                      tmp_path):
    _, work = adapted
    root, local = site
    config, checkpoint = tiny_checkpoint
    # the images the checkpoint was adapted on cannot calibrate it
    with pytest.raises(
            ValueError,
            match=r'same pixels as images in .*adapt_images\.json'):
        calibrate_to_file(
            str(tmp_path / 'x.json'),
            config,
            f'{work}/adapted.pth',
            ann_file=local,
            data_root=root)
    # the site's held-out images, as tools/adapt.py wrote them, can
    cal_file = str(tmp_path / 'site_cal.json')
    cal = calibrate_to_file(
        cal_file,
        config,
        f'{work}/adapted.pth',
        ann_file=f'{work}/held_out.json',
        coverage=0.8,
        site='synthetic clinic',
        data_root=root)
    assert cal.n == 6 and cal.record['site'] == 'synthetic clinic'
    assert np.all(np.isfinite(cal.thresholds))  # 0.8 needs 4 images
    LandmarkPredictor(config, f'{work}/adapted.pth', calibration=cal_file)
    # the radii are refused on another checkpoint or other site offsets
    with pytest.raises(CalibrationError, match='their bytes differ'):
        LandmarkPredictor(config, checkpoint, calibration=cal_file)
    with pytest.raises(
            CalibrationError, match='calibrate with '
            '--site-offsets'):
        LandmarkPredictor(
            config,
            f'{work}/adapted.pth',
            calibration=cal_file,
            site_offsets=f'{work}/site_offsets.json')


def test_held_out_images_drawn_to_adapt_on_are_refused(tiny_checkpoint, site,
                                                       tmp_path):
    config, checkpoint = tiny_checkpoint
    root, local = site
    with pytest.raises(ValueError, match='drawn to adapt on'):
        adapt(
            config,
            checkpoint,
            local,
            6,
            str(tmp_path),
            held_out=[local],
            offsets_only=True,
            data_root=root)
