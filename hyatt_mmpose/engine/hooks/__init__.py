from .landmark_visualization_hook import LandmarkVisualizationHook

__all__ = ['LandmarkVisualizationHook']
