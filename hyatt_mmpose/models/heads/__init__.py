from .base_multi_level_heatmap_head import BaseMultiLevelHeatmapHead
from .cascade_heatmap_head import CascadeHeatmapHead
from .multi_resolution_heatmap_head import MultiResolutionHeatmapHead

__all__ = [
    'BaseMultiLevelHeatmapHead', 'CascadeHeatmapHead',
    'MultiResolutionHeatmapHead'
]
