"""`make lint` fails on a style error and passes clean code (fixtures, not
the codebase, which .ci/run lints itself)."""
import subprocess

import pytest

from .utils import REPO_ROOT

CLEAN = '''import os


def home() -> str:
    return os.path.expanduser('~')
'''


def lint(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ['make', '--no-print-directory', 'lint', f'LINT_PATHS={path}'],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True)


@pytest.mark.parametrize(
    'source,tool',
    [
        (CLEAN.replace('import os\n',
                       'import os\nimport sys\n'), 'flake8'),  # unused import
        ('import sys\nimport os\n\nprint(os.sep, sys.argv)\n',
         'isort'),  # imports out of order
        ('def add(a, b):\n    return (a +\n            b)\n',
         'yapf'),  # layout
    ])
@pytest.mark.slow
def test_style_errors_fail(tmp_path, source, tool):
    path = tmp_path / 'fixture.py'
    path.write_text(source)
    done = lint(path)
    assert done.returncode != 0, (tool, done.stdout, done.stderr)
    # make echoes each step before it runs: the last one is the failing one
    steps = [line for line in done.stdout.splitlines() if ' -m ' in line]
    assert f'-m {tool} ' in steps[-1], steps


@pytest.mark.slow
def test_clean_code_passes(tmp_path):
    path = tmp_path / 'fixture.py'
    path.write_text(CLEAN)
    done = lint(path)
    assert done.returncode == 0, done.stdout + done.stderr
