from .coverage_plots import plot_radius_vs_error, plot_reliability
from .landmark_drawing import PLANES, add_legend, draw_landmarks, draw_planes

__all__ = [
    'PLANES', 'add_legend', 'draw_landmarks', 'draw_planes',
    'plot_radius_vs_error', 'plot_reliability'
]
