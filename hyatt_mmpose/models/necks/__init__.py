from .ffcm_neck import FFCMNeck

__all__ = ['FFCMNeck']
