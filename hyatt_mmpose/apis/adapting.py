"""Adapting a trained model to a new site from a few annotated images, as
``tools/adapt.py`` does it.

Draws K images of the site's annotation file with a fixed seed (the rest
are held out, unless other files are given to hold out), and measures on
the held-out images:
1. before: the model as it is;
2. offsets: each landmark shifted by the site's mean offset, estimated on
   the K images (zero where not significant): ``site_offsets.json``, for
   ``tools/predict.py --site-offsets``;
3. fine-tuned: the model trained on the K images for a short schedule
   (``iters`` steps at ``lr``, the backbone at ``backbone_lr_mult`` of it,
   the config's augmentation; a refined model trains its refinement alone,
   its coarse stage and so its backbone frozen): ``adapted.pth``, with the
   record of what it was adapted on in its meta and in ``adapted.json``.
Their MRE, SDR and (for cephalograms) SCR, with the minutes each took, go to
``adaptation.json``; the draw is written as ``adapt_images.json`` and
(without files to hold out) ``held_out.json``, the file to recalibrate on at
the site. Held-out images that the base model was trained on, or that were
drawn to adapt on, are refused, compared by their pixels (a copy elsewhere
is the same image). Nothing is overwritten without ``overwrite``, which
first removes every output of an earlier run in the work dir.
"""
import copy
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

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
from ..utils.config_loading import load_config
from ..utils.overwrite_guard import check_outputs_free
from ..utils.safe_checkpoint import safe_torch_load
from .annotated_splits import (check_distinct, check_sizes, check_spacing,
                               check_unseen, image_digests, predict_split,
                               read_split, seen_images)
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
    refined = 'refiner' in ft.model
    if refined:
        # a refined model: its frozen coarse stage comes from the same file
        ft.model.coarse_checkpoint = checkpoint
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
    if not refined:
        # a refined model's backbone is frozen: no rate of its own, and
        # per-parameter groups would log each frozen weight as skipped
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


def adaptation_outputs(work_dir: str) -> Dict[str, str]:
    """Every file :func:`adapt` may write, by name (:data:`OUTPUTS`), in
    ``work_dir``."""
    return {name: osp.join(work_dir, name) for name in OUTPUTS}


def draw_site_images(
    cfg: Config,
    local_json: str,
    num_images: int,
    seed: int = 0,
    held_out: Optional[Sequence[str]] = None,
    data_root: Optional[str] = None
) -> Tuple[List[dict], Dict[str, List[dict]], List[dict]]:
    """Reads the site's images, checks them and draws the ones to adapt on.

    Args:
        cfg (Config): The model's config.
        local_json (str): The site's annotation file.
        num_images (int): K, the images to adapt on.
        seed (int): The seed of the draw.
        held_out (Sequence[str], optional): Annotation files to measure on;
            default the images of ``local_json`` not drawn.
        data_root (str, optional): The folder the image names are relative
            to; default the config's.

    Returns:
        tuple: the K images drawn, the held-out images by split name (a
        file's name without extension, or ``'held_out'``), and the images
        of ``local_json`` not drawn (as :func:`read_split` returns them).

    Raises:
        ValueError: If ``local_json`` has fewer than K images, an image
            without a pixel spacing or twice, or no image is left to hold
            out; or a held-out file has an image without a pixel spacing.
    """
    local, _ = read_split(cfg, local_json, data_root)
    check_spacing(local, local_json, 'site offsets and the '
                  'measurements are in mm')
    check_distinct(local, local_json)
    check_sizes(local, local_json)
    if len(local) < num_images:
        raise ValueError(f'{local_json}: {len(local)} images, fewer than '
                         f'--num-images {num_images}')
    parts = seeded_split(local, dict(adapt=num_images), seed, 'held_out')
    if held_out:
        splits = {
            osp.splitext(osp.basename(f))[0]: read_split(cfg, f, data_root)[0]
            for f in held_out
        }
        for f, infos in zip(held_out, splits.values()):
            check_spacing(infos, f, 'the measurements are in mm')
            check_sizes(infos, f)
    else:
        splits = {'held_out': parts['held_out']}
    if not any(splits.values()):
        raise ValueError(f'{local_json}: no image left to hold out; give '
                         '--held-out files or a smaller --num-images')
    return parts['adapt'], splits, parts['held_out']


def check_held_out(base_cfg: Config,
                   base: LandmarkPredictor,
                   checkpoint: str,
                   adapt_images: Sequence[dict],
                   held_out: Dict[str, List[dict]],
                   cfg_options: Optional[dict] = None) -> List[str]:
    """Refuses held-out images the base model was trained on, or that are
    adapted on: they would flatter every row (selection on val is allowed:
    it is mild).

    Args:
        base_cfg (Config): The base model's config.
        base (LandmarkPredictor): The base model.
        checkpoint (str): Its checkpoint.
        adapt_images (Sequence[dict]): The images drawn to adapt on.
        held_out (dict): The held-out images by split name.
        cfg_options (dict, optional): The user's overrides, applied to the
            config saved in an old checkpoint too (see
            :func:`seen_images`).

    Returns:
        list[str]: The pixel SHA-256 of each image drawn to adapt on.

    Raises:
        FileNotFoundError: If the base model's training data cannot be
            found for the check.
        ValueError: If a held-out image was trained or adapted on.
    """
    seen = seen_images(base_cfg, base.checkpoint_meta, checkpoint,
                       ('train_dataloader', ), cfg_options)
    adapt_sha256 = image_digests(adapt_images)
    seen.update(
        dict.fromkeys(adapt_sha256,
                      f'the {len(adapt_images)} images drawn to adapt on'))
    for split, infos in held_out.items():
        check_unseen(infos, seen, f'held-out {split}')
    return adapt_sha256


