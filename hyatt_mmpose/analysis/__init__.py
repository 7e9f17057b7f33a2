from .cephalometry import MEASUREMENTS, classify, landmark_indices, measure
from .model_summary import count_flops, sdpa_flop_jit, summarise

__all__ = [
    'MEASUREMENTS', 'classify', 'count_flops', 'landmark_indices', 'measure',
    'sdpa_flop_jit', 'summarise'
]
