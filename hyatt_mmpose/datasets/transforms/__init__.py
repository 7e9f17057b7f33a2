from .random_scale_rotate_shift import RandomScaleRotateShift

__all__ = ['RandomScaleRotateShift']
