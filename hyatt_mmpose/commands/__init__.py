"""The command lines of ``tools/``: argument parsing, printing and exit
statuses, and nothing else (the work is done by the library,
:mod:`hyatt_mmpose.apis` and the other packages).

Each module is one tool, with ``build_parser()`` (its ``--help``: purpose,
options, usage examples) and ``main(argv=None) -> int`` (the exit status;
a refusal prints ``error: <message>`` to stderr, no traceback). The script
in ``tools/`` runs ``main`` and exits with its status. :data:`TOOLS` maps
each script to its module.
"""
import argparse
import importlib
from typing import Dict

#: Each python script under ``tools/`` (relative to the repository) to the
#: module of its command line.
TOOLS: Dict[str, str] = {
    'tools/train.py': 'hyatt_mmpose.commands.train',
    'tools/test.py': 'hyatt_mmpose.commands.test',
    'tools/predict.py': 'hyatt_mmpose.commands.predict',
    'tools/review.py': 'hyatt_mmpose.commands.review',
    'tools/calibrate.py': 'hyatt_mmpose.commands.calibrate',
    'tools/adapt.py': 'hyatt_mmpose.commands.adapt',
    'tools/make_synthetic_dataset.py':
    'hyatt_mmpose.commands.make_synthetic_dataset',
    'tools/deployment/export_onnx.py': 'hyatt_mmpose.commands.export_onnx',
    'tools/analysis/plot_coverage.py': 'hyatt_mmpose.commands.plot_coverage',
    'tools/analysis/model_summary.py': 'hyatt_mmpose.commands.model_summary',
    'tools/analysis/inter_observer.py': 'hyatt_mmpose.commands.inter_observer',
    'tools/dataset_converters/isbi2015.py':
    'hyatt_mmpose.commands.convert_isbi2015',
    'tools/dataset_converters/hand.py': 'hyatt_mmpose.commands.convert_hand',
    'tools/dataset_converters/aariz.py': 'hyatt_mmpose.commands.convert_aariz',
    'tools/dataset_converters/cldetection2023.py':
    'hyatt_mmpose.commands.convert_cldetection2023',
    'tools/dataset_converters/generic.py':
    'hyatt_mmpose.commands.convert_generic',
}


def tool_parser_of(script: str) -> argparse.ArgumentParser:
    """The argument parser of a script of ``tools/``.

    Args:
        script (str): Its path relative to the repository, as in
            :data:`TOOLS` (``'tools/train.py'``).

    Returns:
        argparse.ArgumentParser: What its command's ``build_parser()``
        builds.

    Raises:
        KeyError: For a path that is not one of :data:`TOOLS`.
    """
    return importlib.import_module(TOOLS[script]).build_parser()


__all__ = ['TOOLS', 'tool_parser_of']
