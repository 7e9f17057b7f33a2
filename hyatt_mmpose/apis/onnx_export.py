"""Exports a trained model to ONNX (heatmaps out, dynamic batch), as
``tools/deployment/export_onnx.py`` does.

The network's input is the image batch normalised as the config's
data_preprocessor does; its outputs are the head's heatmaps, one per level.
The export is checked against PyTorch with onnxruntime on a random batch,
and the largest absolute difference printed. Use the file with
``tools/predict.py CONFIG model.onnx IMAGES --backend onnxruntime``, which
frames each image as PyTorch does (the whole image) and decodes the heatmaps
with the head's own ``decode``: the graph holds no decoding of its own.

A refined model (:class:`.RefinedTopdownPoseEstimator`) exports both
stages into the one file: the coarse network as its graph, and the
refinement network (standardised patches in, one heatmap per landmark out)
as a second graph in the file's metadata (``refiner_onnx``), each checked
against PyTorch; the predictor crops the patches between the two as
PyTorch does.
"""
import base64
import json
import warnings
from typing import Dict, List, Optional, Tuple

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

# the ONNX metadata key holding a refinement stage's own graph (patches in,
# heatmaps out), base64-encoded: one file holds both stages of a refined model
REFINER_ONNX = 'refiner_onnx'

# the ONNX metadata key holding the refinement's patch geometry (JSON of
# patch_size and zoom), which the graph alone does not fix: a config that
# cuts other patches is refused rather than fed to it
REFINER_PATCH = 'refiner_patch'

# the lowest ONNX opset export_onnx writes: the lowest that PyTorch's
# torch.export-based exporter implements (it would convert the graph down
# afterwards, which failed for HYATT-Net's)
MIN_OPSET = 18


def export_onnx(estimator: nn.Module,
                input_size: Tuple[int, int],
                path: str,
                opset: int = MIN_OPSET,
                metadata: Optional[Dict[str, str]] = None) -> float:
    """Exports heatmaps with a dynamic batch and checks it with onnxruntime.

    The graph is captured with ``torch.export`` (PyTorch's current
    exporter, ``torch.onnx.export(..., dynamo=True)``). The file is written
    only once the check has run, and atomically: a failed export leaves
    nothing half-written.

    Args:
        estimator (nn.Module): A built pose estimator with its weights.
        input_size (tuple): ``(W, H)`` of the network input.
        path (str): The ``.onnx`` file to write.
        opset (int): ONNX opset, at least ``MIN_OPSET`` (18).
        metadata (dict, optional): Strings to record in the file's
            ``metadata_props`` (e.g. ``CHECKPOINT_SHA256``).

    Returns:
        float: the largest absolute difference between PyTorch's and
        onnxruntime's heatmaps on a random batch of 3 (another size than
        the example the graph was captured with, so the batch is dynamic);
        of a refined model, over both stages.

    Raises:
        ValueError: If ``opset`` is below ``MIN_OPSET``.
    """
    if opset < MIN_OPSET:
        raise ValueError(
            f'ONNX opset {opset}: PyTorch\'s exporter writes opset '
            f'{MIN_OPSET} or later; ask for {MIN_OPSET} or later')
    w, h = input_size
    proto, diff = _export_checked(
        HeatmapNetwork(estimator).eval(), (3, h, w), 'inputs',
        onnx_output_names(estimator), opset)
    metadata = dict(metadata or {})
    refiner = getattr(estimator, 'refiner', None)
    if refiner is not None:
        size = refiner.patch_size
        refiner_proto, refiner_diff = _export_checked(refiner.eval(),
                                                      (1, size, size),
                                                      'patches', ['heatmaps'],
                                                      opset)
        metadata[REFINER_ONNX] = base64.b64encode(
            refiner_proto.SerializeToString()).decode('ascii')
        metadata[REFINER_PATCH] = json.dumps(refiner_patch(refiner))
        diff = max(diff, refiner_diff)
    for key, value in metadata.items():
        proto.metadata_props.add(key=key, value=value)
    with atomic_write(path, 'wb') as f:
        f.write(proto.SerializeToString())
    return diff


