import pytest
import torch

from hyatt_mmpose.models import FullResolutionFFCMNeck as Neck

CHANNELS = [3, 8, 12, 16, 20, 24]
STRIDES = [1, 2, 4, 8, 16, 32]


def backbone_like(h: int, w: int):
    return tuple(
        torch.randn(2, c, -(-h // s), -(-w // s), requires_grad=True)
        for c, s in zip(CHANNELS, STRIDES))


@pytest.mark.parametrize('size', [(64, 64), (61, 75)])
def test_outputs_at_each_stride(size):
    neck = Neck(
        CHANNELS,
        STRIDES,
        channels=10,
        image_channels=6,
        out_strides=(4, 2, 1))
    feats = backbone_like(*size)
    outs = neck(feats)
    assert [o.shape for o in outs] == [
        (2, 10) + tuple(feats[STRIDES.index(s)].shape[-2:]) for s in (4, 2, 1)
    ]


def test_every_input_and_parameter_takes_part():
    neck = Neck(CHANNELS, STRIDES, channels=10)
    feats = backbone_like(32, 32)
    sum(o.square().mean() for o in neck(feats)).backward()
    assert all(f.grad is not None and f.grad.abs().sum() > 0 for f in feats)
    for name, p in neck.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_only_needed_correction_levels_are_built():
    neck = Neck(CHANNELS, STRIDES, channels=10, out_strides=(4, 2))
    assert len(neck.correct_laterals) == 1
    outs = neck(backbone_like(32, 32))
    assert [o.shape[-1] for o in outs] == [8, 16]


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError, match='fuse_stride'):
        Neck([4, 8], [2, 8], fuse_stride=4)
    with pytest.raises(ValueError, match='out stride'):
        Neck(CHANNELS[2:], STRIDES[2:], out_strides=(4, 2))
    neck = Neck(CHANNELS, STRIDES)
    with pytest.raises(ValueError, match='out_indices'):
        neck(backbone_like(32, 32)[1:])
