import pytest
import torch
import torch.nn.functional as F

from hyatt_mmpose.analysis import count_flops
from hyatt_mmpose.models.utils import depthwise_conv2d


@pytest.mark.parametrize('kernel,channels_last,batch', [(5, True, 2),
                                                        (5, False, 1),
                                                        (3, True, 3),
                                                        (1, False, 2)])
def test_equals_conv2d_with_gradients(kernel, channels_last, batch):
    torch.manual_seed(0)
    x = torch.randn(batch, 6, 11, 9, dtype=torch.float64)
    if channels_last:  # as the BRA's values arrive
        x = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
    weight = torch.randn(6, 1, kernel, kernel, dtype=torch.float64)
    bias = torch.randn(6, dtype=torch.float64)
    upstream = torch.randn(batch, 6, 11, 9, dtype=torch.float64)
    results = []
    for conv in (
            depthwise_conv2d,
            lambda x, w, b: F.conv2d(x, w, b, padding=kernel // 2, groups=6)):
        inputs = [t.clone().requires_grad_() for t in (x, weight, bias)]
        out = conv(*inputs)
        (out * upstream).sum().backward()
        results.append([out.detach()] + [t.grad for t in inputs])
    for ours, reference in zip(*results):
        torch.testing.assert_close(ours, reference, atol=1e-12, rtol=0)


def test_input_gradient_alone_without_bias():
    x = torch.randn(1, 4, 8, 8, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(4, 1, 5, 5, dtype=torch.float64)
    (ours, ) = torch.autograd.grad(depthwise_conv2d(x, weight).sum(), x)
    (reference, ) = torch.autograd.grad(
        F.conv2d(x, weight, padding=2, groups=4).sum(), x)
    torch.testing.assert_close(ours, reference, atol=1e-12, rtol=0)


def test_weight_gradient_in_channel_blocks(monkeypatch):
    from hyatt_mmpose.models.utils import depthwise_conv

    # blocks of 4 channels: 7 channels in two blocks, the last one short
    monkeypatch.setattr(depthwise_conv, '_BLOCK_ELEMENTS', 4 * 11 * 9)
    x = torch.randn(2, 7, 11, 9, dtype=torch.float64)
    weight = torch.randn(7, 1, 5, 5, dtype=torch.float64, requires_grad=True)
    (ours, ) = torch.autograd.grad(
        depthwise_conv2d(x, weight).square().sum(), weight)
    (reference, ) = torch.autograd.grad(
        F.conv2d(x, weight, padding=2, groups=7).square().sum(), weight)
    torch.testing.assert_close(ours, reference, atol=1e-12, rtol=0)


def test_mixed_precision_and_tracing_run_the_plain_convolution():
    x = torch.randn(1, 4, 8, 8, requires_grad=True)
    weight = torch.randn(4, 1, 5, 5, requires_grad=True)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = depthwise_conv2d(x, weight)
        reference = F.conv2d(x, weight, padding=2, groups=4)
    assert out.dtype == torch.bfloat16
    out.float().sum().backward()  # a custom backward would mix dtypes here
    torch.testing.assert_close(out, reference)
    # FLOP counting (mmengine traces with torch.jit) sees a convolution,
    # not a Function it cannot count
    lce = _LCE()
    ours, plain = (count_flops(m, (x.detach(), )) for m in (lce, lce.conv))
    assert ours == plain > 0
    # torch.export (PyTorch's ONNX exporter) too
    graph = torch.export.export(lce, (x.detach(), )).graph
    assert any(n.target == torch.ops.aten.conv2d.default for n in graph.nodes)


class _LCE(torch.nn.Module):

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 4, 5, padding=2, groups=4)

    def forward(self, x):
        return depthwise_conv2d(x, self.conv.weight, self.conv.bias)
