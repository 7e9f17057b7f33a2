from .atomic_write import atomic_write
from .distributed import use_gloo_without_cuda
from .safe_checkpoint import (SAFE_GLOBALS, UnsafeCheckpointError,
                              install_safe_checkpoint_loader, safe_torch_load)

__all__ = [
    'SAFE_GLOBALS', 'UnsafeCheckpointError', 'atomic_write',
    'install_safe_checkpoint_loader', 'safe_torch_load',
    'use_gloo_without_cuda'
]
