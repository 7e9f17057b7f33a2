import torch.nn as nn
from mmpose.registry import MODELS
from torch import Tensor

from .cbam import CBAM


@MODELS.register_module()
class AttentionResidualModule(nn.Module):
    """Attention Residual Module (ARM) of `HYATT-Net
    <https://arxiv.org/abs/2412.06499>`_.

    A residual block whose branch is a 3x3 conv, BN, ReLU, a 3x3 conv with
    dilation 2, BN and :class:`CBAM`, added to a 3x3 conv shortcut, then ReLU.

    Args:
        in_channels (int): Input channels ``C_in``.
        out_channels (int): Output channels ``C_out``.
        reduction (int): Channel-attention reduction of the CBAM.

    Shape:
        - Input: ``(N, C_in, H, W)``
        - Output: ``(N, C_out, H, W)``
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 reduction: int = 16):
        super().__init__()
        self.branch = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True),
            nn.Conv2d(
                out_channels,
                out_channels,
                3,
                padding=2,
                dilation=2,
                bias=False), nn.BatchNorm2d(out_channels),
            CBAM(out_channels, reduction))
        self.shortcut = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self.branch(x) + self.shortcut(x))
