"""Exports a trained model to ONNX: heatmaps out, dynamic batch.

    python tools/deployment/export_onnx.py CONFIG CKPT --out model.onnx

The network's input is the image batch normalised as the config's
data_preprocessor does; its outputs are the head's heatmaps, one per level.
The export is checked against PyTorch with onnxruntime on a random batch,
and the largest absolute difference printed. Use the file with
``tools/predict.py CONFIG model.onnx IMAGES --backend onnxruntime``, which
frames each image as PyTorch does (the whole image) and decodes the heatmaps
with the head's own ``decode``: the graph holds no decoding of its own.
"""
import argparse
import io
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

from ..utils.atomic_write import atomic_write
from ..utils.file_hash import file_sha256
from ..utils.input_size import input_size_of
from ..utils.overwrite_guard import check_outputs_free
from ..utils.strict_checkpoint import load_checkpoint_strict


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
        out = self.estimator(inputs, None, mode='tensor')
        return tuple(out) if isinstance(out, (list, tuple)) else (out, )


def onnx_output_names(estimator: nn.Module) -> List[str]:
    """The ONNX names of the heatmap outputs, by stride where the head has
    several levels.

    Args:
        estimator (nn.Module): A built pose estimator.

    Returns:
        list[str]: ``['heatmaps']`` or ``['heatmaps_s4', ...]``.
    """
    strides = getattr(estimator.head, 'strides', None)
    if strides is None:
        return ['heatmaps']
    return [f'heatmaps_s{s}' for s in strides]


# the ONNX metadata key holding the SHA-256 of the checkpoint exported, so
# that calibrations and site offsets made for it are accepted, and others not
CHECKPOINT_SHA256 = 'checkpoint_sha256'


def export_onnx(estimator: nn.Module,
                input_size: Tuple[int, int],
                path: str,
                opset: int = 17,
                metadata: Optional[Dict[str, str]] = None) -> float:
    """Exports heatmaps with a dynamic batch and checks it with onnxruntime.

    The file is written only once the check has run, and atomically: a
    failed export leaves nothing half-written.

    Args:
        estimator (nn.Module): A built pose estimator with its weights.
        input_size (tuple): ``(W, H)`` of the network input.
        path (str): The ``.onnx`` file to write.
        opset (int): ONNX opset.
        metadata (dict, optional): Strings to record in the file's
            ``metadata_props`` (e.g. ``CHECKPOINT_SHA256``).

    Returns:
        float: the largest absolute difference between PyTorch's and
        onnxruntime's heatmaps on a random batch of 2.
    """
    import onnx
    import onnxruntime as ort
    network = HeatmapNetwork(estimator).eval()
    w, h = input_size
    names = onnx_output_names(estimator)
    buffer = io.BytesIO()
    torch.onnx.export(
        network, (torch.randn(1, 3, h, w), ),
        buffer,
        input_names=['inputs'],
        output_names=names,
        dynamic_axes={n: {
            0: 'batch'
        }
                      for n in ['inputs'] + names},
        opset_version=opset,
        dynamo=False)
    x = torch.randn(2, 3, h, w)
    session = ort.InferenceSession(
        buffer.getvalue(), providers=['CPUExecutionProvider'])
    got = session.run(None, {'inputs': x.numpy()})
    with torch.no_grad():
        want = network(x)
    diff = max(float(np.abs(g - t.numpy()).max()) for g, t in zip(got, want))
    proto = onnx.load_from_string(buffer.getvalue())
    for key, value in (metadata or {}).items():
        proto.metadata_props.add(key=key, value=value)
    with atomic_write(path, 'wb') as f:
        f.write(proto.SerializeToString())
    return diff


def main(argv: Optional[Sequence[str]] = None) -> float:
    """``tools/deployment/export_onnx.py``: exports a config's checkpoint.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        float: As :func:`export_onnx`.

    Raises:
        SystemExit: On bad arguments, an existing output without
            ``--overwrite``, or a config without an input size.
        CheckpointMismatchError: If the checkpoint does not fit the config.
    """
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='the .onnx file')
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        check_outputs_free([args.out], args.overwrite)
        cfg = Config.fromfile(args.config)
        input_size = input_size_of(cfg)
    except (FileExistsError, ValueError) as err:
        sys.exit(f'error: {err}')
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = MODELS.build(cfg.model)
    # Refuses another config's checkpoint rather than exporting a
    # partly random model.
    load_checkpoint_strict(model, args.checkpoint, args.config)
    diff = export_onnx(model.eval(), input_size, args.out, args.opset,
                       {CHECKPOINT_SHA256: file_sha256(args.checkpoint)})
    print(f'wrote {args.out}; onnxruntime vs PyTorch heatmaps: max abs '
          f'difference {diff:.2e}')
    return diff
