from .ffcm_neck import FFCMNeck
from .full_resolution_ffcm_neck import FullResolutionFFCMNeck

__all__ = ['FFCMNeck', 'FullResolutionFFCMNeck']
