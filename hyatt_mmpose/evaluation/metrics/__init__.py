from .radial_error_metric import RadialErrorMetric

__all__ = ['RadialErrorMetric']
