"""Exports a trained model to ONNX: heatmaps out, dynamic batch.

    python tools/deployment/export_onnx.py CONFIG CKPT --out model.onnx

See ``--help``, and :mod:`hyatt_mmpose.apis.onnx_export`, which does it.
"""
import sys

from hyatt_mmpose.apis.onnx_export import main
from hyatt_mmpose.utils import CheckpointMismatchError

if __name__ == '__main__':
    try:
        main()
    except CheckpointMismatchError as err:  # the message says it all
        sys.exit(f'error: {err}')
