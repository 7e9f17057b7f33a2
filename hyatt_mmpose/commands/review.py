"""Review predictions in a browser: check, correct and report them.

    python tools/review.py predictions --reviewer "Dr Ana Silva"
    python tools/review.py predictions --host 0.0.0.0 --port 8765
    python tools/review.py predictions --report

Serves a page for a folder that tools/predict.py wrote (with or without
--calibration), on 127.0.0.1 and a free port unless --host and --port say
otherwise, and prints its URL; Ctrl+C stops it. The images come worst first
(flagged landmarks, then the largest conformal radius); on each, drag a
landmark or nudge it with the arrow keys, reset it to the model's position
(R), undo (Ctrl+Z), set the spacing with a ruler, and mark the image
reviewed. Every change is saved at once under PREDICTIONS_DIR/review/: per
image images/<name>.json, the log review_log.jsonl, and annotations.json
(the reviewed images in the COCO landmark format that tools/adapt.py and
tools/calibrate.py --ann-file read); what predict wrote is never changed.
Another --host than the loopback one gets a token, printed in the URL and
required on every request. --report writes each image's report (HTML and
PDF, in review/reports/) instead of serving. A folder written by another
version of hyatt_mmpose, whose images are missing, or whose review/ holds
prediction records (an input subfolder named review), is refused (exit
status 2). Relative image paths in the records are taken from the current
folder, as tools/predict.py took them. The library:
:mod:`hyatt_mmpose.review`.
"""
import argparse
import getpass
import sys
from typing import Optional, Sequence

from .common import refuse, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/review.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument(
        'predictions_dir', help='the --out-dir of tools/predict.py')
    parser.add_argument(
        '--reviewer',
        help='who reviews, recorded with every change (default: the user '
        'name)')
    parser.add_argument(
        '--host',
        default='127.0.0.1',
        help='the interface to listen on (other than the loopback one, a '
        'token is required, and everything travels as plain HTTP: prefer '
        'an SSH tunnel)')
    parser.add_argument(
        '--port', type=int, default=0, help='the port (default: a free one)')
    parser.add_argument(
        '--report',
        action='store_true',
        help="write every image's report (HTML and PDF) and exit")
    return parser


def write_reports(store) -> int:
    """Writes every image's report, going on past those that fail.

    Args:
        store (ReviewStore): The folder under review.

    Returns:
        int: The exit status: 0 all written, 1 some failed (each named on
        stderr, one line).
    """
    from ..review import ReviewFileError
    from ..review.review_report import write_report
    failed = 0
    for name in store.records:
        try:
            html, pdf = write_report(store, name)
        except ReviewFileError as err:
            refuse(err)
            failed += 1
            continue
        print(f'{name}: {html}, {pdf}')
    if failed:
        print(
            f'{failed} of {len(store.records)} reports failed',
            file=sys.stderr)
    return 1 if failed else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/review.py``: serves the review page of a prediction folder,
    or writes its reports.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 stopped (Ctrl+C) or reports written; 1
        some reports failed (each named); 2 refused (a folder that cannot
        be reviewed, an address that cannot be bound; the message on
        stderr says why).
    """
    args = build_parser().parse_args(argv)
    from ..review import ReviewFolderError, ReviewStore
    try:
        store = ReviewStore(args.predictions_dir, args.reviewer
                            or getpass.getuser())
    except ReviewFolderError as err:
        return refuse(err, 2)
    if args.report:
        return write_reports(store)
    from ..review.review_server import serve
    try:
        serve(
            store,
            args.host,
            args.port,
            announce=lambda url: print(
                f'Reviewing {len(store.records)} images of '
                f'{store.predictions_dir} as {store.reviewer}.\n'
                f'Open {url} (Ctrl+C stops)',
                flush=True))
    except OSError as err:
        return refuse(f'cannot listen on {args.host}:{args.port}: {err}', 2)
    print('stopped; the review is saved in '
          f'{store.predictions_dir}/review/')
    return 0
