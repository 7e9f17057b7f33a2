"""Calibrations and site offsets are used only with the model they were
made for, in every form the predictor takes it (issue #23, kind 1)."""
import pytest
import torch

from hyatt_mmpose.adaptation import SiteOffsets, SiteOffsetsError
from hyatt_mmpose.apis import LandmarkPredictor, calibrating
from hyatt_mmpose.apis.onnx_export import CHECKPOINT_SHA256, export_onnx
from hyatt_mmpose.calibration import CalibrationError
from hyatt_mmpose.utils import file_sha256


@pytest.fixture(scope='module')
def calibration(tiny_checkpoint, synthetic_root, tmp_path_factory):
    config, checkpoint = tiny_checkpoint
    path = str(tmp_path_factory.mktemp('cal') / 'cal.json')
    calibrating.calibrate(config, checkpoint,
                          f'{synthetic_root}/annotations/test.json', 'test',
                          0.5).save(path)
    return path


def _onnx(tiny_checkpoint, path, metadata):
    config, checkpoint = tiny_checkpoint
    predictor = LandmarkPredictor(config, checkpoint)
    export_onnx(predictor.model.eval(), (64, 64), str(path), metadata=metadata)
    return str(path)


@pytest.mark.slow
def test_onnx_files_stand_for_their_checkpoint(tiny_checkpoint, calibration,
                                               tmp_path):
    """An ONNX file without the record of its checkpoint cannot be checked
    (refused); with it, the checkpoint's calibration is accepted and
    another checkpoint's is not."""
    config, checkpoint = tiny_checkpoint
    bare = _onnx(tiny_checkpoint, tmp_path / 'bare.onnx', None)
    with pytest.raises(
            CalibrationError,
            match=r'bare\.onnx: an ONNX file that does not '
            'record the checkpoint'):
        LandmarkPredictor(
            config, bare, backend='onnxruntime', calibration=calibration)
    own = _onnx(tiny_checkpoint, tmp_path / 'own.onnx',
                {CHECKPOINT_SHA256: file_sha256(checkpoint)})
    result = LandmarkPredictor(
        config, own, backend='onnxruntime', calibration=calibration).predict(
            torch.zeros(96, 96, dtype=torch.uint8).numpy(),
            pixel_spacing=0.5)[0]
    assert result['radius_mm'] is not None
    other = _onnx(tiny_checkpoint, tmp_path / 'other.onnx',
                  {CHECKPOINT_SHA256: '0' * 64})
    with pytest.raises(CalibrationError, match='their bytes differ'):
        LandmarkPredictor(
            config, other, backend='onnxruntime', calibration=calibration)


def test_site_offsets_of_another_model_are_refused(tiny_checkpoint, tmp_path):
    config, checkpoint = tiny_checkpoint
    predictor = LandmarkPredictor(config, checkpoint)
    names = predictor.names
    offsets = [[0.5, 0.0]] * len(names)
    for sha256, accepted in ((file_sha256(checkpoint), True), ('0' * 64,
                                                               False)):
        path = str(tmp_path / f'{accepted}.json')
        SiteOffsets(
            names,
            offsets, [0.0] * len(names),
            record=dict(
                base_checkpoint='base.pth',
                base_checkpoint_sha256=sha256,
                config='tiny.py',
                config_sha256=predictor.config_sha256)).save(path)
        if accepted:
            LandmarkPredictor(config, checkpoint, site_offsets=path)
        else:
            with pytest.raises(
                    SiteOffsetsError,
                    match=r'estimated for base\.pth, not on'):
                LandmarkPredictor(config, checkpoint, site_offsets=path)


def test_a_calibration_under_another_prediction_config_is_refused(
        tiny_checkpoint, calibration, tmp_path):
    """Same weights, flip test switched: the radii were measured on other
    predictions. Another member: another input size."""
    from mmengine.config import Config
    config, checkpoint = tiny_checkpoint
    flipped = Config.fromfile(config)
    flipped.model.test_cfg.flip_test = not flipped.model.test_cfg.get(
        'flip_test', False)
    with pytest.raises(
            CalibrationError, match='not on this config .*flip test'):
        LandmarkPredictor(flipped, checkpoint, calibration=calibration)
    resized = Config.fromfile(config)
    resized.val_dataloader.dataset.pipeline[2].input_size = (96, 96)
    with pytest.raises(CalibrationError, match='not on this config'):
        LandmarkPredictor(resized, checkpoint, calibration=calibration)
