"""The command line shared by the tools that run a trained model on
annotated splits (calibrate, plot_coverage, adapt)."""
import argparse

from mmengine.config import Config, DictAction


def model_parser(doc: str) -> argparse.ArgumentParser:
    """A parser described by a module's docstring (first line, then the
    rest as epilog), taking ``config`` and ``checkpoint``."""
    parser = argparse.ArgumentParser(
        description=doc.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=doc.split('\n', 2)[2])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--device`` and ``--cfg-options``."""
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='the overrides the model was trained with, key=value')


def load_config(args: argparse.Namespace) -> Config:
    """``args.config`` with ``args.cfg_options`` merged in."""
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg
