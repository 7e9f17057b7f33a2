"""Loads the converter scripts of tools/dataset_converters as modules."""
import codecs
import importlib.util
import os.path as osp

from ..utils import REPO_ROOT


def load_converter(name: str):
    path = osp.join(REPO_ROOT, 'tools', 'dataset_converters', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'converter_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_spreadsheet_text(path, text: str, trailing: str = '\n\n') -> None:
    """Writes ``text`` as a spreadsheet's "CSV UTF-8" does on Windows: a
    byte-order mark, CRLF line endings, and ``trailing`` (blank lines by
    default) at the end."""
    body = text.rstrip('\n') + '\n' + trailing
    path.write_bytes(codecs.BOM_UTF8 + body.replace('\n', '\r\n').encode())
