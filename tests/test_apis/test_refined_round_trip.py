"""One refined config and one checkpoint through every tool: test, predict
(PyTorch and ONNX), calibrate and adapt, as any model goes."""
import json
import pickle

import numpy as np
import onnx
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from hyatt_mmpose.apis import LandmarkPredictor, adapt, testing
from hyatt_mmpose.apis.onnx_export import REFINER_ONNX, export_checkpoint
from hyatt_mmpose.calibration import spread_mm
from hyatt_mmpose.commands import calibrate as calibrate_tool
from hyatt_mmpose.commands import predict as predict_tool
from hyatt_mmpose.datasets.framing import whole_image_bbox
from hyatt_mmpose.utils import CheckpointMismatchError


def _images(root, n=3):
    return [f'{root}/images/test_{i:04d}.png' for i in range(n)]


@pytest.mark.slow
def test_test_tool_scores_the_refined_positions(tiny_refined_checkpoint,
                                                tmp_path):
    config, checkpoint = tiny_refined_checkpoint
    dump = str(tmp_path / 'dump.pkl')
    metrics = testing.test(
        config, checkpoint, work_dir=str(tmp_path), dump=dump)
    with open(dump, 'rb') as f:
        samples = pickle.load(f)
    # the metric scored the positions the refinement gave (the same
    # images through the predictor), not the coarse ones
    images = [s['img_path'] for s in samples]
    predicted = LandmarkPredictor(config, checkpoint).predict(images)
    errors = []
    for s, r in zip(samples, predicted):
        pred = np.asarray(s['pred_instances']['keypoints'])[0]
        np.testing.assert_allclose(pred, r['landmarks_px'], atol=1e-3)
        gt = np.asarray(s['gt_instances']['keypoints'])[0]
        errors += list(
            np.linalg.norm((pred - gt) * s['pixel_spacing'], axis=-1))
    assert metrics['MRE'] == pytest.approx(np.mean(errors))


@pytest.mark.slow
def test_predictor_refines_and_flags_what_it_keeps(tiny_refined_checkpoint,
                                                   tiny_checkpoint,
                                                   synthetic_root):
    config, checkpoint = tiny_refined_checkpoint
    refined = LandmarkPredictor(config, checkpoint)
    coarse = LandmarkPredictor(*tiny_checkpoint)
    moved = 0
    for r, c in zip(
            refined.predict(_images(synthetic_root)),
            coarse.predict(_images(synthetic_root))):
        kept = np.array(['not_refined' in f for f in r['flags']])
        # a kept landmark is exactly the coarse model's
        np.testing.assert_array_equal(r['landmarks_px'][kept],
                                      c['landmarks_px'][kept])
        moved += int(
            np.any(r['landmarks_px'][~kept] != c['landmarks_px'][~kept]))
    assert moved > 0


@pytest.mark.slow
def test_onnx_holds_both_stages_and_predicts_as_pytorch(
        tiny_refined_checkpoint, tiny_checkpoint, synthetic_root, tmp_path,
        capsys):
    config, checkpoint = tiny_refined_checkpoint
    out = str(tmp_path / 'refined.onnx')
    diff = export_checkpoint(config, checkpoint, out)
    assert diff < 1e-4
    meta = {p.key for p in onnx.load(out).metadata_props}
    assert REFINER_ONNX in meta
    torch_results = LandmarkPredictor(config, checkpoint).predict(
        _images(synthetic_root))
    ort_results = LandmarkPredictor(
        config, out, backend='onnxruntime').predict(_images(synthetic_root))
    # the coarse positions differ by about 1e-4 px (float rounding through
    # DARK), so the patches are cut a little apart: 1e-2 px seen
    for t, o in zip(torch_results, ort_results):
        assert t['flags'] == o['flags']
        np.testing.assert_allclose(
            t['landmarks_px'], o['landmarks_px'], atol=3e-2)
    # given as a PyTorch checkpoint, it is refused in one line saying how
    capsys.readouterr()
    assert predict_tool.main([
        config, out,
        _images(synthetic_root, 1)[0], '--out-dir',
        str(tmp_path / 'pred')
    ]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f'error: Refusing to load checkpoint "{out}"')
    assert '--backend onnxruntime' in error
    # a refined file with the coarse config is refused, not half-used
    with pytest.raises(ValueError, match='ONNX file of a refined model'):
        LandmarkPredictor(tiny_checkpoint[0], out, backend='onnxruntime')
    # and with a config that cuts other patches (the graph would take
    # them, at another zoom, and answer wrongly)
    cfg = Config.fromfile(config)
    cfg.model.refiner.zoom *= 2
    with pytest.raises(ValueError, match="of {'patch_size': .*model.refiner"):
        LandmarkPredictor(cfg, out, backend='onnxruntime')


