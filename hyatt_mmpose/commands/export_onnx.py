"""Exports a trained model to ONNX: heatmaps out, dynamic batch.

    python tools/deployment/export_onnx.py CONFIG CKPT --out model.onnx
    python tools/predict.py CONFIG model.onnx IMAGES --backend onnxruntime

The network's input is the image batch normalised as the config's
data_preprocessor does; its outputs are the head's heatmaps, one per level.
The export is checked against PyTorch with onnxruntime on a random batch,
and the largest absolute difference printed. The file records the SHA-256
of the checkpoint, so that calibrations and site offsets made for it are
accepted with it. The library: :func:`hyatt_mmpose.apis.export_checkpoint`.
"""
import argparse
from typing import Optional, Sequence

from ..apis import export_checkpoint
from ..apis.onnx_export import MIN_OPSET
from ..utils import CheckpointMismatchError, UnsafeCheckpointError
from .common import refuse, tool_parser

# ValueError: a config without an input size, an opset below MIN_OPSET
REFUSALS = (CheckpointMismatchError, FileExistsError, FileNotFoundError,
            UnsafeCheckpointError, ValueError)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/deployment/export_onnx.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out', required=True, help='the .onnx file')
    parser.add_argument(
        '--opset',
        type=int,
        default=MIN_OPSET,
        help=f'ONNX opset, {MIN_OPSET} or later')
    parser.add_argument('--overwrite', action='store_true')
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/deployment/export_onnx.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 written; 1 refused before anything was
        written (an existing output without ``--overwrite``, a config
        without an input size, an opset the exporter does not write, a
        checkpoint of another config, a missing file or one that is no
        checkpoint; the message on stderr says why).
    """
    args = build_parser().parse_args(argv)
    try:
        diff = export_checkpoint(args.config, args.checkpoint, args.out,
                                 args.opset, args.overwrite)
    except REFUSALS as err:
        return refuse(err)
    print(f'wrote {args.out}; onnxruntime vs PyTorch heatmaps: max abs '
          f'difference {diff:.2e}')
    return 0
