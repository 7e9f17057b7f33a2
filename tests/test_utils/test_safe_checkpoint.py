"""The safe checkpoint loader: what numpy, mmengine and mmpose put into
checkpoints loads; anything that could run code is refused by name."""
import argparse
import io
import os
import os.path as osp
import pickle
import pickletools
import subprocess
import zipfile

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

from hyatt_mmpose.utils import SAFE_GLOBALS, UnsafeCheckpointError

# One of each dtype kind that numpy can put into a checkpoint, both byte
# orders, flexible sizes and datetime units.
DTYPES = [
    '?', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', '>i4', 'f2', 'f4',
    'f8', '>f8', 'g', 'c8', 'c16', 'G', 'U7', 'S7', 'M8[D]', 'M8[ms]', 'm8[s]',
    'm8'
]


def array_of(dtype: str, shape) -> np.ndarray:
    """Distinct, non-trivial values of ``dtype`` in ``shape``."""
    values = np.arange(1, int(np.prod(shape)) + 1).reshape(shape)
    if dtype[0] in 'US':
        return values.astype(dtype) if values.size else np.zeros(shape, dtype)
    return (values * 7).astype(dtype)


def same(a, b) -> bool:
    """Equal, with the same types throughout (tuple vs list, numpy scalar
    vs Python number, array dtypes)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and \
            np.array_equal(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, torch.Tensor):
        return torch.equal(a, b)
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    return a == b


def save(obj, path) -> str:
    torch.save(obj, str(path))
    return str(path)


def pickled_globals(path: str) -> set:
    """The globals the file's pickle names, whatever the allow-list says."""
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith('data.pkl'))
        ops = pickletools.genops(archive.read(name))
        # Protocol 2 writes some names as Python 2 did (__builtin__).
        return {
            arg.replace(' ', '.').replace('__builtin__.', 'builtins.')
            for op, arg, _ in ops if op.name == 'GLOBAL'
        }


def message_hub(name: str) -> dict:
    """A message hub's state as mmengine saves it: used and unused
    buffers, numpy and Python values in runtime_info."""
    hub = MessageHub.get_instance(name)
    hub.update_scalar('train/loss', np.float64(0.25))
    hub.update_scalar('train/lr', 1e-3)
    hub.update_info('eta', np.float64(12.5))
    hub.update_info('keep_ckpt_ids', [1, 2])
    hub.update_info('best_ckpt', '/x/best_MRE_epoch_2.pth')
    state = hub.state_dict()
    state['log_scalars']['val/unused'] = HistoryBuffer()
    return state


def mmengine_checkpoint(dataset_meta: dict) -> dict:
    """What Runner.save_checkpoint writes: meta, weights, message hub,
    optimizer and parameter schedulers."""
    from mmengine.optim.scheduler import (CosineAnnealingLR, LinearLR,
                                          MultiStepLR, OneCycleLR)
    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    schedulers = [
        LinearLR(optimizer, start_factor=0.1, end=5),
        CosineAnnealingLR(optimizer, T_max=10, begin=5, end=15),
        MultiStepLR(optimizer, milestones=[3, 6]),
        OneCycleLR(optimizer, eta_max=0.01, total_steps=10),
    ]
    return dict(
        meta=dict(
            epoch=2,
            iter=8,
            cfg='model = dict()',
            seed=np.int64(7),
            experiment_name='tiny_20250101_000000',
            time='...',
            mmengine_version='0.10.7',
            dataset_meta=dataset_meta),
        state_dict=model.state_dict(),
        message_hub=message_hub('test_safe_checkpoint'),
        optimizer=optimizer.state_dict(),
        param_schedulers=[s.state_dict() for s in schedulers])


@pytest.mark.parametrize('dtype', DTYPES)
def test_numpy_arrays_and_scalars_of_every_dtype_load(dtype, tmp_path):
    arrays = dict(
        plain=array_of(dtype, (2, 3)),
        empty=array_of(dtype, (0, )),
        empty_2d=array_of(dtype, (3, 0)),
        zero_d=array_of(dtype, ()),
        fortran=np.asfortranarray(array_of(dtype, (2, 3))),
        strided=array_of(dtype, (4, 4))[::2, 1:],
        scalar=array_of(dtype, (3, ))[1],
        dtype=np.dtype(dtype),
        scalar_type=np.dtype(dtype).type)
    path = save(dict(meta=arrays), tmp_path / 'numpy.pth')
    loaded = _load_checkpoint(path, map_location='cpu')['meta']
    # What numpy's own unpickling gives (it makes '>i4' arrays native).
    expected = pickle.loads(pickle.dumps(arrays, protocol=2))
    for name, value in expected.items():
        assert same(loaded[name], value), name
    assert same(loaded['plain'].astype(dtype), arrays['plain'])