def _export_checked(network: nn.Module, shape: Tuple[int,
                                                     ...], input_name: str,
                    output_names: List[str], opset: int) -> tuple:
    """One network's graph with a dynamic batch, checked in onnxruntime.

    Args:
        network (nn.Module): Takes one tensor ``(N, *shape)``; returns a
            tensor or a tuple of them.
        shape (tuple[int, ...]): One input's shape, less the batch.
        input_name (str): The graph input's name.
        output_names (list[str]): The graph outputs' names.
        opset (int): ONNX opset.

    Returns:
        tuple: The ``onnx.ModelProto``, and the largest absolute difference
        of onnxruntime's outputs from PyTorch's on a random batch of 3
        (another size than the example of 2 the graph was captured with, so
        the batch is dynamic).
    """
    import onnxruntime as ort
    with warnings.catch_warnings():
        # torch 2.12's torch.export copies its own deprecated LeafSpec
        # objects: nothing a caller can act on
        warnings.filterwarnings('ignore',
                                r'`isinstance\(treespec, LeafSpec\)`',
                                FutureWarning)
        # an example batch of 2: torch.export would take a size of 1 for a
        # constant
        program = torch.onnx.export(
            network, (torch.randn(2, *shape), ),
            input_names=[input_name],
            output_names=output_names,
            dynamic_shapes=({
                0: torch.export.Dim('batch')
            }, ),
            opset_version=opset,
            dynamo=True,
            verbose=False)
    proto = program.model_proto
    x = torch.randn(3, *shape)
    session = ort.InferenceSession(
        proto.SerializeToString(), providers=['CPUExecutionProvider'])
    got = session.run(None, {input_name: x.numpy()})
    with torch.no_grad():
        want = network(x)
    want = tuple(want) if isinstance(want, (list, tuple)) else (want, )
    diff = max(float(np.abs(g - t.numpy()).max()) for g, t in zip(got, want))
    return proto, diff


def refiner_session(session):
    """The refinement stage's onnxruntime session of an exported refined
    model (its graph is in the file's metadata, see :func:`export_onnx`),
    None for a model without one.

    Args:
        session (onnxruntime.InferenceSession): The file's session.

    Returns:
        onnxruntime.InferenceSession: The refinement's session (input
        ``patches`` ``(M, 1, P, P)``, output ``heatmaps`` ``(M, K, P, P)``
        logits), or None.
    """
    import onnxruntime as ort
    encoded = session.get_modelmeta().custom_metadata_map.get(REFINER_ONNX)
    if encoded is None:
        return None
    return ort.InferenceSession(
        base64.b64decode(encoded), providers=['CPUExecutionProvider'])


def refiner_patch(refiner: nn.Module) -> dict:
    """The patch geometry of a refinement stage, as recorded in an ONNX
    file (``REFINER_PATCH``).

    Args:
        refiner (nn.Module): A :class:`.PatchRefinementHead`.

    Returns:
        dict: ``patch_size`` (patch px) and ``zoom`` (patch px per coarse
        input px).
    """
    return dict(patch_size=int(refiner.patch_size), zoom=float(refiner.zoom))


def recorded_refiner_patch(session) -> Optional[dict]:
    """The patch geometry an exported refined model was trained with
    (see :func:`refiner_patch`), None where the file records none.

    Args:
        session (onnxruntime.InferenceSession): The file's session.

    Returns:
        dict or None: ``patch_size`` and ``zoom``.
    """
    recorded = session.get_modelmeta().custom_metadata_map.get(REFINER_PATCH)
    return None if recorded is None else json.loads(recorded)


def export_checkpoint(config: str,
                      checkpoint: str,
                      out: str,
                      opset: int = MIN_OPSET,
                      overwrite: bool = False) -> float:
    """Exports a config's checkpoint (:func:`export_onnx`), recording the
    checkpoint's SHA-256 in the file (``CHECKPOINT_SHA256``).

    Args:
        config (str): The config file.
        checkpoint (str): Its checkpoint.
        out (str): The ``.onnx`` file to write.
        opset (int): ONNX opset, at least ``MIN_OPSET``.
        overwrite (bool): Replace an existing ``out``.

    Returns:
        float: As :func:`export_onnx`.

    Raises:
        FileExistsError: If ``out`` exists, unless ``overwrite``.
        ValueError: If the config has no input size, or ``opset`` is below
            ``MIN_OPSET``.
        CheckpointMismatchError: If the checkpoint does not fit the config.
    """
    check_outputs_free([out], overwrite)
    cfg = Config.fromfile(config)
    input_size = input_size_of(cfg)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = MODELS.build(cfg.model)
    # Refuses another config's checkpoint rather than exporting a
    # partly random model.
    load_checkpoint_strict(model, checkpoint, config)
    return export_onnx(model.eval(), input_size, out, opset,
                       {CHECKPOINT_SHA256: file_sha256(checkpoint)})
