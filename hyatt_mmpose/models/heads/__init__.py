from .base_multi_level_heatmap_head import BaseMultiLevelHeatmapHead
from .cascade_heatmap_head import CascadeHeatmapHead
from .multi_resolution_heatmap_head import MultiResolutionHeatmapHead
from .patch_refinement_head import PatchRefinementHead

__all__ = [
    'BaseMultiLevelHeatmapHead', 'CascadeHeatmapHead',
    'MultiResolutionHeatmapHead', 'PatchRefinementHead'
]
