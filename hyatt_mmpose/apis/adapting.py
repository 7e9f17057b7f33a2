"""Adapting a trained model to a new site from a few annotated images.

    python tools/adapt.py CONFIG CKPT LOCAL_JSON --num-images 10 \\
        --held-out test1.json test2.json --work-dir work_dirs/site_a

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
work dir.
"""
import copy
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from ..adaptation import SiteOffsets
from ..analysis import classify, landmark_indices, measure
from ..analysis.cephalometry import MEASUREMENTS, NUM_CLASSES
from ..datasets.converters import read_json, seeded_split
from ..evaluation.functional import balanced_recall, landmark_errors, mre_sdr
from ..utils.atomic_write import atomic_write
from ..utils.overwrite_guard import check_outputs_free
from ..utils.safe_checkpoint import safe_torch_load
from .annotated_splits import (check_distinct, check_spacing, check_unseen,
                               image_digests, predict_split, read_split,
                               seen_images)
from .command_line import add_run_options, load_config, model_parser
from .landmark_predictor import LandmarkPredictor

# adapt_images.json and held_out.json: the draw, as annotation files (the
# latter for tools/calibrate.py --ann-file at the site)
OFFSET_OUTPUTS = ('site_offsets.json', 'adaptation.json', 'adapt_images.json',
                  'held_out.json')
OUTPUTS = OFFSET_OUTPUTS + ('adapted.pth', 'adapted.json')


def site_metrics(pred_px: np.ndarray, infos: Sequence[dict],
                 names: Sequence[str]) -> Dict[str, float]:
    """MRE, SDR at 2/2.5/3/4 mm and, for models with the cephalometric
    landmarks, the mean SCR of the eight measurements.

    Args:
        pred_px (np.ndarray): ``(n, K, 2)`` predicted landmarks.
        infos (Sequence[dict]): Their ground truth (:func:`read_split`).
        names (Sequence[str]): The landmark names.

    Returns:
        dict: ``MRE``, ``SDR_{t}mm`` and maybe ``SCR_mean`` (in %).
    """
    spacing = np.stack([i['pixel_spacing'] for i in infos])
    errors = np.stack([
        landmark_errors(p, i['keypoints'], i['visible'], s)
        for p, i, s in zip(pred_px, infos, spacing)
    ])
    metrics = mre_sdr(errors, (2.0, 2.5, 3.0, 4.0))
    try:
        landmark_indices(names)
    except ValueError:
        return metrics
    truth = classify(
        measure(np.stack([i['keypoints'] for i in infos]), spacing, names))
    pred = classify(measure(pred_px, spacing, names))
    metrics['SCR_mean'] = float(
        np.mean([
            balanced_recall(truth[m], pred[m], NUM_CLASSES[m])
            for m in MEASUREMENTS
        ]))
    return metrics


def write_subset(ann_file: str, img_ids: Sequence[int], path: str) -> None:
    """Writes the images ``img_ids`` of a COCO file (with their
    annotations) to ``path``, atomically, keeping its ``info``."""
    doc = read_json(ann_file, 'annotation file')
    keep = set(int(i) for i in img_ids)
    subset = dict(
        doc,
        images=[i for i in doc['images'] if i['id'] in keep],
        annotations=[a for a in doc['annotations'] if a['image_id'] in keep])
    with atomic_write(path) as f:
        json.dump(subset, f)