def test_every_registered_datasets_metainfo_loads(tmp_path):
    """What mmengine stores as meta.dataset_meta (mmpose's
    parse_pose_metainfo): ours and every other registered dataset's."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from mmpose.registry import DATASETS

    import hyatt_mmpose.datasets as ours
    metas = {
        name: parse_pose_metainfo(cls.METAINFO)
        for name, cls in DATASETS.module_dict.items()
        if getattr(cls, 'METAINFO', None)
    }
    assert {
        'ISBI2015Dataset', 'AarizDataset', 'HandXrayDataset',
        'CLDetection2023Dataset', 'CephAdoAduDataset', 'PelvisDataset',
        'SyntheticLandmarkDataset', 'CocoDataset'
    } <= metas.keys()
    assert set(ours.__all__) & metas.keys() == {
        n
        for n in ours.__all__ if getattr(getattr(ours, n), 'METAINFO', 0)
    }
    refused = []
    for name, meta in metas.items():
        path = save(mmengine_checkpoint(meta), tmp_path / f'{name}.pth')
        try:
            loaded = _load_checkpoint(path, map_location='cpu')
        except UnsafeCheckpointError as err:
            refused.append(f'{name}: {err}')
            continue
        assert same(loaded['meta']['dataset_meta'], meta), name
        assert same(loaded['message_hub']['runtime_info'],
                    mmengine_checkpoint(meta)['message_hub']['runtime_info'])
    assert not refused


def test_whole_mmengine_checkpoint_loads_and_resumes_state(tmp_path):
    from mmengine.optim.scheduler import OneCycleLR
    checkpoint = mmengine_checkpoint(dict(sigmas=np.ones(3, np.float32)))
    path = save(checkpoint, tmp_path / 'ckpt.pth')
    loaded = _load_checkpoint(path, map_location='cpu')
    assert same(loaded['meta'], checkpoint['meta'])
    assert same(loaded['optimizer'], checkpoint['optimizer'])
    scalars = loaded['message_hub']['log_scalars']
    assert scalars['train/loss'].current() == 0.25
    assert scalars['train/loss'].mean() == 0.25
    assert len(scalars['val/unused'].data[0]) == 0
    # The OneCycle scheduler keeps its annealing function: a state that
    # resumes.
    one_cycle = loaded['param_schedulers'][3]
    assert one_cycle['anneal_func'] is OneCycleLR._annealing_cos
    hub = MessageHub.get_instance('test_safe_checkpoint_resumed')
    hub.load_state_dict(loaded['message_hub'])
    assert hub.get_info('eta') == 12.5


def test_plain_mmengine_history_buffer_with_getattr_loads(
        tmp_path, monkeypatch):
    """Plain mmengine pickles HistoryBuffer's statistics methods, which
    protocol 2 writes as getattr(HistoryBuffer, name)."""

    def mmengine_getstate(self):
        return dict(
            self.__dict__, statistics_methods=dict(self._statistics_methods))

    monkeypatch.setattr(HistoryBuffer, '__getstate__', mmengine_getstate)
    buffer = HistoryBuffer()
    buffer.update(2.0)
    path = save(
        dict(message_hub=dict(log_scalars=dict(loss=buffer))),
        tmp_path / 'plain.pth')
    assert 'builtins.getattr' in pickled_globals(path)
    loaded = _load_checkpoint(path, map_location='cpu')
    assert loaded['message_hub']['log_scalars']['loss'].statistics(
        'max') == 2.0


@pytest.mark.slow
def test_real_runner_checkpoint_loads(synthetic_root, tmp_path):
    """A checkpoint that mmengine's CheckpointHook wrote in a real run."""
    from mmengine.runner import Runner

    from ..utils import tiny_config
    cfg = tiny_config(synthetic_root, str(tmp_path / 'run'), max_epochs=1)
    Runner.from_cfg(cfg).train()
    path = str(tmp_path / 'run' / 'epoch_1.pth')
    allowed = {f'{g.__module__}.{g.__qualname__}' for g in SAFE_GLOBALS}
    found = pickled_globals(path)
    # Not even getattr (allowed only in a restricted form): our checkpoints
    # leave HistoryBuffer's statistics methods out.
    assert 'builtins.getattr' not in found
    assert 'mmengine.logging.history_buffer.HistoryBuffer' in found
    assert not set(
        torch.serialization.get_unsafe_globals_in_checkpoint(path)) - allowed
    loaded = _load_checkpoint(path, map_location='cpu')
    meta = loaded['meta']['dataset_meta']
    assert meta['num_keypoints'] == 19
    assert meta['sigmas'].dtype == np.float32
    assert loaded['meta']['epoch'] == 1