@pytest.mark.slow
def test_calibration_uses_the_refinement_spread(tiny_refined_checkpoint,
                                                synthetic_root, tmp_path):
    config, checkpoint = tiny_refined_checkpoint
    cal = str(tmp_path / 'cal.json')
    assert calibrate_tool.main([
        config, checkpoint, '--split', 'test', '--coverage', '0.5', '--out',
        cal
    ]) == 0
    predictor = LandmarkPredictor(config, checkpoint, calibration=cal)
    image = _images(synthetic_root, 1)
    result = predictor.predict(image, pixel_spacing=[0.5, 0.5])[0]
    # the spread, recomputed from the model's own heatmaps: the patch
    # heatmaps over the patch's region, not the framed image's
    sample = predictor.model.test_step(
        pseudo_collate([
            predictor.pipeline(
                dict(
                    img_path=image[0],
                    bbox=whole_image_bbox(96, 96),
                    bbox_score=np.ones(1, np.float32)))
        ]))[0]
    heatmaps = sample.pred_fields.heatmaps.numpy()
    assert heatmaps.shape[1:] == (16, 16)
    want = spread_mm(heatmaps, sample.metainfo['heatmap_region'], [0.5, 0.5])
    np.testing.assert_allclose(result['spread_mm'], want, rtol=1e-6)
    thresholds = np.array(json.load(open(cal))['thresholds'])
    np.testing.assert_allclose(
        result['radius_mm'], thresholds * want, rtol=1e-6)
    assert predict_tool.main([
        config, checkpoint, image[0], '--calibration', cal, '--spacing', '0.5',
        '--out-dir',
        str(tmp_path / 'pred')
    ]) == 0
    record = json.load(open(tmp_path / 'pred' / 'test_0000.json'))
    assert len(record['landmarks']) == 19


@pytest.mark.slow
def test_adapt_fine_tunes_the_refinement_from_the_one_checkpoint(
        tiny_refined_checkpoint, synthetic_root, tmp_path):
    config, checkpoint = tiny_refined_checkpoint
    results = adapt(
        config,
        checkpoint,
        f'{synthetic_root}/annotations/val.json',
        2,
        str(tmp_path),
        iters=4,
        lr=1e-3,
        data_root=synthetic_root)
    assert set(results) >= {'before', 'fine-tuned'}
    LandmarkPredictor(config, str(tmp_path / 'adapted.pth')).predict(
        _images(synthetic_root, 1))
    # the refinement learnt; the coarse stage is the one it was given
    before = torch.load(checkpoint, map_location='cpu')['state_dict']
    after = torch.load(
        tmp_path / 'adapted.pth', map_location='cpu')['state_dict']
    assert before.keys() == after.keys()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all(k.startswith('refiner.') for k in changed)
    # the frozen coarse stage is not listed weight by weight
    logs = ''.join(p.read_text() for p in tmp_path.rglob('*.log'))
    assert 'Iter(train)' in logs
    assert 'requires_grad=False' not in logs


@pytest.mark.slow
def test_a_checkpoint_of_the_other_stage_says_which_to_give(
        tiny_refined_checkpoint, tiny_checkpoint, tmp_path):
    refined_config, refined = tiny_refined_checkpoint
    coarse_config, coarse = tiny_checkpoint
    with pytest.raises(CheckpointMismatchError) as err:
        LandmarkPredictor(refined_config, coarse)
    first = str(err.value).splitlines()[0]
    assert 'holds no refinement stage' in first
    assert 'refiner.' in str(err.value)  # the keys, listed after
    with pytest.raises(CheckpointMismatchError) as err:
        LandmarkPredictor(coarse_config, refined)
    assert 'holds a refinement stage that this config lacks' in str(
        err.value).splitlines()[0]
    # test.py says so before its work dir is made
    work_dir = tmp_path / 'test_run'
    with pytest.raises(CheckpointMismatchError, match='no refinement stage'):
        testing.test(refined_config, coarse, work_dir=str(work_dir))
    assert not work_dir.exists()