def finetune_config(cfg: Config, checkpoint: str, ann_file: str, work_dir: str,
                    iters: int, lr: float, backbone_lr_mult: float,
                    seed: int) -> Config:
    """The config's training, from ``checkpoint``, on ``ann_file``, for
    ``iters`` steps at a constant ``lr`` (after a tenth of them warming
    up), without validation, saving only the last step."""
    ft = copy.deepcopy(cfg)
    ft.work_dir = work_dir
    ft.load_from = checkpoint
    ft.resume = False
    ft.train_dataloader.dataset.ann_file = osp.abspath(ann_file)
    ft.train_dataloader.sampler = dict(type='InfiniteSampler', shuffle=True)
    # workers that end with this process (hyatt_mmpose.utils.worker_death)
    ft.train_dataloader.setdefault('worker_init_fn',
                                   dict(type='parent_bound_worker_init'))
    ft.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=iters, val_interval=iters + 1)
    ft.val_dataloader = ft.val_cfg = ft.val_evaluator = None
    ft.test_dataloader = ft.test_cfg = ft.test_evaluator = None
    ft.optim_wrapper.optimizer.lr = lr
    ft.optim_wrapper.paramwise_cfg = dict(
        custom_keys=dict(
            backbone=dict(lr_mult=backbone_lr_mult, decay_mult=1.0)))
    ft.auto_scale_lr = None
    warmup = max(1, iters // 10)
    ft.param_scheduler = [
        dict(
            type='LinearLR',
            start_factor=0.1,
            by_epoch=False,
            begin=0,
            end=warmup)
    ]
    ft.default_hooks.checkpoint = dict(
        type='WorkDirCheckpointHook',
        by_epoch=False,
        interval=iters,
        max_keep_ckpts=1)
    ft.default_hooks.logger = dict(
        type='LoggerHook', interval=10, log_metric_by_epoch=False)
    ft.log_processor = dict(by_epoch=False)
    ft.custom_hooks = [
        h for h in ft.get('custom_hooks', [])
        if h['type'] in ('SyncBuffersHook', 'SeenImagesHook')
    ]
    ft.randomness = dict(seed=seed)
    return ft


def _row(label: str, split: str, metrics: dict, minutes: float) -> str:
    scr = f'{metrics["SCR_mean"]:>8.2f}' if 'SCR_mean' in metrics else ''
    return (f'{label:<12}{split:<10}{metrics["MRE"]:>7.2f}' +
            ''.join(f'{metrics[f"SDR_{t}mm"]:>8.2f}'
                    for t in (2.0, 2.5, 3.0, 4.0)) + scr + f'{minutes:>9.1f}')


def main(argv: Optional[Sequence[str]] = None) -> dict:
    """``tools/adapt.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        dict: What ``adaptation.json`` holds.

    Raises:
        FileExistsError: If an output exists, unless ``--overwrite``.
        FileNotFoundError: If the base model's training data cannot be
            found for the leakage check.
        ValueError: If LOCAL_JSON has fewer than K images, an image
            without a pixel spacing or twice, or no image is left to hold
            out; or a held-out image (by content) was trained or adapted
            on. All before anything is written.
    """
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
    parser.add_argument('--backbone-lr-mult', type=float, default=0.1)
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
    args = parser.parse_args(argv)
    if args.num_images < 1:
        parser.error(f'--num-images must be 1 or more (the images to adapt '
                     f'on), got {args.num_images}')
    outputs = {name: osp.join(args.work_dir, name) for name in OUTPUTS}
    check_outputs_free([
        outputs[n] for n in (OFFSET_OUTPUTS if args.offsets_only else OUTPUTS)
    ], args.overwrite)
    base_cfg = load_config(args)
    cfg = copy.deepcopy(base_cfg)
    if args.data_root:
        cfg.train_dataloader.dataset.data_root = args.data_root
    local, _ = read_split(cfg, args.local_json, args.data_root)
    check_spacing(local, args.local_json, 'site offsets and the '
                  'measurements are in mm')
    check_distinct(local, args.local_json)
    if len(local) < args.num_images:
        raise ValueError(f'{args.local_json}: {len(local)} images, fewer '
                         f'than --num-images {args.num_images}')
    parts = seeded_split(local, dict(adapt=args.num_images), args.seed,
                         'held_out')
    adapt = parts['adapt']
    if args.held_out:
        held_out = {
            osp.splitext(osp.basename(f))[0]:
            read_split(cfg, f, args.data_root)[0]
            for f in args.held_out
        }
        for f, infos in zip(args.held_out, held_out.values()):
            check_spacing(infos, f, 'the measurements are in mm')
    else:
        held_out = {'held_out': parts['held_out']}
    if not any(held_out.values()):
        raise ValueError(f'{args.local_json}: no image left to hold out; '
                         'give --held-out files or a smaller --num-images')
    base = LandmarkPredictor(cfg, args.checkpoint, args.device)
    # held-out images the base model trained on, or that are adapted on,
    # would flatter every row (selection on val is allowed: it is mild)
    seen = seen_images(base_cfg, base.checkpoint_meta, args.checkpoint,
                       ('train_dataloader', ))
    adapt_sha256 = image_digests(adapt)
    seen.update(
        dict.fromkeys(adapt_sha256,
                      f'the {args.num_images} images drawn to adapt on'))
    for split, infos in held_out.items():
        check_unseen(infos, seen, f'held-out {split}')
    os.makedirs(args.work_dir, exist_ok=True)
    if args.overwrite:
        # an earlier run's files (e.g. its held_out.json) must not stay
        # beside this run's as if they belonged to it
        for path in outputs.values():
            if osp.exists(path):
                os.remove(path)
    write_subset(args.local_json, [i['img_id'] for i in adapt],
                 outputs['adapt_images.json'])
    if not args.held_out:
        write_subset(args.local_json, [i['img_id'] for i in parts['held_out']],
                     outputs['held_out.json'])
    record = dict(
        site=args.site or 'not named',
        base_checkpoint=args.checkpoint,
        base_checkpoint_sha256=base.checkpoint_sha256,
        config=args.config,
        local_json=args.local_json,
        seed=args.seed,
        images=[osp.realpath(i['img_path']) for i in adapt],
        image_sha256=adapt_sha256,
        image_ids=[int(i['img_id']) for i in adapt])

    held_pred: Dict[str, np.ndarray] = {}
    start = time.time()
    for split, infos in held_out.items():
        held_pred[split] = predict_split(base, infos)['pred_px']
    minutes = dict(before=(time.time() - start) / 60)

    start = time.time()
    scored = predict_split(base, adapt)
    # a landmark the model found no peak for says nothing of the site's
    # systematic offset: left out as if not annotated
    gt_px = np.where(scored['no_peak'][..., None], np.nan, scored['gt_px'])
    offsets = SiteOffsets.estimate(scored['pred_px'], gt_px, scored['spacing'],
                                   base.names, args.alpha, record)
    offsets.save(outputs['site_offsets.json'])
    minutes['offsets'] = (time.time() - start) / 60
    results = dict(before={}, offsets={}, record=record, minutes=minutes)
    for split, infos in held_out.items():
        shifted = np.stack([
            offsets.apply(p, i['pixel_spacing'])
            for p, i in zip(held_pred[split], infos)
        ])
        results['before'][split] = site_metrics(held_pred[split], infos,
                                                base.names)
        results['offsets'][split] = site_metrics(shifted, infos, base.names)

    if not args.offsets_only:
        start = time.time()
        subset = outputs['adapt_images.json']
        schedule = dict(
            iters=args.iters,
            lr=args.lr,
            backbone_lr_mult=args.backbone_lr_mult,
            batch_size=cfg.train_dataloader.batch_size,
            augmentation=[t['type'] for t in cfg.train_pipeline])
        Runner.from_cfg(
            finetune_config(cfg, args.checkpoint, subset,
                            osp.join(args.work_dir,
                                     'finetune'), args.iters, args.lr,
                            args.backbone_lr_mult, args.seed)).train()
        trained = safe_torch_load(
            osp.join(args.work_dir, 'finetune', f'iter_{args.iters}.pth'))
        adapted_record = dict(record, schedule=schedule)
        trained.setdefault('meta', {})['adaptation'] = adapted_record
        tmp = outputs['adapted.pth'] + '.tmp'
        torch.save(trained, tmp)
        os.replace(tmp, outputs['adapted.pth'])
        with atomic_write(outputs['adapted.json']) as f:
            json.dump(adapted_record, f, indent=1)
        minutes['fine-tuned'] = (time.time() - start) / 60
        adapted = LandmarkPredictor(cfg, outputs['adapted.pth'], args.device)
        results['fine-tuned'] = {
            split:
            site_metrics(
                predict_split(adapted, infos)['pred_px'], infos, adapted.names)
            for split, infos in held_out.items()
        }

    with atomic_write(outputs['adaptation.json']) as f:
        json.dump(results, f, indent=1)
    kept = int(np.any(offsets.offsets_mm != 0, axis=1).sum())
    print(f'K = {args.num_images} images of {args.local_json}; offsets kept '
          f'for {kept} of {len(base.names)} landmarks')
    print(f'{"":<12}{"split":<10}{"MRE":>7}' +
          ''.join(f'{"SDR" + str(t):>8}' for t in (2.0, 2.5, 3.0, 4.0)) +
          (f'{"SCR":>8}' if 'SCR_mean' in
           next(iter(results['before'].values())) else '') + f'{"minutes":>9}')
    rows: List[str] = []
    for label in ('before', 'offsets', 'fine-tuned'):
        for split, metrics in results.get(label, {}).items():
            rows.append(_row(label, split, metrics, minutes[label]))
    print('\n'.join(rows))
    print(f'written: {args.work_dir}/' +
          ', '.join(n for n in OUTPUTS if osp.exists(outputs[n])))
    return results
