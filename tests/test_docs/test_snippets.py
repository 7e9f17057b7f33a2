"""The Python blocks of the README and of the pages of docs/ run, in order
within each page, against the tiny checkpoint of the tests.

The text leaves some names to the reader: a config and its checkpoint,
image files. Each page's blocks run in a fresh folder that holds those
images, with those names bound to the tiny model's files (PLACEHOLDERS), so
the snippets stay as a user would write them. A block that must not run is
written as a ``text`` block, or with ``<!-- skip: next -->`` above it.
"""
import os.path as osp
import shutil

import pytest
from sybil import Document
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from ..utils import REPO_ROOT
from .doc_pages import code_blocks, markdown_pages

# The image files the pages name, each a synthetic test image.
IMAGE_FILES = ('ceph.png', 'a.png', 'b.png')


def pages_with_python():
    return [
        page for page in markdown_pages()
        if any(block.language == 'python' for block in code_blocks(page))
    ]


@pytest.mark.slow  # trains the tiny checkpoint when no other test has
@pytest.mark.parametrize('page', pages_with_python())
def test_python_blocks_run(page, tiny_checkpoint, synthetic_root, tmp_path,
                           monkeypatch):
    config, checkpoint = tiny_checkpoint
    for k, name in enumerate(IMAGE_FILES):
        shutil.copy(
            osp.join(synthetic_root, 'images', f'test_{k:04d}.png'),
            tmp_path / name)
    monkeypatch.chdir(tmp_path)
    document = Document.parse(
        osp.join(REPO_ROOT, page), PythonCodeBlockParser(), SkipParser())
    document.namespace.update(CONFIG=config, CKPT=checkpoint)
    examples = list(document)
    assert examples, f'{page}: no Python block found'
    for example in examples:
        example.evaluate()