def measure_offsets(base: LandmarkPredictor, adapt_images: Sequence[dict],
                    held_out: Dict[str, List[dict]], alpha: float,
                    record: dict, path: str) -> dict:
    """Estimates the site's offsets on the images drawn, writes them to
    ``path``, and measures the base model with and without them on the
    held-out images.

    Args:
        base (LandmarkPredictor): The base model.
        adapt_images (Sequence[dict]): The images drawn to adapt on.
        held_out (dict): The held-out images by split name.
        alpha (float): The significance level below which an offset is
            kept.
        record (dict): What the offsets were estimated on, for their file.
        path (str): The offsets' file (``site_offsets.json``).

    Returns:
        dict: ``before`` and ``offsets``: each split's :func:`site_metrics`;
        ``minutes``: of each.
    """
    held_pred: Dict[str, np.ndarray] = {}
    start = time.time()
    for split, infos in held_out.items():
        held_pred[split] = predict_split(base, infos)['pred_px']
    minutes = dict(before=(time.time() - start) / 60)
    start = time.time()
    scored = predict_split(base, adapt_images)
    # a landmark the model found no peak for says nothing of the site's
    # systematic offset: left out as if not annotated
    gt_px = np.where(scored['no_peak'][..., None], np.nan, scored['gt_px'])
    offsets = SiteOffsets.estimate(scored['pred_px'], gt_px, scored['spacing'],
                                   base.names, alpha, record)
    offsets.save(path)
    minutes['offsets'] = (time.time() - start) / 60
    results = dict(before={}, offsets={}, minutes=minutes)
    for split, infos in held_out.items():
        shifted = np.stack([
            offsets.apply(p, i['pixel_spacing'])
            for p, i in zip(held_pred[split], infos)
        ])
        results['before'][split] = site_metrics(held_pred[split], infos,
                                                base.names)
        results['offsets'][split] = site_metrics(shifted, infos, base.names)
    return results


def finetune(cfg: Config, checkpoint: str, subset: str, work_dir: str,
             iters: int, lr: float, backbone_lr_mult: float, seed: int,
             record: dict) -> Tuple[str, str]:
    """Fine-tunes the checkpoint on the images of ``subset``
    (:func:`finetune_config`, in ``work_dir/finetune``), and writes
    ``adapted.pth`` (the last step, with ``record`` and the schedule in its
    ``meta['adaptation']``) and ``adapted.json`` (that record), each
    atomically.

    Args:
        cfg (Config): The base model's config.
        checkpoint (str): Its checkpoint.
        subset (str): The annotation file of the images to adapt on.
        work_dir (str): Where the outputs go.
        iters, lr, backbone_lr_mult, seed: The schedule (see
            :func:`finetune_config`).
        record (dict): What it is adapted on.

    Returns:
        tuple[str, str]: The paths of ``adapted.pth`` and
        ``adapted.json``.
    """
    outputs = adaptation_outputs(work_dir)
    schedule = dict(
        iters=iters,
        lr=lr,
        backbone_lr_mult=backbone_lr_mult,
        batch_size=cfg.train_dataloader.batch_size,
        augmentation=[t['type'] for t in cfg.train_pipeline])
    Runner.from_cfg(
        finetune_config(cfg, checkpoint, subset,
                        osp.join(work_dir, 'finetune'), iters, lr,
                        backbone_lr_mult, seed)).train()
    trained = safe_torch_load(
        osp.join(work_dir, 'finetune', f'iter_{iters}.pth'))
    adapted_record = dict(record, schedule=schedule)
    trained.setdefault('meta', {})['adaptation'] = adapted_record
    tmp = outputs['adapted.pth'] + '.tmp'
    torch.save(trained, tmp)
    os.replace(tmp, outputs['adapted.pth'])
    with atomic_write(outputs['adapted.json']) as f:
        json.dump(adapted_record, f, indent=1)
    return outputs['adapted.pth'], outputs['adapted.json']


