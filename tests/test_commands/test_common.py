"""The options and endings that the command lines share."""
import argparse
import os

from hyatt_mmpose.commands import convert_isbi2015
from hyatt_mmpose.commands.common import (add_launcher_options,
                                          export_local_rank, run_converter)
from hyatt_mmpose.datasets.converters import ConversionError


def launcher_parser():
    parser = argparse.ArgumentParser()
    add_launcher_options(parser)
    return parser


def test_local_rank_option_is_exported_unless_the_launcher_set_it(monkeypatch):
    # setenv first, so that monkeypatch restores the environment afterwards
    monkeypatch.setenv('LOCAL_RANK', 'unset')
    monkeypatch.delenv('LOCAL_RANK')
    parser = launcher_parser()
    # nothing changes the environment while parsing
    args = parser.parse_args(['--local-rank', '3'])
    assert 'LOCAL_RANK' not in os.environ
    export_local_rank(args)
    assert args.local_rank == 3 and os.environ['LOCAL_RANK'] == '3'
    monkeypatch.delenv('LOCAL_RANK')
    export_local_rank(parser.parse_args([]))
    assert os.environ['LOCAL_RANK'] == '0'
    # torchrun's own LOCAL_RANK wins over an argument
    monkeypatch.setenv('LOCAL_RANK', '1')
    export_local_rank(parser.parse_args(['--local_rank', '5']))
    assert os.environ['LOCAL_RANK'] == '1'


def test_launcher_options_parse_cfg_options_into_a_dict():
    args = launcher_parser().parse_args(
        ['--launcher', 'pytorch', '--cfg-options', 'a.b=2', 'c=x'])
    assert args.launcher == 'pytorch'
    assert args.cfg_options == {'a.b': 2, 'c': 'x'}


def test_run_converter_prints_counts_or_refuses(capsys):
    assert run_converter(lambda: {'train': 3, 'val': 1}) == 0
    assert capsys.readouterr().out == 'train: 3 val: 1 images\n'

    def refused():
        raise ConversionError('a.txt: line 2: not x,y')

    assert run_converter(refused) == 1
    captured = capsys.readouterr()
    assert captured.err == 'error: a.txt: line 2: not x,y\n'
    assert captured.out == ''


def test_converter_refusal_names_the_missing_layout(tmp_path, capsys):
    assert convert_isbi2015.main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith('error: ') and str(tmp_path) in err


def test_converters_take_skip_bad_and_overwrite():
    args = convert_isbi2015.build_parser().parse_args(
        ['root', '--skip-bad', '--overwrite'])
    assert args.skip_bad and args.overwrite
    args = convert_isbi2015.build_parser().parse_args(['root'])
    assert not args.skip_bad and not args.overwrite
