from .landmark_drawing import add_legend, draw_landmarks

__all__ = ['add_legend', 'draw_landmarks']
