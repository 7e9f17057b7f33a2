import argparse
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

from hyatt_mmpose.utils import SAFE_GLOBALS, UnsafeCheckpointError


def mmengine_like_checkpoint() -> dict:
    hub = MessageHub.get_instance('test_safe_checkpoint')
    hub.update_scalar('train/loss', np.float64(0.25))
    hub.update_scalar('train/lr', 1e-3)
    return dict(
        meta=dict(epoch=2, seed=np.int64(7), dataset_meta=dict(
            sigmas=np.ones(3, np.float32))),
        state_dict=dict(w=torch.arange(3.)),
        message_hub=hub.state_dict())


def test_our_checkpoints_hold_only_allow_listed_globals(tmp_path):
    import hyatt_mmpose  # noqa: F401
    path = str(tmp_path / 'ok.pth')
    torch.save(mmengine_like_checkpoint(), path)
    allowed = {f'{g.__module__}.{g.__name__}' for g in SAFE_GLOBALS}
    found = set(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    assert 'builtins.getattr' not in found
    assert found <= allowed
    loaded = _load_checkpoint(path, map_location='cpu')
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.current() == 0.25 and buffer.mean() == 0.25
    assert loaded['meta']['seed'] == 7


def test_other_globals_are_refused_with_their_name(tmp_path):
    import hyatt_mmpose  # noqa: F401
    path = str(tmp_path / 'bad.pth')
    torch.save(dict(args=argparse.Namespace(lr=0.1)), path)
    with pytest.raises(UnsafeCheckpointError,
                       match=r'argparse\.Namespace.*weights_only=True'):
        _load_checkpoint(path, map_location='cpu')


def test_weights_only_stays_on_for_plain_torch_load(tmp_path):
    import hyatt_mmpose  # noqa: F401
    path = str(tmp_path / 'bad.pth')
    torch.save(dict(args=argparse.Namespace(lr=0.1)), path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)


def test_official_model_key_is_exposed_as_state_dict(tmp_path):
    import hyatt_mmpose  # noqa: F401
    path = str(tmp_path / 'official.pth')
    torch.save(dict(model=dict(w=torch.ones(2))), path)
    loaded = _load_checkpoint(path, map_location='cpu')
    torch.testing.assert_close(loaded['state_dict']['w'], torch.ones(2))
