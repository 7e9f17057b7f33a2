"""PyTorch's deprecated export paths, found among recorded warnings."""
import warnings
from typing import List

# the TorchScript-based ONNX exporter (legacy since PyTorch 2.9) and
# torch.jit (deprecated): raised in their files, or naming them
_FILES = ('/torch/onnx/', '/torch/jit/')
_NAMES = ('TorchScript', 'torch.onnx', 'torch.jit')


def deprecated_torch_paths(caught: List[warnings.WarningMessage]) -> List[str]:
    """The deprecation warnings among ``caught`` that come from torch.onnx
    or torch.jit.

    Args:
        caught (list): Recorded warnings (``recwarn.list``).

    Returns:
        list[str]: ``'file:line: Category: message'`` of each
        DeprecationWarning or FutureWarning raised in torch.onnx's or
        torch.jit's files, or naming them; empty if none.
    """
    return [
        f'{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}'
        for w in caught
        if issubclass(w.category, (DeprecationWarning, FutureWarning)) and (
            any(f in w.filename.replace('\\', '/')
                for f in _FILES) or any(n in str(w.message) for n in _NAMES))
    ]
