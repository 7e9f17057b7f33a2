"""ONNX export of the tiny preset, and the onnxruntime backend."""
import json
import os.path as osp

import numpy as np
import onnxruntime as ort
import pytest
import torch
from mmengine.dataset import pseudo_collate

from hyatt_mmpose.apis import HeatmapNetwork, LandmarkPredictor, onnx_export
from hyatt_mmpose.commands import export_onnx as export_tool
from hyatt_mmpose.commands import predict as predict_tool
from hyatt_mmpose.datasets.framing import whole_image_bbox


@pytest.fixture(scope='module')
def exported(tiny_checkpoint, tmp_path_factory):
    config, checkpoint = tiny_checkpoint
    out = str(tmp_path_factory.mktemp('onnx') / 'tiny.onnx')
    diff = onnx_export.export_checkpoint(config, checkpoint, out)
    return config, checkpoint, out, diff


@pytest.mark.slow
def test_export_checks_itself_and_keeps_files(exported, capsys):
    config, checkpoint, out, diff = exported
    assert osp.getsize(out) > 0 and diff < 1e-4
    assert export_tool.main([config, checkpoint, '--out', out]) == 1
    assert '--overwrite' in capsys.readouterr().err
    assert export_tool.main([config, checkpoint, '--out', out,
                             '--overwrite']) == 0
    assert f'wrote {out}; onnxruntime vs PyTorch' in capsys.readouterr().out


@pytest.mark.slow
def test_heatmaps_and_landmarks_match_pytorch(exported, synthetic_root):
    config, checkpoint, out, _ = exported
    paths = [f'{synthetic_root}/images/test_{i:04d}.png' for i in range(3)]
    torch_predictor = LandmarkPredictor(config, checkpoint)
    ort_predictor = LandmarkPredictor(config, out, backend='onnxruntime')
    # Heatmaps, on the same preprocessed batch.
    data = pseudo_collate([
        torch_predictor.pipeline(
            dict(
                img_path=p,
                bbox=whole_image_bbox(96, 96),
                bbox_score=np.ones(1, np.float32))) for p in paths
    ])
    inputs = torch_predictor.model.data_preprocessor(data, False)['inputs']
    with torch.no_grad():
        want = HeatmapNetwork(torch_predictor.model)(inputs)
    got = ort.InferenceSession(out).run(None, {'inputs': inputs.numpy()})
    assert len(got) == 3
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.numpy(), atol=1e-4)
    # Decoded landmarks: DARK's second derivatives amplify float rounding
    # in the heatmaps (1e-7) to about 1e-4 px, and to 3e-3 px seen where a
    # peak is flat (its Hessian small).
    for a, b in zip(
            torch_predictor.predict(paths), ort_predictor.predict(paths)):
        np.testing.assert_allclose(
            a['landmarks_px'], b['landmarks_px'], atol=1e-2)
        np.testing.assert_allclose(a['scores'], b['scores'], atol=1e-4)


@pytest.mark.slow
def test_predict_tool_with_onnxruntime(exported, synthetic_root, tmp_path):
    config, checkpoint, out, _ = exported
    image = f'{synthetic_root}/images/test_0001.png'
    for backend, model in (('pytorch', checkpoint), ('onnxruntime', out)):
        assert predict_tool.main([
            config, model, image, '--out-dir',
            str(tmp_path / backend), '--backend', backend
        ]) == 0
    a, b = (
        json.loads((tmp_path / backend / 'test_0001.json').read_text())
        for backend in ('pytorch', 'onnxruntime'))
    for la, lb in zip(a['landmarks'], b['landmarks']):
        assert la['x_px'] == pytest.approx(lb['x_px'], abs=1e-2)
        assert la['y_px'] == pytest.approx(lb['y_px'], abs=1e-2)


@pytest.mark.slow
def test_flip_test_is_applied_on_both_backends(exported, synthetic_root):
    from mmengine.config import Config
    config, checkpoint, out, _ = exported
    cfg = Config.fromfile(config)
    cfg.model.test_cfg = dict(flip_test=True, shift_heatmap='exact')
    paths = [f'{synthetic_root}/images/test_{i:04d}.png' for i in range(2)]
    flipped = [
        LandmarkPredictor(cfg, model, backend=backend).predict(paths)
        for backend, model in (('pytorch', checkpoint), ('onnxruntime', out))
    ]
    plain = LandmarkPredictor(
        config, out, backend='onnxruntime').predict(paths)
    for a, b, c in zip(*flipped, plain):
        np.testing.assert_allclose(
            a['landmarks_px'], b['landmarks_px'], atol=1e-2)
        # far beyond the backends' agreement: flip test did run
        assert np.abs(b['landmarks_px'] - c['landmarks_px']).max() > 0.1


def test_checkpoint_of_another_config_is_refused(synthetic_root, tmp_path,
                                                 capsys):
    """No ONNX file of a half-random model: the checkpoint must fit."""
    from mmengine.config import Config
    from mmpose.registry import MODELS

    from hyatt_mmpose.utils import CheckpointMismatchError
    from ..utils import tiny_config
    config = str(tmp_path / 'tiny.py')
    tiny_config(synthetic_root, str(tmp_path / 'work')).dump(config)
    other = Config.fromfile(config)
    other.model.backbone.arch.widths = [16, 32, 48, 64, 128]
    checkpoint = str(tmp_path / 'wider.pth')
    torch.save(
        dict(state_dict=MODELS.build(other.model).state_dict()), checkpoint)
    out = tmp_path / 'wider.onnx'
    with pytest.raises(
            CheckpointMismatchError,
            match=r'(?s)wider\.pth.*tiny\.py.*shape mismatches'):
        onnx_export.export_checkpoint(config, checkpoint, str(out))
    assert export_tool.main([config, checkpoint, '--out', str(out)]) == 1
    assert 'shape mismatches' in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.slow
def test_a_landmark_without_a_peak_is_decoded_alike_on_onnxruntime(
        tiny_checkpoint, synthetic_root, tmp_path):
    """The exported graph ends at the heatmaps; the predictor decodes them
    with the head's own decode: landmark 0, flat at -0.01 at every level,
    gets the same no-peak marker and flag on both backends."""
    from hyatt_mmpose.apis.landmark_checks import NO_PEAK
    config, checkpoint = tiny_checkpoint
    torch_predictor = LandmarkPredictor(config, checkpoint)
    head = torch_predictor.model.head
    for level in (head.level_s4, head.level_s2, head.level_s1):
        level[-1].weight.data[0] = 0
        level[-1].bias.data[0] = -0.01
    out = str(tmp_path / 'flat.onnx')
    onnx_export.export_onnx(torch_predictor.model.eval(), (64, 64), out)
    image = f'{synthetic_root}/images/test_0000.png'
    a = torch_predictor.predict(image)[0]
    b = LandmarkPredictor(config, out, backend='onnxruntime').predict(image)[0]
    np.testing.assert_allclose(b['landmarks_px'][0], a['landmarks_px'][0])
    np.testing.assert_allclose(b['landmarks_px'][0], [-1 * 96 / 64] * 2)
    assert NO_PEAK in a['flags'][0] and NO_PEAK in b['flags'][0]
