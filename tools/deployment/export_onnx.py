"""Exports a trained model to ONNX: heatmaps out, dynamic batch.

    python tools/deployment/export_onnx.py CONFIG CKPT --out model.onnx

The network's input is the image batch normalised as the config's
data_preprocessor does; its outputs are the head's heatmaps, one per level.
The export is checked against PyTorch with onnxruntime on a random batch,
and the largest absolute difference printed. Use the file with
``tools/predict.py CONFIG model.onnx IMAGES --backend onnxruntime``.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

from hyatt_mmpose.apis import export_onnx
from hyatt_mmpose.utils import (CheckpointMismatchError,
                                load_checkpoint_strict)


def input_size_of(cfg: Config):
    """(W, H) that the network sees: the val pipeline's TopdownAffine."""
    for step in cfg.val_dataloader.dataset.pipeline:
        if step['type'] == 'TopdownAffine':
            return tuple(step['input_size'])
    raise SystemExit(f'{cfg.filename}: no TopdownAffine in the val '
                     'pipeline to take the input size from')


def main(argv=None):
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
    if osp.exists(args.out) and not args.overwrite:
        sys.exit(f'error: {args.out} exists; pass --overwrite to replace it')
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = MODELS.build(cfg.model)
    # Refuses another config's checkpoint rather than exporting a
    # partly random model.
    load_checkpoint_strict(model, args.checkpoint, args.config)
    diff = export_onnx(model.eval(), input_size_of(cfg), args.out,
                       args.opset)
    print(f'wrote {args.out}; onnxruntime vs PyTorch heatmaps: max abs '
          f'difference {diff:.2e}')
    return diff


if __name__ == '__main__':
    try:
        main()
    except CheckpointMismatchError as err:  # the message says it all
        sys.exit(f'error: {err}')
