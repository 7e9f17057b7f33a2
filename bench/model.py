"""Cost of whole models: parameters, FLOPs, training time per image and
inference latency per image, for HYATT-Net, the demo preset and the HRNet
baselines.

    python bench/model.py                       # the four configs, CPU
    python bench/model.py --configs configs/hyatt_cephalometric.py \\
        --variants plain with_cp compile
    python bench/model.py --device cuda

Each config runs at its own input size (HYATT-Net and both HRNets at
1024 x 1216, the demo preset at 128 x 128); ``--input-size W H`` sets one
for all. Training: forward, backward and an AdamW step on a batch of
``--batch`` images that went through the config's training pipeline (data
loading, done by workers in a real run, is left out), per image.
Inference: ``LandmarkPredictor.predict`` on a PNG file of ``--image-size``
at batch 1: reading, pipeline, model and decoding. Variants: ``with_cp``
recomputes the backbone's blocks in the backward pass; ``compile`` wraps
backbone, neck and head in ``torch.compile``. Each (config, variant) is
timed in one process and its peak memory taken in another
(bench/measure.py); times are medians of ``--repeats`` after one warm-up.
``--steps train`` or ``--steps infer`` measures one of the two. Timing
processes (and ``--profile``'s) run with tcmalloc preloaded where it is
found, as the tools run (``hyatt_mmpose_allocator.py``);
``--allocator system`` times them on glibc's allocator instead.

Rates: the multiply-adds a step does per second. A training step counts
three forward passes' worth (forward, and a backward of about twice that),
a prediction one forward pass per image, two with the config's flip test;
the prediction's time includes reading the PNG and decoding, so its rate is
end to end. Each rate is also given as a ratio to HRNet-W48's in the same
run, the convolutional network of comparable size.

    python bench/model.py --profile configs/hyatt_cephalometric.py --batch 1

prints the operators of one training step by their own CPU time (after a
warm-up step), which is where an optimisation should look.
"""
import argparse
import json
import os.path as osp
import subprocess
import sys
import tempfile

import cv2
import numpy as np
import torch
# bench/measure.py: Python looks for a script's imports in its own folder
# first.
from measure import (PeakMemory, add_allocator_argument, machine, median_ms,
                     run_worker_parts, timing_environ)

from hyatt_mmpose.analysis import summarise
from hyatt_mmpose.utils import atomic_write, input_size_of

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = [
    'configs/hyatt_cephalometric.py',
    'configs/hyatt_synthetic_demo.py',
    'configs/baselines/td-hm_hrnet-w32_isbi2015-1024x1216.py',
    'configs/baselines/td-hm_hrnet-w48_isbi2015-1024x1216.py',
]
VARIANTS = ('plain', 'with_cp', 'compile')
STEPS = ('train', 'infer')
# the reference of the rate ratios
REFERENCE = 'configs/baselines/td-hm_hrnet-w48_isbi2015-1024x1216.py'


def load_config(path, variant, input_size):
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    if input_size:
        set_input_size(cfg, input_size)
    if variant == 'with_cp':
        cfg.model.backbone.with_cp = True
    return cfg


