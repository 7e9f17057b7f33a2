import pytest
import torch
from mmpose.structures import PoseDataSample

from hyatt_mmpose.models import CascadeHeatmapHead, FFCMNeck
from .test_multi_resolution_heatmap_head import INPUT, POINTS, codecs, encode

K = 3


def make_head(**kwargs):
    return CascadeHeatmapHead(
        in_channels=(8, 3),
        out_channels=K,
        feat_channels=6,
        image_channels=4,
        decoder=codecs(),
        **kwargs)


def inputs(batch=2):
    w, h = INPUT
    return (torch.randn(batch, 8, h // 4, w // 4, requires_grad=True),
            torch.randn(batch, 3, h, w, requires_grad=True))


def test_levels_at_strides_4_2_1():
    heatmaps = make_head()(inputs())
    assert [tuple(h.shape) for h in heatmaps
            ] == [(2, K, INPUT[1] // s, INPUT[0] // s) for s in (4, 2, 1)]


def test_stride_1_level_uses_the_stride_2_heatmaps_and_the_image():
    head = make_head()
    head.init_weights()
    fused, image = inputs()
    h4, h2, h1 = head((fused, image))
    from_h2, from_h4, from_image = torch.autograd.grad(
        h1.square().sum(), (h2, h4, image), allow_unused=True)
    assert from_h2 is not None and from_h2.abs().sum() > 0
    assert from_h4 is None  # the stride-4 heatmaps are not fed forward
    assert from_image.abs().sum() > 0


def test_every_parameter_gets_a_gradient_in_a_loss_step():
    head = make_head(loss_weights=(1000., 3000., 3000.))
    head.init_weights()
    samples = [encode(POINTS)[0] for _ in range(2)]
    losses = head.loss(inputs(), samples)
    assert sorted(losses) == ['loss_kpt_s1', 'loss_kpt_s2', 'loss_kpt_s4']
    sum(losses.values()).backward()
    for name, p in head.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_loss_weights_scale_each_level():
    torch.manual_seed(0)
    head = make_head(loss_weights=(1000., 3000., 3000.))
    samples = [encode(POINTS)[0] for _ in range(2)]
    feats = inputs()
    losses = head.loss(feats, samples)
    for level, (pred, weight, stride) in enumerate(
            zip(head(feats), (1000., 3000., 3000.), (4, 2, 1))):
        target = torch.stack([s.gt_fields[level].heatmaps for s in samples])
        torch.testing.assert_close(losses[f'loss_kpt_s{stride}'],
                                   weight * ((pred - target)**2).mean())


def test_released_decoder_size_from_layer_shapes():
    # Published widths: a 256-channel fused map from stages 2-5 (128, 320,
    # 512, 1024 channels), a 32-channel image branch, 19 landmarks.
    k, c, img = 19, 256, 32
    neck = FFCMNeck([3, 128, 320, 512, 1024], [1, 4, 8, 16, 32], c)
    head = CascadeHeatmapHead((c, 3), k, c, img, decoder=())

    def conv(i, o, ks=3, bias=True):
        return ks * ks * i * o + (o if bias else 0)

    expected_neck = sum(conv(i, c) for i in (128, 320, 512, 1024)) + conv(c, c)
    level_s4 = conv(c, c) + conv(c, k, 1)
    level_s2 = (
        conv(c, c, 4, bias=False) + 2 * c  # deconvolution + BN
        + conv(c, c) + conv(c, k, 1))
    wide = img + c + k  # 307 for ISBI 2015
    level_s1 = conv(3, img, 1) + 2 * img + conv(wide, wide) + conv(wide, k, 1)
    assert sum(p.numel() for p in neck.parameters()) == expected_neck
    assert sum(p.numel() for p in head.parameters()) == \
        level_s4 + level_s2 + level_s1


def test_image_must_match_the_fused_map():
    fused, image = inputs()
    with pytest.raises(ValueError, match='multiple of 32'):
        make_head()((fused, image[..., :-4]))
    with pytest.raises(ValueError, match='FFCMNeck'):
        CascadeHeatmapHead((8, ), K)


def test_predict_decodes_the_mean_of_the_levels():
    head = make_head()
    head.eval()
    with torch.no_grad():
        preds = head.predict(inputs(1), [PoseDataSample()])
    assert preds[0].keypoints.shape == (1, K, 2)


@pytest.mark.parametrize('band_rows', [1, 3, 5, 10, 14, 1000])
def test_predicting_in_bands_gives_the_same_heatmaps(band_rows):
    torch.manual_seed(0)
    head = make_head(band_rows=band_rows).double()
    for bn in (head.deconv_s2[1], head.image_branch[1]):  # trained statistics
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        bn.weight.data.uniform_(0.5, 2)
        bn.bias.data.uniform_(-1, 1)
    head.eval()
    fused, image = (t.detach().double() for t in inputs())
    plain = head((fused, image))  # autograd on: the training path
    with torch.no_grad():
        banded = head((fused, image))
    for p, b in zip(plain, banded):
        torch.testing.assert_close(b, p.detach(), atol=1e-12, rtol=0)


def test_band_rows_must_be_positive():
    with pytest.raises(ValueError, match='band_rows'):
        make_head(band_rows=0)


def test_prediction_runs_in_bands():
    head = make_head(band_rows=4).eval()  # stride-2 maps of 24 rows
    calls = []
    head.deconv_s2[0].register_forward_hook(lambda *a: calls.append(1))
    head.level_s1.register_forward_hook(lambda *a: calls.append(2))
    fused, image = (t.detach() for t in inputs())
    with torch.no_grad():
        head((fused, image))
    # 12 fused rows, 2 at a time; 24 stride-2 rows, 4 at a time
    assert calls.count(1) == 6 and calls.count(2) == 6
