import torch
import torch.nn as nn
from mmpose.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class CBAM(nn.Module):
    """Convolutional Block Attention Module from `CBAM
    <https://arxiv.org/abs/1807.06521>`_ (Woo et al., ECCV 2018).

    Channel attention from the average- and max-pooled descriptors through one
    shared bottleneck, then spatial attention from the channel mean and max
    through a ``spatial_kernel`` conv.

    Args:
        channels (int): Channels ``C`` of the input and output.
        reduction (int): Bottleneck reduction of the channel attention.
        spatial_kernel (int): Kernel of the spatial-attention conv.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H, W)``
    """

    def __init__(self,
                 channels: int,
                 reduction: int = 16,
                 spatial_kernel: int = 7):
        super().__init__()
        hidden = max(channels // reduction, 1)
        self.channel_mlp = nn.Sequential(
            nn.Conv2d(channels, hidden, 1), nn.ReLU(inplace=True),
            nn.Conv2d(hidden, channels, 1))
        self.spatial_conv = nn.Conv2d(
            2, 1, spatial_kernel, padding=spatial_kernel // 2)

    def forward(self, x: Tensor) -> Tensor:
        avg = self.channel_mlp(x.mean((2, 3), keepdim=True))
        mx = self.channel_mlp(x.amax((2, 3), keepdim=True))
        x = x * torch.sigmoid(avg + mx)
        desc = torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)
        return x * torch.sigmoid(self.spatial_conv(desc))