def set_input_size(cfg, input_size):
    """Sets the input size in the codecs, the head and the pipelines, each
    heatmap keeping its stride."""
    codecs = cfg.codec if isinstance(cfg.codec, list) else [cfg.codec]
    w, h = input_size
    old_w, old_h = codecs[0]['input_size']
    for codec in codecs:
        hw, hh = codec['heatmap_size']
        codec['input_size'] = (w, h)
        codec['heatmap_size'] = (hw * w // old_w, hh * h // old_h)
    cfg.model.head.decoder = cfg.codec
    for split in ('train', 'val'):
        for t in cfg[f'{split}_dataloader'].dataset.pipeline:
            if t['type'] == 'TopdownAffine':
                t['input_size'] = (w, h)
            if t['type'] == 'GenerateTarget':
                t['encoder'] = cfg.codec


def grey_image(width, height):
    """A smooth grey image with some structure, as BGR uint8."""
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (height // 32 + 1, width // 32 + 1))
    img = cv2.resize(
        small.astype(np.uint8), (width, height), interpolation=cv2.INTER_CUBIC)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)


def compile_parts(model):
    for part in ('backbone', 'neck', 'head'):
        if getattr(model, part, None) is not None:
            setattr(model, part, torch.compile(getattr(model, part)))


def build_model(path, variant, args):
    """The config (at ``args.input_size`` if given) and its model."""
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS

    cfg = load_config(path, variant, args.input_size)
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    return cfg, MODELS.build(cfg.model).to(args.device)


def measure(path, variant, part, args):
    """Runs in a worker process: sizes and times (``part='time'``) or peak
    memories (``'memory'``, each after a warm-up run)."""
    cfg, model = build_model(path, variant, args)
    row = dict(input_size=list(input_size_of(cfg)))
    if part == 'time':
        row['params_m'] = sum(p.numel() for p in model.parameters()) / 1e6
        row['gmac'], row['refiner_gmac'] = (
            f / 1e9 for f in flops(cfg, input_size_of(cfg)))
        flip = cfg.model.get('test_cfg', {}).get('flip_test', False)
        row['forward_passes'] = 2 if flip else 1
    image = grey_image(*args.image_size)
    if 'train' in args.steps:
        row.update(train_cost(cfg, model, image, variant, part, args))
    if 'infer' in args.steps:
        row.update(inference_cost(cfg, model, image, variant, part, args))
    return row


def add_rates(rows):
    """Adds the multiply-add rates (GMAC/s) and their ratios to those of the
    reference's row of the same variant (or its plain row)."""
    for r in rows:
        if 'train_ms_per_img' in r:
            # a refined model's training step runs the refinement only
            trained = r.get('refiner_gmac') or r['gmac']
            r['train_gmac_s'] = 3 * trained / r['train_ms_per_img'] * 1e3
        if 'infer_ms' in r:
            # the flip test runs the coarse model twice, the refinement once
            refiner = r.get('refiner_gmac', 0)
            coarse = r['gmac'] - refiner
            r['infer_gmac_s'] = ((coarse * r['forward_passes'] + refiner) /
                                 r['infer_ms'] * 1e3)
    reference = {
        r['variant']: r
        for r in rows
        if osp.normpath(osp.join(REPO_ROOT, r['config'])) == osp.join(
            REPO_ROOT, REFERENCE)
    }
    for r in rows:
        ref = reference.get(r['variant'], reference.get('plain'))
        for key in ('train_gmac_s', 'infer_gmac_s'):
            if ref and key in r and key in ref:
                r[key.replace('gmac_s', 'vs_w48')] = r[key] / ref[key]


def train_cost(cfg, model, image, variant, part, args):
    """Time per image and peak memory of one training step."""
    from mmcv.transforms import Compose
    from mmengine.dataset import pseudo_collate
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from mmpose.registry import DATASETS

    dataset = cfg.train_dataloader.dataset
    metainfo = parse_pose_metainfo(
        dataset.get('metainfo') or DATASETS.get(dataset.type).METAINFO)
    height, width = image.shape[:2]
    num_keypoints = metainfo['num_keypoints']
    rng = np.random.default_rng(0)
    keypoints = rng.uniform((0.1 * width, 0.1 * height),
                            (0.9 * width, 0.9 * height),
                            (1, num_keypoints, 2)).astype(np.float32)
    pipeline = Compose(dataset.pipeline)
    samples = [
        pipeline(
            dict(
                img=image.copy(),
                img_path=None,
                bbox=np.array([[0, 0, width, height]], np.float32),
                bbox_score=np.ones(1, np.float32),
                keypoints=keypoints,
                keypoints_visible=np.ones((1, num_keypoints), np.float32),
                flip_indices=metainfo['flip_indices']))
        for _ in range(args.batch)
    ]
    data = model.data_preprocessor(pseudo_collate(samples), True)
    optimizer_cfg = cfg.optim_wrapper.optimizer
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=optimizer_cfg.get('lr', 1e-3),
        weight_decay=optimizer_cfg.get('weight_decay', 0.01))
    if variant == 'compile':
        compile_parts(model)
    model.train()

    def train_step():
        losses = model(**data, mode='loss')
        sum(v for k, v in losses.items() if 'loss' in k).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    if part == 'step':
        return train_step
    if part == 'time':
        ms = median_ms(train_step, args.device, args.repeats)
        return dict(train_ms_per_img=ms / args.batch)
    train_step()  # warm-up: optimizer state, one-time allocations
    with PeakMemory(args.device) as mem:
        train_step()
    return dict(train_peak_mib=mem.mib)


def inference_cost(cfg, model, image, variant, part, args):
    """Latency and peak memory of LandmarkPredictor on one PNG file."""
    from hyatt_mmpose.apis import LandmarkPredictor
    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = osp.join(tmp, 'model.pth')
        # the weights, under their names before torch.compile wrapped parts
        state = {
            k.replace('._orig_mod', ''): v
            for k, v in model.state_dict().items()
        }
        torch.save({'state_dict': state}, checkpoint)
        image_path = osp.join(tmp, 'radiograph.png')
        cv2.imwrite(image_path, image[..., 0])
        predictor = LandmarkPredictor(
            cfg, checkpoint, args.device, batch_size=1)
        if variant == 'compile':
            compile_parts(predictor.model)
        if part == 'time':
            return dict(
                infer_ms=median_ms(lambda: predictor.predict(image_path),
                                   args.device, args.repeats))
        predictor.predict(image_path)  # warm-up
        with PeakMemory(args.device) as mem:
            predictor.predict(image_path)
    return dict(infer_peak_mib=mem.mib)


def flops(cfg, input_size):
    """The model's multiply-adds, and those of its refinement stage (0
    without one)."""
    rows = dict((part, f) for part, _, f in summarise(cfg, input_size))
    return rows['total'], rows.get('refiner', 0)


