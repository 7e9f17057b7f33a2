from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor

# elements of the input copied at a time for the weight gradient (16 MiB in
# float32): whole maps at once were 4 % faster at HYATT-Net's stage 1 but
# raised the attention's peak memory from 0.45 to 0.66 of the official code's
_BLOCK_ELEMENTS = 1 << 22


class _DepthwiseConv2d(torch.autograd.Function):
    """A stride-1 'same' depthwise convolution whose backward is two
    forward convolutions.

    PyTorch's CPU backward of a depthwise convolution computes the input
    and weight gradients together in about 300 ms for BiFormer's LCE at
    HYATT-Net's stage 1 (64 channels, 608 x 512, 5 x 5), ten times its
    forward. Both gradients are convolutions themselves: the input gradient
    is the output gradient convolved with the flipped kernel (24 ms there),
    the weight gradient the zero-padded input convolved, channel by
    channel, with the output gradient as the kernel (67 ms on
    NCHW-contiguous copies when first measured, made a block of channels at
    a time to bound the memory). Numbers: docs/benchmarks.md.
    """

    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor, bias: Optional[Tensor],
                padding: int) -> Tensor:
        ctx.save_for_backward(x, weight)
        ctx.padding = padding
        return F.conv2d(x, weight, bias, padding=padding, groups=x.shape[1])

    @staticmethod
    def backward(ctx, grad: Tensor):
        x, weight = ctx.saved_tensors
        p = ctx.padding
        N, C, H, W = x.shape
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[1]:
            grad_w = weight.new_zeros(weight.shape)
            # a block of channels of one image at a time: oneDNN runs this
            # twice as fast on NCHW-contiguous operands, and the copies are
            # bounded
            block = max(1, _BLOCK_ELEMENTS // (H * W))
            for n in range(N):
                for c in range(0, C, block):
                    channels = slice(c, min(c + block, C))
                    kernels = grad[n, channels, None].contiguous()
                    grad_w[channels] += F.conv2d(
                        x[n:n + 1, channels].contiguous(),
                        kernels,
                        padding=p,
                        groups=kernels.shape[0])[0, :, None]
        # after the weight gradient's copies are freed
        if ctx.needs_input_grad[0]:
            grad_x = F.conv2d(grad, weight.flip(-2, -1), padding=p, groups=C)
        if ctx.needs_input_grad[2]:  # (False without a bias)
            grad_b = grad.sum((0, 2, 3))
        return grad_x, grad_w, grad_b, None


def depthwise_conv2d(x: Tensor,
                     weight: Tensor,
                     bias: Optional[Tensor] = None) -> Tensor:
    """Depthwise ``k x k`` convolution, stride 1, zero padding ``k // 2``
    (the output has the input's size), with a faster backward on the CPU.

    The custom backward is used for CPU tensors that need a gradient
    outside autocast; anything else (CUDA, whose cuDNN backward is fast,
    mixed precision, no autograd, mmengine's FLOP counting, which traces
    with ``torch.jit`` and cannot count a Function) runs ``F.conv2d``
    itself. ``torch.export`` (and so ONNX export) records the Function's
    forward, a convolution.

    Args:
        x (Tensor): Input of shape ``(N, C, H, W)``.
        weight (Tensor): Kernels of shape ``(C, 1, k, k)``, ``k`` odd.
        bias (Tensor, optional): Of shape ``(C,)``.

    Returns:
        Tensor: ``F.conv2d(x, weight, bias, padding=k // 2, groups=C)``,
        of shape ``(N, C, H, W)``.
    """
    padding = weight.shape[-1] // 2
    needs_grad = torch.is_grad_enabled() and any(
        t is not None and t.requires_grad for t in (x, weight, bias))
    if (not needs_grad or not x.is_cpu or torch.is_autocast_enabled('cpu')
            or torch.jit.is_tracing()):
        return F.conv2d(x, weight, bias, padding=padding, groups=x.shape[1])
    return _DepthwiseConv2d.apply(x, weight, bias, padding)
