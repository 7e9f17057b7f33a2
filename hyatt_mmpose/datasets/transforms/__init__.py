from .load_radiograph import LoadRadiograph
from .random_scale_rotate_shift import RandomScaleRotateShift
from .store_full_image import StoreFullImage

__all__ = ['LoadRadiograph', 'RandomScaleRotateShift', 'StoreFullImage']
