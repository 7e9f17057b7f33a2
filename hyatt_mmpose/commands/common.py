"""What the command lines share: the parser of the tools that run a trained
model on annotated splits (calibrate, plot_coverage, adapt), the options
and the ending of the dataset converters, and the one line a refusal
prints."""
import argparse
import os
import sys
from typing import Callable, Dict

from mmengine.config import DictAction


def tool_parser(doc: str) -> argparse.ArgumentParser:
    """A parser described by a command module's docstring: its first
    paragraph (the tool's purpose) as description, the rest (usage
    examples, then what it does) as epilog.

    Args:
        doc (str): The docstring.

    Returns:
        argparse.ArgumentParser: The parser, without arguments.
    """
    purpose, _, rest = doc.partition('\n\n')
    return argparse.ArgumentParser(
        description=' '.join(purpose.split()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=rest)


def model_parser(doc: str) -> argparse.ArgumentParser:
    """:func:`tool_parser` taking ``config`` and ``checkpoint``."""
    parser = tool_parser(doc)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """``--device`` and ``--cfg-options``."""
    parser.add_argument('--device', default='cpu')
    add_cfg_options(parser, 'the overrides the model was trained with, '
                    'key=value')


def add_cfg_options(parser: argparse.ArgumentParser, text: str) -> None:
    """``--cfg-options key=value ...``, parsed into a dict."""
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help=text)


def add_launcher_options(parser: argparse.ArgumentParser) -> None:
    """``--cfg-options``, ``--launcher`` and ``--local-rank``, as mmpose's
    train and test tools take them; :func:`export_local_rank` puts the
    parsed ``--local-rank`` in the environment."""
    add_cfg_options(parser, 'override config settings, key=value')
    parser.add_argument(
        '--launcher',
        default='none',
        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def export_local_rank(args: argparse.Namespace) -> None:
    """Sets ``LOCAL_RANK`` from ``--local-rank`` (0 without it) unless the
    launcher has set it: torch.distributed.launch passes the rank as an
    argument, torchrun in the environment, and mmengine reads the latter.

    Args:
        args (argparse.Namespace): Parsed by a parser with
            :func:`add_launcher_options`.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))


def refuse(err: Exception, status: int = 1) -> int:
    """Prints ``error: <message>`` to stderr (the message says it all: no
    traceback for a user's mistake).

    Args:
        err (Exception): The refusal.
        status (int): The exit status to return.

    Returns:
        int: ``status``.
    """
    print(f'error: {err}', file=sys.stderr)
    return status


def add_converter_options(parser: argparse.ArgumentParser) -> None:
    """``--skip-bad`` and ``--overwrite``, which every converter takes."""
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='leave bad entries out and list them')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace annotation files that exist')


def run_converter(convert: Callable[[], Dict[str, int]]) -> int:
    """Runs a converter and prints the images written per split.

    Args:
        convert (Callable): The conversion, its arguments bound; returns
            the images written per split.

    Returns:
        int: The exit status: 0 written; 1 refused before anything was
        written (the message on stderr names the file).
    """
    from ..datasets.converters import ConversionError, format_counts
    try:
        counts = convert()
    except (ConversionError, FileExistsError) as err:
        return refuse(err)
    print(format_counts(counts))
    return 0
