from .backbones import BiFormer
from .heads import MultiResolutionHeatmapHead
from .necks import FFCMNeck
from .utils import (CBAM, AttentionResidualModule, BiFormerBlock,
                    BiLevelRoutingAttention)

__all__ = [
    'BiFormer', 'FFCMNeck', 'MultiResolutionHeatmapHead',
    'AttentionResidualModule', 'BiFormerBlock', 'BiLevelRoutingAttention',
    'CBAM'
]
