"""Exports a trained model to ONNX: heatmaps out, dynamic batch.

    python tools/deployment/export_onnx.py CONFIG CKPT --out model.onnx
    python tools/predict.py CONFIG model.onnx IMAGES --backend onnxruntime

See ``--help``; the command line is :mod:`hyatt_mmpose.commands.export_onnx`.
"""
import sys

from hyatt_mmpose.commands.export_onnx import main

if __name__ == '__main__':
    sys.exit(main())
