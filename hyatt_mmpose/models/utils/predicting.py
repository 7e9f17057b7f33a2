import torch
import torch.nn as nn


def predicting(module: nn.Module) -> bool:
    """Whether ``module`` runs a prediction that may trade its layout for
    memory: eval mode, autograd off, and not being traced (for ONNX export
    or TorchScript, which should record the plain computation).

    Args:
        module (nn.Module): The module asking, for its ``training`` flag.

    Returns:
        bool: True when nothing will need the intermediate tensors again.
    """
    return not (module.training or torch.is_grad_enabled()
                or torch.jit.is_tracing())
