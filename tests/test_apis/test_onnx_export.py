"""export_onnx on a two-level stand-in for a pose estimator: what the file
holds, and how the export is made (HYATT-Net itself:
tests/test_commands/test_export_onnx.py)."""
from types import SimpleNamespace

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from hyatt_mmpose.apis.onnx_export import (CHECKPOINT_SHA256, MIN_OPSET,
                                           export_onnx)
from ..torch_deprecations import deprecated_torch_paths


class TwoLevels(nn.Module):
    """Tensor mode gives heatmaps at strides 2 and 1, as the head's levels
    would; ``head.strides`` names them."""

    def __init__(self):
        super().__init__()
        self.head = SimpleNamespace(strides=(2, 1))
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, inputs, data_samples, mode):
        heatmaps = self.conv(inputs)
        return [F.avg_pool2d(heatmaps, 2), heatmaps]


@pytest.fixture
def estimator():
    torch.manual_seed(0)
    return TwoLevels().eval()


def test_file_has_a_dynamic_batch_names_and_metadata(estimator, tmp_path):
    path = str(tmp_path / 'two.onnx')
    diff = export_onnx(
        estimator, (12, 8), path, metadata={CHECKPOINT_SHA256: 'ab12'})
    assert diff < 1e-6
    proto = onnx.load(path)
    assert [p.version for p in proto.opset_import if p.domain == ''] == [18]
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    # where LandmarkPredictor reads it
    meta = session.get_modelmeta().custom_metadata_map
    assert meta[CHECKPOINT_SHA256] == 'ab12'
    assert [i.name for i in session.get_inputs()] == ['inputs']
    outputs = [o.name for o in session.get_outputs()]
    assert outputs == ['heatmaps_s2', 'heatmaps_s1']
    for batch in (1, 5):  # neither the example batch (2) nor the check's
        x = torch.randn(batch, 3, 8, 12)
        got = session.run(None, {'inputs': x.numpy()})
        with torch.no_grad():
            want = estimator(x, None, 'tensor')
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w.numpy(), atol=1e-6)


def test_no_deprecated_torch_path_is_taken(estimator, tmp_path, recwarn):
    """The export warned that the TorchScript-based ONNX exporter is legacy
    since PyTorch 2.9 (and it traced with torch.jit, deprecated too); the
    other member of the kind: the exporter's own DeprecationWarning, 'The
    feature will be removed', raised in torch.onnx's files."""
    export_onnx(estimator, (12, 8), str(tmp_path / 'two.onnx'))
    assert deprecated_torch_paths(recwarn.list) == []


def test_an_opset_below_the_exporters_is_refused_before_writing(
        estimator, tmp_path):
    """Opset 17, the old default, would come out as 18 (the exporter's
    conversion fails on this graph); an earlier file stays as it was."""
    path = tmp_path / 'two.onnx'
    path.write_bytes(b'earlier')
    with pytest.raises(ValueError, match=f'opset 17.*{MIN_OPSET} or later'):
        export_onnx(estimator, (12, 8), str(path), opset=17)
    assert path.read_bytes() == b'earlier'
