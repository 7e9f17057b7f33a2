"""Loads the converter scripts of tools/dataset_converters as modules."""
import importlib.util
import os.path as osp

from ..utils import REPO_ROOT


def load_converter(name: str):
    path = osp.join(REPO_ROOT, 'tools', 'dataset_converters', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'converter_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
