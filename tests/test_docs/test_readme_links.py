"""The README's links into the repository lead somewhere: the file exists
and, for ``page.md#anchor``, the page has that heading (the docs build
checks the links between pages; nothing else reads the README's)."""
import os.path as osp
import re
import sys

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors.index import slugify

from ..utils import REPO_ROOT

LINK = re.compile(r'\]\(([^)\s]+)\)')


def heading_anchors(path: str) -> set:
    """The anchors GitHub gives the headings of a Markdown file."""
    with open(path, encoding='utf-8') as f:
        tokens = MarkdownIt().parse(f.read())
    return {
        slugify(tokens[k + 1].content)
        for k, t in enumerate(tokens) if t.type == 'heading_open'
    }


def broken_links(page: str) -> list:
    """Each relative link of ``page`` whose file or heading is missing."""
    with open(osp.join(REPO_ROOT, page), encoding='utf-8') as f:
        text = f.read()
    broken = []
    for target in LINK.findall(text):
        if re.match(r'[a-z]+:', target):
            continue  # a web address
        path, _, anchor = target.partition('#')
        full = osp.join(REPO_ROOT, osp.dirname(page), path)
        if not osp.exists(full):
            broken.append(f'{target}: no such file')
        elif anchor and anchor not in heading_anchors(full):
            broken.append(f'{target}: no such heading')
    return broken


def test_readme_links_resolve():
    with open(osp.join(REPO_ROOT, 'README.md'), encoding='utf-8') as f:
        assert len(LINK.findall(f.read())) >= 10  # the "I want to" list
    assert broken_links('README.md') == []


def test_broken_links_are_found(tmp_path, monkeypatch):
    """A missing page and a missing heading are reported, a good link
    is not."""
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'a.md').write_text('# A\n\n## Two words\n')
    (tmp_path / 'README.md').write_text(
        '[ok](docs/a.md#two-words) [x](docs/b.md) [y](docs/a.md#three) '
        '[web](https://example.org)\n')
    monkeypatch.setattr(sys.modules[__name__], 'REPO_ROOT', str(tmp_path))
    assert broken_links('README.md') == [
        'docs/b.md: no such file', 'docs/a.md#three: no such heading'
    ]
