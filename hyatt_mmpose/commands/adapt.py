"""Adapts a trained model to a new site from a few annotated images.

    python tools/adapt.py CONFIG CKPT LOCAL_JSON --num-images 10 \\
        --held-out test1.json test2.json --work-dir work_dirs/site_a
    python tools/adapt.py CONFIG CKPT LOCAL_JSON -k 5 --offsets-only \\
        --work-dir work_dirs/site_a --site "clinic A"

Draws K images of LOCAL_JSON with a fixed seed (the rest are held out,
unless --held-out names files), and measures on the held-out images:

1. before: the model as it is;
2. offsets: each landmark shifted by the site's mean offset, estimated on
   the K images (zero where not significant): ``site_offsets.json``, for
   ``tools/predict.py --site-offsets``;
3. fine-tuned: the model trained on the K images for a short schedule
   (``--iters`` steps at ``--lr``, the backbone at ``--backbone-lr-mult``
   of it, the config's augmentation): ``adapted.pth``, with the record of
   what it was adapted on in its meta and in ``adapted.json``.

Prints MRE, SDR and (for cephalograms) SCR of each, with the minutes each
took, and writes them to ``adaptation.json``; the draw is written as
``adapt_images.json`` and (without --held-out) ``held_out.json``, the file
to recalibrate on at the site. Held-out images that the base model was
trained on, or that were drawn to adapt on, are refused, compared by their
pixels (a copy elsewhere is the same image). Nothing is overwritten without
--overwrite, which first removes every output of an earlier run in the
work dir. The library: :func:`hyatt_mmpose.apis.adapt`.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

import numpy as np

from ..adaptation import SiteOffsets
from ..apis import adapt
from ..apis.adapting import OUTPUTS, adaptation_outputs
from ..utils import CheckpointMismatchError, UnsafeCheckpointError
from .common import add_run_options, model_parser, refuse

REFUSALS = (CheckpointMismatchError, FileExistsError, FileNotFoundError,
            UnsafeCheckpointError, ValueError)
THRESHOLDS_MM = (2.0, 2.5, 3.0, 4.0)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/adapt.py``."""
    parser = model_parser(__doc__)
    parser.add_argument('local_json', help='the site\'s annotated images')
    parser.add_argument('--num-images', '-k', type=int, required=True)
    parser.add_argument(
        '--held-out',
        nargs='+',
        help='annotation files to measure on (default: the images of '
        'LOCAL_JSON not drawn)')
    parser.add_argument(
        '--data-root',
        help='the folder the image names of LOCAL_JSON (and --held-out) '
        'are relative to; default the config\'s data_root')
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--site', help='the site\'s name, for the records')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--iters', type=int, default=150)
    parser.add_argument('--lr', type=float, default=1e-4)
    parser.add_argument(
        '--backbone-lr-mult',
        type=float,
        default=0.1,
        help='the backbone\'s share of --lr (none for a refined model, '
        'whose backbone is frozen)')
    parser.add_argument(
        '--alpha',
        type=float,
        default=0.05,
        help='significance level below which an offset is kept')
    parser.add_argument(
        '--offsets-only',
        action='store_true',
        help='estimate and measure the offsets, do not fine-tune')
    parser.add_argument('--overwrite', action='store_true')
    add_run_options(parser)
    return parser


def results_table(results: dict) -> str:
    """The lines printed for :func:`.adapt`'s results: a header, then per
    stage (before, offsets, fine-tuned) and split its MRE, SDR, SCR (for
    cephalometric models) and minutes."""
    with_scr = 'SCR_mean' in next(iter(results['before'].values()))
    lines = [
        f'{"":<12}{"split":<10}{"MRE":>7}' + ''.join(f'{"SDR" + str(t):>8}'
                                                     for t in THRESHOLDS_MM) +
        (f'{"SCR":>8}' if with_scr else '') + f'{"minutes":>9}'
    ]
    for label in ('before', 'offsets', 'fine-tuned'):
        for split, metrics in results.get(label, {}).items():
            lines.append(f'{label:<12}{split:<10}{metrics["MRE"]:>7.2f}' +
                         ''.join(f'{metrics[f"SDR_{t}mm"]:>8.2f}'
                                 for t in THRESHOLDS_MM) +
                         (f'{metrics["SCR_mean"]:>8.2f}' if with_scr else '') +
                         f'{results["minutes"][label]:>9.1f}')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/adapt.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 adapted; 1 refused before anything was
        written (an output that exists, too few images, an image without
        spacing or listed twice, a held-out image trained or adapted on;
        the message on stderr says why).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.num_images < 1:
        parser.error(f'--num-images must be 1 or more (the images to adapt '
                     f'on), got {args.num_images}')
    try:
        results = adapt(
            args.config,
            args.checkpoint,
            args.local_json,
            args.num_images,
            args.work_dir,
            held_out=args.held_out,
            data_root=args.data_root,
            site=args.site,
            seed=args.seed,
            iters=args.iters,
            lr=args.lr,
            backbone_lr_mult=args.backbone_lr_mult,
            alpha=args.alpha,
            offsets_only=args.offsets_only,
            overwrite=args.overwrite,
            cfg_options=args.cfg_options,
            device=args.device)
    except REFUSALS as err:
        return refuse(err)
    outputs = adaptation_outputs(args.work_dir)
    offsets = SiteOffsets.load(outputs['site_offsets.json']).offsets_mm
    kept = int(np.any(offsets != 0, axis=1).sum())
    print(f'K = {args.num_images} images of {args.local_json}; offsets kept '
          f'for {kept} of {len(offsets)} landmarks')
    print(results_table(results))
    print(f'written: {args.work_dir}/' +
          ', '.join(n for n in OUTPUTS if osp.exists(outputs[n])))
    return 0
