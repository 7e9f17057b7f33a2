from .landmark_visualization_hook import LandmarkVisualizationHook
from .seen_images_hook import SeenImagesHook
from .work_dir_checkpoint_hook import WorkDirCheckpointHook

__all__ = [
    'LandmarkVisualizationHook', 'SeenImagesHook', 'WorkDirCheckpointHook'
]