def test_numpy_2_module_names_load(tmp_path):
    """numpy 2 pickles its arrays and scalars from numpy._core."""
    value = dict(a=np.arange(4, dtype=np.int16), s=np.float32(1.5))
    buffer = io.BytesIO()
    torch.save(value, buffer, _use_new_zipfile_serialization=False)
    data = buffer.getvalue()
    assert data.count(b'numpy.core.multiarray\n') == 2
    path = tmp_path / 'numpy2.pth'
    path.write_bytes(
        data.replace(b'numpy.core.multiarray\n', b'numpy._core.multiarray\n'))
    loaded = _load_checkpoint(str(path), map_location='cpu')
    assert same(loaded, value)


class Reduces:
    """Pickles as ``func(*args)``, the way a crafted file calls code."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def object_dtype_array():
    return np.array(['a', 1], dtype=object)


def structured_array():
    return np.zeros(2, dtype=[('a', 'i4'), ('b', 'f8')])


@pytest.mark.parametrize(
    'make, name', [
        (lambda m: Reduces(os.system, f'touch {m}'),
         f'{os.system.__module__}.system'),
        (lambda m: Reduces(eval, f'open("{m}", "w")'), 'builtins.eval'),
        (lambda m: Reduces(exec, f'open("{m}", "w")'), 'builtins.exec'),
        (lambda m: Reduces(subprocess.Popen, ['touch', m]),
         'subprocess.Popen'),
        (lambda m: Reduces(getattr, np.ndarray, 'tofile'),
         "builtins.getattr (called as getattr(<class 'numpy.ndarray'>, "
         "'tofile'))"),
        (lambda m: Reduces(getattr, HistoryBuffer, '__init__'),
         'builtins.getattr'),
        (lambda m: Reduces(getattr, [HistoryBuffer], 'min'),
         'builtins.getattr'),
        (lambda m: Reduces(getattr, HistoryBuffer, np.array(['min', 'max'])),
         'builtins.getattr'),
        (lambda m: argparse.Namespace(lr=0.1), 'argparse.Namespace'),
        (lambda m: object_dtype_array(), 'numpy.dtypes.ObjectDType'),
        (lambda m: structured_array(), 'numpy.dtypes.VoidDType'),
        (lambda m: np.rec.array(structured_array()), 'numpy.recarray'),
    ],
    ids=[
        'os.system', 'eval', 'exec', 'Popen', 'getattr', 'getattr_hb',
        'getattr_list', 'getattr_array', 'Namespace', 'object_array',
        'structured_array', 'recarray'
    ])
def test_hostile_globals_are_refused_naming_global_and_file(
        make, name, tmp_path):
    marker = str(tmp_path / 'ran')
    path = save(dict(meta=dict(x=make(marker))), tmp_path / 'bad.pth')
    with pytest.raises(UnsafeCheckpointError) as err:
        _load_checkpoint(path, map_location='cpu')
    message = str(err.value)
    assert f'global {name}' in message
    assert f'"{path}"' in message and 'weights_only=True' in message
    assert not osp.exists(marker)


def test_weights_only_stays_on_for_plain_torch_load(tmp_path):
    path = save(dict(args=argparse.Namespace(lr=0.1)), tmp_path / 'bad.pth')
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)


def test_official_model_key_is_exposed_as_state_dict(tmp_path):
    path = save(dict(model=dict(w=torch.ones(2))), tmp_path / 'official.pth')
    loaded = _load_checkpoint(path, map_location='cpu')
    torch.testing.assert_close(loaded['state_dict']['w'], torch.ones(2))
