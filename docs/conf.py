"""Sphinx configuration of the hyatt_mmpose documentation.

``make docs`` builds it into ``docs/_build/html`` with warnings as errors
(``-W``) and every cross-reference checked (``-n``, nitpicky). The pages are
MyST Markdown; the API reference is generated from the Google-style
docstrings (autodoc and napoleon), importing the package as the tools do.
"""
import os.path as osp
import sys
import warnings

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)
# mmengine imports pkg_resources, which setuptools<81 (pinned for mmcv's
# build) announces as deprecated at every import: not ours, not a finding
warnings.filterwarnings(
    'ignore', message='pkg_resources is deprecated', category=UserWarning)

from hyatt_mmpose.version import __version__  # noqa: E402

project = 'hyatt_mmpose'
author = 'The hyatt_mmpose Authors'
copyright = '2026, The hyatt_mmpose Authors'
release = __version__

extensions = [
    'myst_parser',
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
    'sphinx.ext.mathjax',
    'sphinx.ext.viewcode',
]
source_suffix = {'.md': 'markdown'}
exclude_patterns = ['_build']
myst_enable_extensions = ['dollarmath', 'amsmath', 'colon_fence']
# `[text](page.md#a-heading)` links reach headings down to ###
myst_heading_anchors = 3

html_theme = 'furo'
html_title = f'hyatt_mmpose {release}'
html_static_path = ['_static']

autodoc_member_order = 'bysource'
# a method without a docstring of its own shows none, not torch's (forward)
autodoc_inherit_docstrings = False
autodoc_typehints = 'description'
autodoc_default_options = {
    'members': True,
    'undoc-members': True,
    'show-inheritance': True
}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# an Attributes: section as fields, so that a dataclass's attributes are not
# described twice (there, and as the members autodoc finds)
napoleon_use_ivar = True
# There is no network for intersphinx, so references to other projects'
# objects (type hints and docstrings naming torch, numpy, mmengine, mmcv,
# mmpose, pydicom, onnxruntime, starlette or uvicorn classes) cannot
# resolve. They are let through by package name only; every reference to
# hyatt_mmpose's own objects must resolve, and the build fails on one that
# does not.
nitpicky = True
THIRD_PARTY = (r'(torch|nn|numpy|np|mmengine|mmcv|mmpose|pydicom|onnxruntime'
               r'|starlette|uvicorn)')
nitpick_ignore_regex = [
    ('py:(class|obj|exc|func|meth|data|attr)', THIRD_PARTY + r'(\..+)?'),
    # the C module behind pickle's exceptions, named in torch.load's
    ('py:class', r'_pickle\.UnpicklingError'),
    # Python's own library, whose inventory is not here either
    ('py:(class|obj|exc|func)',
     r'(argparse|pathlib|collections\.abc|socket)\..+'),
]
# the short names our docstrings' types give third-party classes (Tensor
# for torch.Tensor ...), and the word of "x (int, optional)"; Python's own
# open(), which no inventory documents here either
nitpick_ignore = [('py:class', name) for name in (
    'Tensor', 'Module', 'Dropout', 'BatchNorm', 'Config', 'ConfigDict',
    'Runner', 'InstanceData', 'PixelData', 'optional')] + [('py:func', 'open')]


def _drop_type_docstring(app, what, name, obj, options, lines):
    """A module constant has no docstring of its own, and autodoc would show
    its type's (dict's, tuple's) instead: the pages describe it."""
    if what == 'data' and obj.__doc__ == type(obj).__doc__:
        lines.clear()


def _literal_usage_blocks(app, what, name, obj, options, lines):
    """A module docstring shows its command lines as an indented block
    (written for ``--help``, which prints the docstring as it is): marked
    as a literal block here, so that reStructuredText keeps it verbatim."""
    if what != 'module':
        return
    for k in range(len(lines) - 1, 0, -1):
        starts_block = lines[k].startswith('    ') and not lines[k - 1]
        if starts_block and (k < 2 or not lines[k - 2].startswith(' ')):
            if lines[k - 2:k - 1] != ['::']:
                lines[k - 1:k - 1] = ['', '::']


def setup(app):
    app.connect('autodoc-process-docstring', _drop_type_docstring)
    app.connect('autodoc-process-docstring', _literal_usage_blocks)
