from .landmark_visualization_hook import LandmarkVisualizationHook
from .work_dir_checkpoint_hook import WorkDirCheckpointHook

__all__ = ['LandmarkVisualizationHook', 'WorkDirCheckpointHook']