COLUMNS = (  # key, title, format, scale
    ('params_m', 'params M', '.2f', 1),
    ('gmac', 'GMAC', '.1f', 1),
    ('train_ms_per_img', 'train s/img', '.2f', 1e-3),
    ('train_gmac_s', 'GMAC/s', '.1f', 1),
    ('train_vs_w48', 'x W48', '.2f', 1),
    ('train_peak_mib', 'train MiB', '.0f', 1),
    ('infer_ms', 'infer s', '.2f', 1e-3),
    ('infer_gmac_s', 'GMAC/s', '.1f', 1),
    ('infer_vs_w48', 'x W48', '.2f', 1),
    ('infer_peak_mib', 'infer MiB', '.0f', 1),
)


def print_table(rows):
    """A Markdown table of the measured columns (those some row has)."""
    columns = [c for c in COLUMNS if any(c[0] in r for r in rows)]
    print('| config | variant | input | ' + ' | '.join(c[1] for c in columns) +
          ' |')
    print('|---' * (3 + len(columns)) + '|')
    for r in rows:
        name = osp.splitext(osp.basename(r['config']))[0]
        if 'failed' in r:
            print(f"| {name} | {r['variant']} | {r['failed']} |")
            continue
        size = ' x '.join(str(s) for s in r['input_size'])
        cells = [
            format(r[key] * scale, fmt) if key in r else ''
            for key, _, fmt, scale in columns
        ]
        print(f"| {name} | {r['variant']} | {size} | " + ' | '.join(cells) +
              ' |')


def profile(path, args):
    """Prints one training step's operators by their own CPU time."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    cfg, model = build_model(path, 'plain', args)
    image = grey_image(*args.image_size)
    step = train_cost(cfg, model, image, 'plain', 'step', args)
    step()  # warm-up
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        step()
    print(prof.key_averages().table(
        sort_by='self_cpu_time_total', row_limit=args.profile_rows))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=CONFIGS)
    parser.add_argument(
        '--variants', nargs='+', default=['plain'], choices=VARIANTS)
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--batch',
        type=int,
        default=2,
        help='training batch (default 2, the published)')
    parser.add_argument(
        '--image-size',
        type=int,
        nargs=2,
        default=(1935, 2400),
        metavar=('W', 'H'),
        help='of the test radiograph (default: ISBI 2015)')
    parser.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'))
    parser.add_argument('--repeats', type=int, default=2)
    add_allocator_argument(parser)
    parser.add_argument(
        '--steps',
        nargs='+',
        default=list(STEPS),
        choices=STEPS,
        help='what to measure (default: both)')
    parser.add_argument(
        '--profile',
        metavar='CONFIG',
        help='print the operators of one training step of CONFIG instead')
    parser.add_argument('--profile-rows', type=int, default=25)
    parser.add_argument(
        '--out',
        help='JSON file '
        '(default bench/results/model-<device>.json)')
    parser.add_argument(
        '--worker',
        nargs=3,
        metavar=('CONFIG', 'VARIANT', 'PART'),
        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        path, variant, part = args.worker
        if part == 'profile':
            profile(path, args)
        else:
            print(json.dumps(measure(path, variant, part, args)))
        return
    args.allocator, time_environ = timing_environ(args.allocator)
    flags = []
    for flag in ('device', 'batch', 'repeats', 'image_size', 'input_size',
                 'steps', 'profile_rows'):
        value = getattr(args, flag)
        if value is not None:
            flags += [f"--{flag.replace('_', '-')}"
                      ] + [str(v) for v in np.atleast_1d(value)]
    if args.profile:  # a worker, in the timing environment
        sys.exit(
            subprocess.run(
                [
                    sys.executable, __file__, '--worker', args.profile,
                    'plain', 'profile'
                ] + flags,
                cwd=REPO_ROOT,
                env=time_environ).returncode)

    rows = []
    for path in args.configs:
        for variant in args.variants:
            measured, error = run_worker_parts(
                lambda part: [
                    sys.executable, __file__, '--worker', path, variant, part
                ] + flags,
                cwd=REPO_ROOT,
                time_environ=time_environ)
            row = dict(config=path, variant=variant)
            if error:
                row['failed'] = 'failed: ' + error
            else:
                row.update(measured)
            rows.append(row)
            print(json.dumps(row), flush=True)
    add_rates(rows)
    print(f'\ntimed with the {args.allocator} allocator')
    print_table(rows)
    out = args.out or f'bench/results/model-{args.device.split(":")[0]}.json'
    with atomic_write(out) as f:
        json.dump(
            dict(
                machine=machine(args.device),
                allocator=args.allocator,
                ld_preload=time_environ.get('LD_PRELOAD'),
                batch=args.batch,
                image_size=args.image_size,
                repeats=args.repeats,
                rows=rows),
            f,
            indent=2)
    print(f'written: {out}')


if __name__ == '__main__':
    main()
