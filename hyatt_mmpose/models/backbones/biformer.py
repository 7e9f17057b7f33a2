from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor

from ..utils.arm import AttentionResidualModule
from ..utils.biformer_block import BiFormerBlock
from .biformer_keys import convert_official_biformer_keys


def _per_stage(value, num_stages: int, name: str) -> list:
    if isinstance(value, (list, tuple)):
        if len(value) != num_stages:
            raise ValueError(f'arch["{name}"] has {len(value)} entries for '
                             f'{num_stages} stages')
        return list(value)
    return [value] * num_stages


@MODELS.register_module()
class BiFormer(BaseModule):
    """BiFormer backbone from `BiFormer <https://arxiv.org/abs/2303.08810>`_
    (Zhu et al., CVPR 2023), and the encoder of `HYATT-Net
    <https://arxiv.org/abs/2412.06499>`_.

    Presets (``arch``):

    - ``'tiny'``, ``'small'``, ``'base'``: the ImageNet models, four stages at
      strides 4, 8, 16, 32 after a two-conv stem; the last stage attends
      fully. Official ImageNet checkpoints load through
      ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)``: their
      key names are converted on load. Their last stage (``topk=-2`` in the
      published code: full attention with 8 heads, no QKV bias, LCE on the
      input) becomes our full attention (``topk=-1``, head width 32, LCE on
      V); its weights load, and fine-tuning adapts them. The published code
      also scales attention by the full width; ours by the head width.
    - ``'hyatt'``: five stages at strides 2 to 32 (widths 64, 128, 320, 512,
      1024), each a 4x4 stride-2 patch embedding, one BiFormer block and an
      :class:`.AttentionResidualModule`; keys and values pooled to 4x4 tokens
      per region. Its output 0 is the input image itself (stride 1), which
      HYATT-Net's stride-1 heatmap level corrects with (``image_output``).

    A custom ``arch`` dict takes the keys ``depths``, ``widths``, ``n_wins``,
    ``topks``, ``kv_per_wins``, ``mlp_ratios`` (per stage, or one value),
    ``head_dim``, ``embed`` (``'conv'`` or ``'patch'``), ``arm`` (bool) and
    ``image_output`` (bool: output 0 is the input image, passed through).

    Args:
        arch (str | dict): A preset name or an arch dict.
        in_channels (int): Channels of the input image.
        n_win (int, optional): Regions per side in every stage, overriding
            the arch's (the ImageNet presets use 7, sized for 224 x 224).
        out_indices (Sequence[int]): Which outputs to return, indexing
            ``out_channels`` / ``out_strides`` (the input image,
            with ``image_output``, is output 0).
        frozen_stages (int): Stages (with their embeddings) to freeze, in
            eval mode and without gradients; -1 freezes none.
        drop_path_rate (float): Stochastic depth, rising linearly over the
            blocks up to this rate.
        with_cp (bool): Recompute each block in the backward pass (activation
            checkpointing) to save memory.
        init_cfg (dict | list[dict], optional): Initialization config; by
            default linear layers start from a truncated normal (std 0.02)
            and layer norms from identity, as in BiFormer.

    Attributes:
        out_channels (list[int]): Channels of every possible output.
        out_strides (list[int]): Stride of every possible output.
    """

    arch_zoo = {
        'tiny':
        dict(depths=[2, 2, 8, 2], widths=[64, 128, 256, 512]),
        'small':
        dict(depths=[4, 4, 18, 4], widths=[64, 128, 256, 512]),
        'base':
        dict(depths=[4, 4, 18, 4], widths=[96, 192, 384, 768]),
        'hyatt':
        dict(
            depths=[1, 1, 1, 1, 1],
            widths=[64, 128, 320, 512, 1024],
            n_wins=[16, 16, 16, 8, 8],
            topks=[1, 4, 8, 16, -1],
            kv_per_wins=4,
            mlp_ratios=[8, 8, 8, 4, 4],
            embed='patch',
            arm=True,
            image_output=True),
    }
    # Shared by the ImageNet presets, as published.
    imagenet_defaults = dict(
        n_wins=7,
        topks=[1, 4, 16, -1],
        kv_per_wins=None,
        mlp_ratios=3,
        head_dim=32,
        embed='conv',
        arm=False,
        image_output=False)

    def __init__(self,
                 arch: Union[str, Dict] = 'tiny',
                 in_channels: int = 3,
                 n_win: Optional[int] = None,
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 frozen_stages: int = -1,
                 drop_path_rate: float = 0.,
                 with_cp: bool = False,
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        if init_cfg is None:
            init_cfg = [
                dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
                dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
            ]
        super().__init__(init_cfg=init_cfg)
        if isinstance(arch, str):
            if arch not in self.arch_zoo:
                raise KeyError(f'Unknown BiFormer arch "{arch}"; choose one '
                               f'of {sorted(self.arch_zoo)} or pass a dict')
            arch = self.arch_zoo[arch]
        arch = {**self.imagenet_defaults, **arch}
        if n_win is not None:
            arch['n_wins'] = n_win
        depths = arch['depths']
        num_stages = len(depths)
        widths = _per_stage(arch['widths'], num_stages, 'widths')
        n_wins = _per_stage(arch['n_wins'], num_stages, 'n_wins')
        topks = _per_stage(arch['topks'], num_stages, 'topks')
        kv_per_wins = _per_stage(arch['kv_per_wins'], num_stages,
                                 'kv_per_wins')
        mlp_ratios = _per_stage(arch['mlp_ratios'], num_stages, 'mlp_ratios')
        self.with_cp = with_cp
        self.frozen_stages = frozen_stages
        self.num_stages = num_stages

        self.image_output = bool(arch['image_output'])
        self.embeds = nn.ModuleList()
        self.stages = nn.ModuleList()
        self.arms = nn.ModuleList() if arch['arm'] else None
        dpr = torch.linspace(0, drop_path_rate, sum(depths)).tolist()
        strides = []
        stride, prev = 1, in_channels
        for i, (depth, width) in enumerate(zip(depths, widths)):
            embed, s = self._make_embed(arch['embed'], i, prev, width)
            stride *= s
            strides.append(stride)
            self.embeds.append(embed)
            first = sum(depths[:i])
            self.stages.append(
                nn.ModuleList([
                    BiFormerBlock(
                        width,
                        num_heads=width // arch['head_dim'],
                        n_win=n_wins[i],
                        topk=topks[i],
                        kv_per_win=kv_per_wins[i],
                        mlp_ratio=mlp_ratios[i],
                        drop_path=dpr[first + j]) for j in range(depth)
                ]))
            if self.arms is not None:
                self.arms.append(AttentionResidualModule(width, width))
            prev = width

        self.out_channels = ([in_channels] if self.image_output else []) + \
            list(widths)
        self.out_strides = ([1] if self.image_output else []) + strides
        num_outputs = len(self.out_channels)
        for idx in out_indices:
            if not -num_outputs <= idx < num_outputs:
                raise ValueError(f'out_indices {tuple(out_indices)} out of '
                                 f'range for {num_outputs} outputs')
        self.out_indices = [i % num_outputs for i in out_indices]
        self._register_load_state_dict_pre_hook(convert_official_biformer_keys)
        self._freeze_stages()

    @staticmethod
    def _make_embed(kind: str, index: int, in_ch: int,
                    out_ch: int) -> Tuple[nn.Module, int]:
        """The down-sampling before stage ``index`` and its stride."""
        if kind == 'patch':
            # Overlapping 4x4 patches at stride 2.
            return nn.Sequential(
                nn.Conv2d(in_ch, out_ch, 4, stride=2, padding=1),
                nn.BatchNorm2d(out_ch)), 2
        if kind != 'conv':
            raise ValueError(f'arch["embed"] must be "conv" or "patch", '
                             f'got "{kind}"')
        if index == 0:
            return nn.Sequential(
                nn.Conv2d(in_ch, out_ch // 2, 3, stride=2, padding=1),
                nn.BatchNorm2d(out_ch // 2), nn.GELU(),
                nn.Conv2d(out_ch // 2, out_ch, 3, stride=2, padding=1),
                nn.BatchNorm2d(out_ch)), 4
        return nn.Sequential(
            nn.Conv2d(in_ch, out_ch, 3, stride=2, padding=1),
            nn.BatchNorm2d(out_ch)), 2

    def _freeze_stages(self):
        for i in range(self.frozen_stages + 1):
            modules = [self.embeds[i], self.stages[i]]
            if self.arms is not None:
                modules.append(self.arms[i])
            for m in modules:
                m.eval()
                for p in m.parameters():
                    p.requires_grad = False

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze_stages()
        return self

    def _run(self, module: nn.Module, x: Tensor) -> Tensor:
        if self.with_cp and x.requires_grad:
            return cp.checkpoint(module, x, use_reentrant=False)
        return module(x)

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Args:
            x (Tensor): Images, ``(N, C_in, H, W)``.

        Returns:
            tuple[Tensor]: For each of ``out_indices``, a map of shape
            ``(N, out_channels[i], ceil(H / out_strides[i]), ...)``.
        """
        outs = [x] if self.image_output else []
        for i in range(self.num_stages):
            x = self.embeds[i](x)
            for block in self.stages[i]:
                x = self._run(block, x)
            if self.arms is not None:
                x = self._run(self.arms[i], x)
            outs.append(x)
        return tuple(outs[i] for i in self.out_indices)
