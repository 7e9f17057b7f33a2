"""Every script of ``tools/`` has its command line in
:mod:`hyatt_mmpose.commands` (:data:`TOOLS`), whose parser builds and
whose ``--help`` runs."""
import argparse
import glob
import importlib
import os.path as osp

import pytest

from hyatt_mmpose.commands import TOOLS, tool_parser_of
from ..utils import REPO_ROOT


def test_every_tool_script_is_mapped():
    scripts = {
        osp.relpath(p, REPO_ROOT)
        for p in glob.glob(
            osp.join(REPO_ROOT, 'tools', '**', '*.py'), recursive=True)
    }
    assert scripts == set(TOOLS)


@pytest.mark.parametrize('script', sorted(TOOLS))
def test_each_script_runs_its_command(script):
    """The script is thin: it calls its command's ``main`` and exits with
    the status it returns."""
    with open(osp.join(REPO_ROOT, script)) as f:
        source = f.read()
    assert f'from {TOOLS[script]} import main' in source
    assert 'sys.exit(main())' in source
    assert 'argparse' not in source


@pytest.mark.parametrize('script', sorted(TOOLS))
def test_each_parser_builds_and_helps(script, capsys):
    parser = tool_parser_of(script)
    assert isinstance(parser, argparse.ArgumentParser)
    # the purpose, then usage examples that name the script itself
    assert parser.description
    assert f'python {script}' in parser.epilog
    with pytest.raises(SystemExit) as stop:
        importlib.import_module(TOOLS[script]).main(['--help'])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith('usage: ')