def adapt(config: str,
          checkpoint: str,
          local_json: str,
          num_images: int,
          work_dir: str,
          held_out: Optional[Sequence[str]] = None,
          data_root: Optional[str] = None,
          site: Optional[str] = None,
          seed: int = 0,
          iters: int = 150,
          lr: float = 1e-4,
          backbone_lr_mult: float = 0.1,
          alpha: float = 0.05,
          offsets_only: bool = False,
          overwrite: bool = False,
          cfg_options: Optional[dict] = None,
          device: str = 'cpu') -> dict:
    """Adapts a checkpoint to a site and writes the outputs of
    ``tools/adapt.py`` to ``work_dir``.

    Draws K images of ``local_json`` with a fixed seed (the rest are held
    out, unless ``held_out`` names files), and measures on the held-out
    images: the model as it is (``before``); each landmark shifted by the
    site's mean offset, estimated on the K images (``offsets``,
    ``site_offsets.json``); the model fine-tuned on the K images
    (``fine-tuned``, ``adapted.pth`` and ``adapted.json``). The draw is
    written as ``adapt_images.json`` and, without ``held_out``,
    ``held_out.json``; the figures as ``adaptation.json``.

    Args:
        config (str): The base model's config.
        checkpoint (str): Its checkpoint.
        local_json (str): The site's annotated images.
        num_images (int): K, the images to adapt on.
        work_dir (str): Where the outputs go.
        held_out (Sequence[str], optional): Annotation files to measure on;
            default the images of ``local_json`` not drawn.
        data_root (str, optional): The folder the image names of
            ``local_json`` (and ``held_out``) are relative to; default the
            config's ``data_root``.
        site (str, optional): The site's name, for the records.
        seed (int): The seed of the draw and of the fine-tuning.
        iters (int): Fine-tuning steps.
        lr (float): Their learning rate.
        backbone_lr_mult (float): The backbone's share of it.
        alpha (float): The significance level below which an offset is
            kept.
        offsets_only (bool): Estimate and measure the offsets, do not
            fine-tune.
        overwrite (bool): Replace an earlier run's outputs, first removing
            all of them.
        cfg_options (dict, optional): Overrides of the config (as used in
            training).
        device (str): ``'cpu'`` or ``'cuda'``.

    Returns:
        dict: What ``adaptation.json`` holds: ``before``, ``offsets`` and
        (unless ``offsets_only``) ``fine-tuned``, each split name to its
        ``MRE``, ``SDR_<t>mm`` and, for cephalometric models,
        ``SCR_mean``; ``record``; ``minutes`` of each.

    Raises:
        FileExistsError: If an output exists, unless ``overwrite``.
        FileNotFoundError: If the base model's training data cannot be
            found for the leakage check.
        ValueError: If ``num_images`` is below 1, ``local_json`` has fewer
            than K images, an image without a pixel spacing or twice, or
            no image is left to hold out; or a held-out image (by content)
            was trained or adapted on. All before anything is written.
    """
    if num_images < 1:
        raise ValueError(f'--num-images must be 1 or more (the images to '
                         f'adapt on), got {num_images}')
    outputs = adaptation_outputs(work_dir)
    check_outputs_free(
        [outputs[n] for n in (OFFSET_OUTPUTS if offsets_only else OUTPUTS)],
        overwrite)
    base_cfg = load_config(config, cfg_options)
    cfg = copy.deepcopy(base_cfg)
    if data_root:
        cfg.train_dataloader.dataset.data_root = data_root
    adapt_images, held, rest = draw_site_images(cfg, local_json, num_images,
                                                seed, held_out, data_root)
    base = LandmarkPredictor(cfg, checkpoint, device)
    adapt_sha256 = check_held_out(base_cfg, base, checkpoint, adapt_images,
                                  held, cfg_options)
    os.makedirs(work_dir, exist_ok=True)
    if overwrite:
        # an earlier run's files (e.g. its held_out.json) must not stay
        # beside this run's as if they belonged to it
        for path in outputs.values():
            if osp.exists(path):
                os.remove(path)
    write_subset(local_json, [i['img_id'] for i in adapt_images],
                 outputs['adapt_images.json'])
    if not held_out:
        write_subset(local_json, [i['img_id'] for i in rest],
                     outputs['held_out.json'])
    record = dict(
        site=site or 'not named',
        base_checkpoint=checkpoint,
        base_checkpoint_sha256=base.checkpoint_sha256,
        config_sha256=base.config_sha256,
        config=config,
        local_json=local_json,
        seed=seed,
        images=[osp.realpath(i['img_path']) for i in adapt_images],
        image_sha256=adapt_sha256,
        image_ids=[int(i['img_id']) for i in adapt_images])
    results = measure_offsets(base, adapt_images, held, alpha, record,
                              outputs['site_offsets.json'])
    results['record'] = record
    if not offsets_only:
        start = time.time()
        adapted_path, _ = finetune(cfg, checkpoint,
                                   outputs['adapt_images.json'], work_dir,
                                   iters, lr, backbone_lr_mult, seed, record)
        results['minutes']['fine-tuned'] = (time.time() - start) / 60
        adapted = LandmarkPredictor(cfg, adapted_path, device)
        results['fine-tuned'] = {
            split:
            site_metrics(
                predict_split(adapted, infos)['pred_px'], infos, adapted.names)
            for split, infos in held.items()
        }
    with atomic_write(outputs['adaptation.json']) as f:
        json.dump(results, f, indent=1)
    return results
