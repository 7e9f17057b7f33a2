"""What the command lines share: the parser of the tools that run a trained
model on annotated splits (calibrate, plot_coverage, adapt), and the one
line a refusal prints."""
import argparse
import sys

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
