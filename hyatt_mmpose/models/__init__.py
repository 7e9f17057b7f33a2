from .backbones import BiFormer
from .heads import (BaseMultiLevelHeatmapHead, CascadeHeatmapHead,
                    MultiResolutionHeatmapHead)
from .necks import FFCMNeck, FullResolutionFFCMNeck
from .utils import (CBAM, AttentionResidualModule, BiFormerBlock,
                    BiLevelRoutingAttention)

__all__ = [
    'BiFormer', 'FFCMNeck', 'FullResolutionFFCMNeck',
    'BaseMultiLevelHeatmapHead', 'CascadeHeatmapHead',
    'MultiResolutionHeatmapHead', 'AttentionResidualModule', 'BiFormerBlock',
    'BiLevelRoutingAttention', 'CBAM'
]
