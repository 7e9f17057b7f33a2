import pytest
import torch

from hyatt_mmpose.models import FFCMNeck

CHANNELS = [3, 8, 12, 16, 20]
STRIDES = [1, 4, 8, 16, 32]


def backbone_like(h: int, w: int):
    return tuple(
        torch.randn(2, c, -(-h // s), -(-w // s), requires_grad=True)
        for c, s in zip(CHANNELS, STRIDES))


@pytest.mark.parametrize('size', [(64, 64), (64, 96)])
def test_fused_map_then_the_image_unchanged(size):
    neck = FFCMNeck(CHANNELS, STRIDES, channels=10)
    feats = backbone_like(*size)
    fused, image = neck(feats)
    assert fused.shape == (2, 10, size[0] // 4, size[1] // 4)
    assert image is feats[0]


def test_parameters_match_the_layer_shapes():
    neck = FFCMNeck(CHANNELS, STRIDES, channels=10)
    # a 3x3 lateral (with bias) per fused input, one 3x3 output conv
    laterals = sum(9 * c * 10 + 10 for c in CHANNELS[1:])
    assert sum(p.numel() for p in neck.parameters()) == \
        laterals + 9 * 10 * 10 + 10


def test_every_fused_input_and_parameter_takes_part():
    neck = FFCMNeck(CHANNELS, STRIDES, channels=10)
    feats = backbone_like(64, 64)
    neck(feats)[0].square().mean().backward()
    assert all(f.grad is not None and f.grad.abs().sum() > 0
               for f in feats[1:])
    for name, p in neck.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError, match='fuse_stride'):
        FFCMNeck([4, 8], [2, 8], fuse_stride=4)
    with pytest.raises(ValueError, match='finest first'):
        FFCMNeck([4, 8], [8, 4])
    neck = FFCMNeck(CHANNELS, STRIDES)
    with pytest.raises(ValueError, match='out_indices'):
        neck(backbone_like(64, 64)[1:])
