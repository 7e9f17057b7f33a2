from .backbones import BiFormer
from .heads import (BaseMultiLevelHeatmapHead, CascadeHeatmapHead,
                    MultiResolutionHeatmapHead, PatchRefinementHead)
from .necks import FFCMNeck, FullResolutionFFCMNeck
from .pose_estimators import RefinedTopdownPoseEstimator
from .utils import (CBAM, AttentionResidualModule, BiFormerBlock,
                    BiLevelRoutingAttention)

__all__ = [
    'BiFormer', 'FFCMNeck', 'FullResolutionFFCMNeck',
    'BaseMultiLevelHeatmapHead', 'CascadeHeatmapHead',
    'MultiResolutionHeatmapHead', 'PatchRefinementHead',
    'RefinedTopdownPoseEstimator', 'AttentionResidualModule', 'BiFormerBlock',
    'BiLevelRoutingAttention', 'CBAM'
]
