from .load_radiograph import LoadRadiograph
from .random_scale_rotate_shift import RandomScaleRotateShift

__all__ = ['LoadRadiograph', 'RandomScaleRotateShift']
