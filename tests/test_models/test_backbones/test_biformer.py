import math

import pytest
import torch

from hyatt_mmpose.models import BiFormer

TINY_HYATT = dict(
    depths=[1, 1, 1, 1, 1],
    widths=[16, 32, 48, 64, 96],
    n_wins=[4, 4, 4, 2, 2],
    topks=[1, 4, 4, 2, -1],
    kv_per_wins=2,
    mlp_ratios=[2, 2, 2, 2, 2],
    head_dim=16,
    embed='patch',
    arm=True,
    image_output=True)


def expected_side(side: int, stride: int, embed: str) -> int:
    # conv embeds (3x3, s2, p1) round up; patch embeds (4x4, s2, p1) down.
    for _ in range(int(math.log2(stride))):
        side = (side + 1) // 2 if embed == 'conv' else side // 2
    return side


@pytest.mark.parametrize('arch', ['tiny', 'small', 'base'])
@pytest.mark.parametrize('size', [(64, 64), (61, 77)])
def test_imagenet_presets_output_shapes(arch, size):
    model = BiFormer(arch=arch, n_win=2)
    model.eval()
    with torch.no_grad():
        outs = model(torch.randn(1, 3, *size))
    assert model.out_strides == [4, 8, 16, 32]
    assert len(outs) == 4
    for out, ch, stride in zip(outs, model.out_channels, model.out_strides):
        assert out.shape == (1, ch, expected_side(size[0], stride, 'conv'),
                             expected_side(size[1], stride, 'conv'))


def test_imagenet_preset_widths_and_depths_as_published():
    tiny = BiFormer('tiny')
    base = BiFormer('base')
    assert tiny.out_channels == [64, 128, 256, 512]
    assert base.out_channels == [96, 192, 384, 768]
    assert [len(s) for s in BiFormer('small').stages] == [4, 4, 18, 4]
    assert [len(s) for s in tiny.stages] == [2, 2, 8, 2]
    assert [b.attn.topk for s in tiny.stages for b in s[:1]] == [1, 4, 16, -1]
    assert tiny.stages[0][0].attn.num_heads == 64 // 32


@pytest.mark.parametrize('size', [(512, 608), (400, 500)])
@pytest.mark.slow
def test_hyatt_preset_output_shapes(size):
    model = BiFormer(arch='hyatt', out_indices=(0, 1, 2, 3, 4, 5))
    assert model.out_channels == [3, 64, 128, 320, 512, 1024]
    assert model.out_strides == [1, 2, 4, 8, 16, 32]
    model.eval()
    image = torch.randn(1, 3, *size)
    with torch.no_grad():
        outs = model(image)
    assert outs[0] is image  # output 0: the image, for the stride-1 level
    for out, ch, stride in zip(outs, model.out_channels, model.out_strides):
        assert out.shape == (1, ch, expected_side(size[0], stride, 'patch'),
                             expected_side(size[1], stride, 'patch'))


def test_hyatt_preset_settings():
    model = BiFormer(arch='hyatt', drop_path_rate=0.1)
    attns = [stage[0].attn for stage in model.stages]
    assert [a.n_win for a in attns] == [16, 16, 16, 8, 8]
    assert [a.topk for a in attns] == [1, 4, 8, 16, -1]
    assert all(a.kv_per_win == 4 for a in attns)
    hidden = [stage[0].mlp[0].out_features for stage in model.stages]
    assert hidden == [64 * 8, 128 * 8, 320 * 8, 512 * 4, 1024 * 4]
    assert model.stages[-1][0].drop_path.drop_prob == pytest.approx(0.1)
    assert len(model.arms) == 5


def test_out_indices_select_outputs():
    model = BiFormer(arch=TINY_HYATT, out_indices=(1, -1))
    outs = model(torch.randn(1, 3, 64, 64))
    assert [o.shape[1] for o in outs] == [16, 96]
    with pytest.raises(ValueError, match='out of range'):
        BiFormer(arch=TINY_HYATT, out_indices=(6, ))


def test_frozen_stages_get_no_gradient():
    model = BiFormer(arch=TINY_HYATT, frozen_stages=1)
    model.train()
    assert not model.embeds[0][1].training
    outs = model(torch.randn(2, 3, 64, 64))
    sum(o.sum() for o in outs).backward()
    for module in (model.embeds[0], model.stages[1], model.arms[1]):
        assert all(p.grad is None for p in module.parameters())
    assert model.stages[2][0].attn.qkv.weight.grad is not None


def test_with_cp_gives_the_same_gradients():
    torch.manual_seed(0)
    plain = BiFormer(arch=TINY_HYATT)
    ckpt = BiFormer(arch=TINY_HYATT, with_cp=True)
    ckpt.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 64, 64)
    for model in (plain, ckpt):
        model.train()
        sum(o.square().mean() for o in model(x)).backward()
    for (name, p), q in zip(plain.named_parameters(), ckpt.parameters()):
        torch.testing.assert_close(p.grad, q.grad, msg=name)


def official_state_dict() -> dict:
    """Random weights under the official BiFormer-tiny key names."""
    torch.manual_seed(0)
    model = BiFormer('tiny')
    official = {}
    for key, value in model.state_dict().items():
        key = key.replace('embeds.', 'downsample_layers.')
        key = key.replace('.attn.proj.', '.attn.wo.')
        key = key.replace('.mlp.2.', '.mlp.3.')
        if key.startswith('stages.3.'):
            # The official full-attention stage: no QKV bias, proj not wo.
            key = key.replace('.attn.wo.', '.attn.proj.')
            if key.endswith('attn.qkv.bias'):
                continue
        else:
            key = key.replace('.attn.qkv.', '.attn.qkv.qkv.')
        official[key] = torch.randn_like(value.float()).to(value.dtype)
    official['head.weight'] = torch.randn(1000, 512)
    official['norm.weight'] = torch.randn(512)
    return official


def test_official_checkpoint_keys_are_converted():
    official = official_state_dict()
    fresh = BiFormer('tiny')
    result = fresh.load_state_dict(official, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    loaded = fresh.state_dict()
    torch.testing.assert_close(loaded['embeds.0.0.weight'],
                               official['downsample_layers.0.0.weight'])
    torch.testing.assert_close(loaded['stages.1.0.attn.qkv.weight'],
                               official['stages.1.0.attn.qkv.qkv.weight'])
    torch.testing.assert_close(loaded['stages.2.3.mlp.2.bias'],
                               official['stages.2.3.mlp.3.bias'])
    assert loaded['stages.3.0.attn.qkv.bias'].abs().sum() == 0


def test_official_checkpoint_loads_through_init_cfg(tmp_path):
    import hyatt_mmpose  # noqa: F401  (the safe loader reads 'model')
    official = official_state_dict()
    path = str(tmp_path / 'biformer_tiny_best.pth')
    torch.save(dict(model=official), path)
    model = BiFormer('tiny', init_cfg=dict(type='Pretrained', checkpoint=path))
    model.init_weights()
    torch.testing.assert_close(model.stages[2][5].attn.qkv.weight,
                               official['stages.2.5.attn.qkv.qkv.weight'])
    torch.testing.assert_close(model.embeds[0][3].weight,
                               official['downsample_layers.0.3.weight'])


def test_unknown_arch_is_refused():
    with pytest.raises(KeyError, match='Unknown BiFormer arch'):
        BiFormer('huge')
    with pytest.raises(ValueError, match='widths'):
        BiFormer(dict(depths=[1, 1], widths=[8, 16, 32]))
