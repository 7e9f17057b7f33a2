import torch
import torch.nn as nn


def is_predicting(module: nn.Module) -> bool:
    """Whether ``module`` runs a prediction that may trade its layout for
    memory: eval mode, autograd off, and not being traced or compiled (ONNX
    export, TorchScript, ``torch.compile`` and ``torch.export`` should see
    the plain computation).

    Args:
        module (nn.Module): The module asking, for its ``training`` flag.

    Returns:
        bool: True when nothing will need the intermediate tensors again.
    """
    return not (module.training or torch.is_grad_enabled()
                or torch.jit.is_tracing() or torch.compiler.is_compiling())
