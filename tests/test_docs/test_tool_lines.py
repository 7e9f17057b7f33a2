"""Every ``python tools/...`` line in the README, the pages of docs/ and the
usage examples of the tools' ``--help`` is one its tool's own parser
accepts, so a renamed or removed option fails here instead of in a
reader's terminal."""
import argparse
import contextlib
import importlib
import io
from typing import List

import pytest

from hyatt_mmpose.commands import TOOLS, tool_parser_of
from .doc_pages import code_blocks, markdown_pages, tool_lines


def documented_lines() -> List[pytest.param]:
    params = []
    for page in markdown_pages():
        for block in code_blocks(page):
            for found in tool_lines(block.text, block.line):
                params.append(pytest.param(found, id=f'{page}:{found.line}'))
    # the usage examples each tool's --help prints (its module's docstring)
    for module in sorted(set(TOOLS.values())):
        for found in tool_lines(importlib.import_module(module).__doc__):
            params.append(pytest.param(found, id=f'{module}:{found.line}'))
    return params


DOCUMENTED = documented_lines()


def parse_error(parser: argparse.ArgumentParser, args: List[str]) -> str:
    """What the parser says against ``args`` ('' if it accepts them)."""
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            parser.parse_args(args)
    except SystemExit:
        return said.getvalue().strip() or 'refused'
    return ''


def test_the_pages_have_tool_lines():
    """The search below finds what it is meant to find: the commands of
    the guides and of the results."""
    pages = {param.id.split(':')[0] for param in DOCUMENTED}
    for page in ('docs/user_guides/train_test.md',
                 'docs/user_guides/inference.md',
                 'docs/user_guides/conformal.md', 'docs/results.md'):
        assert page in pages, page
    scripts = {param.values[0].script for param in DOCUMENTED}
    assert {
        'tools/train.py', 'tools/test.py', 'tools/predict.py',
        'tools/calibrate.py', 'tools/adapt.py'
    } <= scripts


@pytest.mark.parametrize('found', DOCUMENTED)
def test_documented_line_parses(found):
    assert found.script in TOOLS, (
        f'{found.text}: {found.script} is no python tool of '
        'hyatt_mmpose.commands.TOOLS')
    assert found.args is not None, f'{found.text}: too few arguments'
    error = parse_error(tool_parser_of(found.script), found.args)
    assert not error, f'{found.text}\n{error}'


def test_tool_lines_reads_shell_as_written():
    """Continuations joined, comments, assignments and the venv's path
    dropped, loop variables as values, shell scripts that pass arguments
    on, and nothing else."""
    block = '\n'.join([
        'OMP_NUM_THREADS=1 .venv/bin/python tools/train.py CONFIG \\',
        '    --work-dir w   # a comment',
        'for K in 5 10; do',
        '  python tools/adapt.py C K L --num-images $K --work-dir w/k$K',
        'done',
        'NNODES=2 tools/dist_train.sh CONFIG 8 --resume',
        'tools/dist_test.sh CONFIG 8',
        'GPUS=16 tools/slurm_train.sh P J CONFIG work_dirs/J --amp',
        'python bench/model.py --repeats 2',
        'make demo',
    ])
    found = list(tool_lines(block, first_line=10))
    assert [(f.script, f.args, f.line) for f in found] == [
        ('tools/train.py', ['CONFIG', '--work-dir', 'w'], 10),
        ('tools/adapt.py',
         ['C', 'K', 'L', '--num-images', '1', '--work-dir', 'w/k$K'], 13),
        ('tools/train.py', ['CONFIG', '--resume'], 15),
        ('tools/test.py', None, 16),
        ('tools/train.py', ['CONFIG', '--work-dir', 'work_dirs/J',
                            '--amp'], 17),
    ]


def test_a_renamed_option_fails():
    """The check fails on an option its tool does not have (as after a
    rename) and on a value of the wrong type, and passes the real ones."""
    parser = tool_parser_of('tools/predict.py')
    assert parse_error(parser, ['C', 'K', 'x.png', '--out-dir', 'o']) == ''
    assert 'unrecognized arguments: --outdir' in parse_error(
        parser, ['C', 'K', 'x.png', '--outdir', 'o'])
    assert 'invalid float value' in parse_error(
        tool_parser_of('tools/adapt.py'),
        ['C', 'K', 'L', '--num-images', '5', '--work-dir', 'w', '--lr', 'LR'])
