from .landmark_drawing import PLANES, add_legend, draw_landmarks, draw_planes

__all__ = ['PLANES', 'add_legend', 'draw_landmarks', 'draw_planes']
