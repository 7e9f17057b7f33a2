"""What the documentation tests read: the README and the pages of docs/,
their fenced code blocks, and the ``tools/`` command lines in them."""
import glob
import os.path as osp
import re
import shlex
from typing import Iterator, List, NamedTuple

from markdown_it import MarkdownIt

from ..utils import REPO_ROOT


def markdown_pages() -> List[str]:
    """README.md and every page of docs/ (not the built site), relative to
    the repository."""
    pages = sorted(
        glob.glob(osp.join(REPO_ROOT, 'docs', '**', '*.md'), recursive=True))
    build = osp.join(REPO_ROOT, 'docs', '_build') + osp.sep
    return ['README.md'] + [
        osp.relpath(p, REPO_ROOT) for p in pages if not p.startswith(build)
    ]


class CodeBlock(NamedTuple):
    """A fenced block: its language, text and first line (1-based)."""
    language: str
    text: str
    line: int


def code_blocks(page: str) -> List[CodeBlock]:
    """The fenced code blocks of a Markdown page (MyST directives, whose
    language is written ``{name}``, are not code)."""
    with open(osp.join(REPO_ROOT, page), encoding='utf-8') as f:
        tokens = MarkdownIt().parse(f.read())
    return [
        CodeBlock(t.info.strip(), t.content, t.map[0] + 2) for t in tokens
        if t.type == 'fence' and not t.info.strip().startswith('{')
    ]


class ToolLine(NamedTuple):
    """A command line that runs a script of tools/: the script, the
    arguments its own parser sees (None: too few for the shell script that
    passes them on), and where it was written."""
    script: str
    args: List[str]
    line: int
    text: str


# tools/ shell scripts that pass arguments on to a Python tool: the script,
# how many positional arguments it takes, and how they map to the tool's
# (indices into them, and fixed ones)
FORWARDING_SCRIPTS = {
    'tools/dist_train.sh': ('tools/train.py', 2, lambda a: [a[0]]),
    'tools/dist_test.sh': ('tools/test.py', 3, lambda a: [a[0], a[1]]),
    'tools/slurm_train.sh':
    ('tools/train.py', 4, lambda a: [a[2], '--work-dir', a[3]]),
}
# A shell variable stands for a value ($K in a for loop): parsed as "1",
# which any int, float or string option accepts.
SHELL_VARIABLE = re.compile(r'^\$\{?\w+\}?$')
ENV_ASSIGNMENT = re.compile(r'^\w+=')


def tool_lines(block: str, first_line: int = 1) -> Iterator[ToolLine]:
    """The ``python tools/X.py ...`` command lines of a shell block, and
    the lines of the shell scripts of :data:`FORWARDING_SCRIPTS`.

    Lines ending in ``\\`` are joined with the next; comments, leading
    ``VAR=value`` assignments and a ``.venv/bin/`` before ``python`` are
    dropped; a shell variable becomes ``1``.
    """
    lines = block.split('\n')
    k = 0
    while k < len(lines):
        start = k
        text = lines[k]
        while text.rstrip().endswith('\\') and k + 1 < len(lines):
            k += 1
            text = text.rstrip()[:-1] + ' ' + lines[k].strip()
        k += 1
        try:
            words = shlex.split(text, comments=True)
        except ValueError:  # not shell (a quote left open): not a command
            continue
        while words and ENV_ASSIGNMENT.match(words[0]):
            words.pop(0)
        if words[:1] == ['bash']:
            words.pop(0)
        words = ['1' if SHELL_VARIABLE.match(w) else w for w in words]
        if len(words) >= 2 and osp.basename(words[0]).startswith('python') \
                and words[1].startswith('tools/') \
                and words[1].endswith('.py'):
            yield ToolLine(words[1], words[2:], first_line + start, text)
        elif words and words[0] in FORWARDING_SCRIPTS:
            script, count, positional = FORWARDING_SCRIPTS[words[0]]
            given = words[1:]
            # too few for the shell script: no arguments, a failure
            args = positional(given) + given[count:] \
                if len(given) >= count else None
            yield ToolLine(script, args, first_line + start, text)
