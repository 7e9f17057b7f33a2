import io
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn

from hyatt_mmpose.utils.atomic_write import atomic_write


class HeatmapNetwork(nn.Module):
    """The network of a pose estimator, images in and heatmaps out.

    Input: ``(N, 3, H, W)`` images already normalised as the model's
    ``data_preprocessor`` does. Output: the head's heatmaps, one tensor per
    level (``(N, K, H / s, W / s)``).
    """

    def __init__(self, estimator: nn.Module):
        super().__init__()
        self.estimator = estimator

    def forward(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        out = self.estimator._forward(inputs)
        return tuple(out) if isinstance(out, (list, tuple)) else (out, )


def output_names(estimator: nn.Module) -> List[str]:
    strides = getattr(estimator.head, 'strides', None)
    if strides is None:
        return ['heatmaps']
    return [f'heatmaps_s{s}' for s in strides]


def export_onnx(estimator: nn.Module, input_size: Tuple[int, int],
                path: str, opset: int = 17) -> float:
    """Exports heatmaps with a dynamic batch and checks it with onnxruntime.

    The file is written only once the check has run, and atomically: a
    failed export leaves nothing half-written.

    Args:
        estimator (nn.Module): A built pose estimator with its weights.
        input_size (tuple): ``(W, H)`` of the network input.
        path (str): The ``.onnx`` file to write.
        opset (int): ONNX opset.

    Returns:
        float: the largest absolute difference between PyTorch's and
        onnxruntime's heatmaps on a random batch of 2.
    """
    import onnxruntime as ort
    network = HeatmapNetwork(estimator).eval()
    w, h = input_size
    names = output_names(estimator)
    buffer = io.BytesIO()
    torch.onnx.export(
        network, (torch.randn(1, 3, h, w), ),
        buffer,
        input_names=['inputs'],
        output_names=names,
        dynamic_axes={n: {0: 'batch'} for n in ['inputs'] + names},
        opset_version=opset,
        dynamo=False)
    x = torch.randn(2, 3, h, w)
    session = ort.InferenceSession(buffer.getvalue(),
                                   providers=['CPUExecutionProvider'])
    got = session.run(None, {'inputs': x.numpy()})
    with torch.no_grad():
        want = network(x)
    diff = max(float(np.abs(g - t.numpy()).max()) for g, t in zip(got, want))
    with atomic_write(path, 'wb') as f:
        f.write(buffer.getvalue())
    return diff
