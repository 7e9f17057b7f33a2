from .landmark_drawing import draw_landmarks

__all__ = ['draw_landmarks']
