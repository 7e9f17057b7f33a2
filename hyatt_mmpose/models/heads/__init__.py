from .multi_resolution_heatmap_head import MultiResolutionHeatmapHead

__all__ = ['MultiResolutionHeatmapHead']
