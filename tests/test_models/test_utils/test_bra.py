import pytest
import torch

from hyatt_mmpose.models import BiLevelRoutingAttention
from ...torch_deprecations import deprecated_torch_paths


def dense_reference(bra: BiLevelRoutingAttention, x: torch.Tensor):
    """Plain multi-head attention over the whole map, plus LCE on V."""
    N, C, H, W = x.shape
    q, k, v = bra.qkv(x.permute(0, 2, 3, 1)).chunk(3, dim=-1)
    h, d = bra.num_heads, C // bra.num_heads

    def heads(t):
        return t.reshape(N, H * W, h, d).transpose(1, 2)

    logits = heads(q) @ heads(k).transpose(-1, -2) * d**-0.5
    out = (logits.softmax(-1) @ heads(v)).transpose(1, 2).reshape(N, H, W, C)
    out = out + bra.lepe(v.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    return bra.proj(out).permute(0, 3, 1, 2)


@pytest.mark.parametrize('size,n_win', [((8, 8), 2), ((10, 13), 3),
                                        ((5, 7), 4), ((3, 3), 4)])
@pytest.mark.parametrize('all_regions', [True, False])
def test_routing_to_all_regions_is_dense_attention(size, n_win, all_regions):
    torch.manual_seed(0)
    topk = n_win**2 if all_regions else -1
    bra = BiLevelRoutingAttention(
        16, num_heads=4, n_win=n_win, topk=topk).double()
    x = torch.randn(2, 16, *size, dtype=torch.float64)
    torch.testing.assert_close(
        bra(x), dense_reference(bra, x), atol=1e-6, rtol=0)


def test_one_region_with_topk1_is_full_attention():
    torch.manual_seed(1)
    bra = BiLevelRoutingAttention(8, num_heads=2, n_win=1, topk=1).double()
    x = torch.randn(1, 8, 6, 5, dtype=torch.float64)
    torch.testing.assert_close(
        bra(x), dense_reference(bra, x), atol=1e-6, rtol=0)


def test_chosen_regions_match_brute_force_topk():
    torch.manual_seed(2)
    n, topk, C = 3, 2, 8
    bra = BiLevelRoutingAttention(C, num_heads=2, n_win=n, topk=topk).double()
    x = torch.randn(2, C, 9, 9, dtype=torch.float64)
    q, k, _ = bra.qkv(x.permute(0, 2, 3, 1)).chunk(3, dim=-1)
    got = bra.route(x)
    assert got.shape == (2, n * n, topk)
    for b in range(2):
        # Brute force: mean q and k of each 3x3 region, every pair scored.
        regions = [(slice(3 * i, 3 * i + 3), slice(3 * j, 3 * j + 3))
                   for i in range(n) for j in range(n)]
        q_mean = [q[b, r, c].mean((0, 1)) for r, c in regions]
        k_mean = [k[b, r, c].mean((0, 1)) for r, c in regions]
        for qi, qm in enumerate(q_mean):
            scores = torch.stack([qm @ km for km in k_mean])
            expected = scores.argsort(descending=True)[:topk]
            assert sorted(got[b, qi].tolist()) == sorted(expected.tolist())


def test_padding_regions_are_never_routed_to():
    # 5 rows over 4 regions per side: region rows of 2 px, the last empty.
    torch.manual_seed(3)
    bra = BiLevelRoutingAttention(8, num_heads=2, n_win=4, topk=12).double()
    x = torch.randn(1, 8, 5, 5, dtype=torch.float64)
    # 12 routed regions of 16 include all 9 non-empty ones: dense result.
    torch.testing.assert_close(
        bra(x), dense_reference(bra, x), atol=1e-6, rtol=0)


@pytest.mark.parametrize('kv_per_win', [None, 2])
def test_gradients_reach_every_parameter(kv_per_win):
    torch.manual_seed(4)
    bra = BiLevelRoutingAttention(
        16, num_heads=4, n_win=4, topk=2, kv_per_win=kv_per_win)
    x = torch.randn(2, 16, 17, 19, requires_grad=True)
    out = bra(x)
    assert out.shape == x.shape
    out.square().sum().backward()
    for name, p in bra.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert x.grad.abs().sum() > 0


def test_kv_pooling_with_one_token_per_pixel_changes_nothing():
    # 8x8 map, 4 regions per side: 2x2 pixels per region, pooled to 2x2.
    torch.manual_seed(5)
    bra = BiLevelRoutingAttention(
        8, num_heads=2, n_win=4, topk=3, kv_per_win=2).double()
    x = torch.randn(1, 8, 8, 8, dtype=torch.float64)
    ref = BiLevelRoutingAttention(8, num_heads=2, n_win=4, topk=3).double()
    ref.load_state_dict(bra.state_dict())
    torch.testing.assert_close(bra(x), ref(x), atol=1e-10, rtol=0)


def test_invalid_arguments_are_refused():
    with pytest.raises(ValueError, match='divisible'):
        BiLevelRoutingAttention(10, num_heads=4)
    with pytest.raises(ValueError, match='topk'):
        BiLevelRoutingAttention(8, num_heads=2, topk=0)
    with pytest.raises(ValueError, match='odd'):
        BiLevelRoutingAttention(8, num_heads=2, side_dwconv=4)


def test_pooled_keys_are_block_means():
    # 8x8 map, 2 regions per side of 4x4 pixels, pooled to 2x2 tokens: the
    # tokens are means of 2x2 pixel blocks. Full attention over them.
    torch.manual_seed(6)
    C = 8
    bra = BiLevelRoutingAttention(
        C, num_heads=2, n_win=2, topk=-1, kv_per_win=2).double()
    x = torch.randn(2, C, 8, 8, dtype=torch.float64)
    q, k, v = bra.qkv(x.permute(0, 2, 3, 1)).chunk(3, dim=-1)

    def block_means(t):  # (N, 8, 8, C) -> (N, 16, C)
        pooled = torch.nn.functional.avg_pool2d(t.permute(0, 3, 1, 2), 2)
        return pooled.flatten(2).transpose(1, 2)

    h, d = 2, C // 2
    qh = q.reshape(2, 64, h, d).transpose(1, 2)
    kh = block_means(k).reshape(2, 16, h, d).transpose(1, 2)
    vh = block_means(v).reshape(2, 16, h, d).transpose(1, 2)
    attn = (qh @ kh.transpose(-1, -2) * d**-0.5).softmax(-1)
    out = (attn @ vh).transpose(1, 2).reshape(2, 8, 8, C)
    out = out + bra.lepe(v.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    expected = bra.proj(out).permute(0, 3, 1, 2)
    torch.testing.assert_close(bra(x), expected, atol=1e-10, rtol=0)


def test_regions_smaller_than_the_pool_are_not_upsampled():
    # 2x2-pixel regions with kv_per_win=4 keep their 4 pixels: dense result.
    torch.manual_seed(7)
    bra = BiLevelRoutingAttention(
        8, num_heads=2, n_win=4, topk=16, kv_per_win=4).double()
    x = torch.randn(1, 8, 8, 8, dtype=torch.float64)
    torch.testing.assert_close(
        bra(x), dense_reference(bra, x), atol=1e-6, rtol=0)


def test_bin_average_is_adaptive_average_pooling():
    from hyatt_mmpose.models.utils.bra import _bin_average
    x = torch.randn(2, 5, 38, 32, dtype=torch.float64)
    # one region per side
    pooled = _bin_average(38, 1, 38, 4, x) @ x @ _bin_average(32, 1, 32, 4,
                                                              x).T
    torch.testing.assert_close(
        pooled,
        torch.nn.functional.adaptive_avg_pool2d(x, 4),
        atol=1e-12,
        rtol=0)


@pytest.mark.parametrize('size, n_win, bins', [((14, 10), 2, (3, 3)),
                                               ((38, 32), 2, (4, 4)),
                                               ((6, 20), 2, (3, 4)),
                                               ((12, 12), 3, (1, 1))])
def test_region_means_are_each_regions_adaptive_pooling(size, n_win, bins):
    # where n_win divides the map: each region pooled on its own, as the
    # official code's ada_avgpool does, with uneven and overlapping bins
    torch.manual_seed(8)
    bra = BiLevelRoutingAttention(
        8, num_heads=2, n_win=n_win, topk=1, kv_per_win=max(bins)).double()
    H, W = size
    rh, rw = H // n_win, W // n_win
    x = torch.randn(2, 8, H, W, dtype=torch.float64)
    means, valid = bra._region_means(x.permute(0, 2, 3, 1), rh, rw, *bins)
    assert valid.shape == (n_win**2, bins[0] * bins[1]) and valid.all()
    for i in range(n_win):
        for j in range(n_win):
            region = x[:, :, i * rh:(i + 1) * rh, j * rw:(j + 1) * rw]
            expected = torch.nn.functional.adaptive_avg_pool2d(region, bins)
            torch.testing.assert_close(
                means[:, i * n_win + j],
                expected.flatten(2).transpose(1, 2),
                atol=1e-12,
                rtol=0)


def test_onnx_export_with_overlapping_pooling_bins(recwarn):
    """PyTorch's current exporter (torch.onnx.export on torch.export):
    19 x 16-pixel regions pooled to 4 x 4, rows [0, 5), [4, 10), [9, 15),
    [14, 19) overlapping, which ONNX's pooling cannot express; the region
    means are the two products while torch.onnx exports (it decomposes
    the pooling into a gather and an add per bin offset otherwise). No
    warning of a deprecated torch.onnx or torch.jit path: the legacy
    TorchScript-based exporter warned, and traced with torch.jit."""
    ort = pytest.importorskip('onnxruntime')
    torch.manual_seed(9)
    bra = BiLevelRoutingAttention(
        8, num_heads=2, n_win=2, topk=1, kv_per_win=4).eval()
    x = torch.randn(1, 8, 38, 32)
    program = torch.onnx.export(
        bra, (x, ),
        input_names=['x'],
        opset_version=18,
        dynamo=True,
        verbose=False)
    assert deprecated_torch_paths(recwarn.list) == []
    ops = {node.op_type for node in program.model_proto.graph.node}
    assert 'Einsum' in ops and 'AveragePool' not in ops
    session = ort.InferenceSession(
        program.model_proto.SerializeToString(),
        providers=['CPUExecutionProvider'])
    (got, ) = session.run(None, {'x': x.numpy()})
    with torch.no_grad():
        torch.testing.assert_close(
            torch.from_numpy(got), bra(x), atol=1e-5, rtol=0)
