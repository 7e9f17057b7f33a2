from .hooks import LandmarkVisualizationHook, WorkDirCheckpointHook

__all__ = ['LandmarkVisualizationHook', 'WorkDirCheckpointHook']
