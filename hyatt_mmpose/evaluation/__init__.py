from .metrics import RadialErrorMetric

__all__ = ['RadialErrorMetric']
