from .hooks import LandmarkVisualizationHook

__all__ = ['LandmarkVisualizationHook']
