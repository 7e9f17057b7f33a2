"""Times BiLevelRoutingAttention and records its peak memory, against a
gather-then-attend version of the same computation, dense attention and,
given a checkout of the official BiFormer code, the official BRA.

    python bench/bra.py                       # every size, CPU
    python bench/bra.py --device cuda --sizes hyatt-s1 no-pool-128
    git clone https://github.com/rayleizhu/BiFormer ../BiFormer
    python bench/bra.py --official ../BiFormer --sizes hyatt-s1

Each (size, variant) is timed in its own process, and its peak memory taken
in another (see bench/measure.py: the resident set on the CPU, the caching
allocator's peak on CUDA, above the level before the call). Forward is timed
without autograd (inference), forward+backward with it (training); each is
the median of ``--repeats`` runs after one warm-up. Prints a table and
writes JSON (default ``bench/results/bra-<device>.json``).

Every variant gets the input in the memory layout its network gives it:
channels last (NHWC), as an NCHW view for ours, gather and dense.
``--official PATH`` adds the variant ``official``: ``ops/bra_legacy.py`` of
that checkout, on our weights and settings (bench/official_bra.py); where
the map divides into regions the report also gives the largest difference
of its output and input gradient from ours. Timing processes run with
tcmalloc preloaded where it is found, as the tools run; ``--allocator
system`` times them on glibc's allocator.
"""
import argparse
import json
import sys

import torch
# bench/gather_bra.py and bench/measure.py: Python looks for a script's
# imports in its own folder first.
from gather_bra import GatherThenAttend
from measure import (PeakMemory, add_allocator_argument, machine, median_ms,
                     run_worker_parts, timing_environ)
from official_bra import OfficialBRA, load_official_class

from hyatt_mmpose.models.utils import BiLevelRoutingAttention
from hyatt_mmpose.utils import atomic_write

# name: (H, W, channels, heads, n_win, topk, kv_per_win); heads of width 32
SIZES = {
    # HYATT-Net's BiFormer stages at its 1024 x 1216 input
    'hyatt-s1': (608, 512, 64, 2, 16, 1, 4),
    'hyatt-s2': (304, 256, 128, 4, 16, 4, 4),
    'hyatt-s3': (152, 128, 320, 10, 16, 8, 4),
    'hyatt-s4': (76, 64, 512, 16, 8, 16, 4),
    'hyatt-s5': (38, 32, 1024, 32, 8, -1, 4),
    # the ImageNet BiFormer's first stage (224 x 224 input)
    'imagenet-s1': (56, 56, 64, 2, 7, 1, None),
    # no kv pooling: the K/V copy per routed region dominates
    'no-pool-128': (128, 128, 128, 4, 8, 4, None),
}
VARIANTS = ('ours', 'gather', 'official', 'dense')
# what speed-up and memory are given against
BASELINES = ('gather', 'official')
# dense attention is run where its score matrix stays below this many
# multiply-adds (forward), about a minute on two CPU cores
DENSE_MAX_MACS = 2e11


def build(size, variant, device, batch, official=None):
    """The module and its input (NCHW; NHWC for ``official``, the checkout
    path given in ``official``)."""
    H, W, C, heads, n_win, topk, kv = SIZES[size]
    torch.manual_seed(0)
    bra = BiLevelRoutingAttention(C, heads, n_win, topk, kv).to(device)
    # the layout each gets inside its network: BiFormerBlock hands our BRA
    # its LayerNorm's channels-last output as an NCHW view, the official
    # block hands its BRA the NHWC tensor itself
    x = torch.randn(batch, H, W, C, device=device).permute(0, 3, 1, 2)
    if variant == 'gather':
        module = GatherThenAttend(bra)
    elif variant == 'official':
        module = OfficialBRA(bra, load_official_class(official)).to(device)
        x = x.permute(0, 2, 3, 1)
    elif variant == 'dense':
        module = BiLevelRoutingAttention(C, heads, 1, -1, None).to(device)
        module.load_state_dict(bra.state_dict())
    else:
        module = bra
    return module, x


def dense_fits(size):
    H, W, C = SIZES[size][:3]
    return (H * W)**2 * C <= DENSE_MAX_MACS


def measure(size, variant, device, batch, repeats, part, official=None):
    """Runs in a worker process: times (``part='time'``) or peak memory
    (``'memory'``, after a warm-up) of forward and forward+backward."""
    module, x = build(size, variant, device, batch, official)

    def forward():
        with torch.no_grad():
            module(x)

    def forward_backward():
        xg = x.detach().requires_grad_()
        module(xg).sum().backward()
        module.zero_grad(set_to_none=True)

    if part == 'time':
        return dict(
            fwd_ms=median_ms(forward, device, repeats),
            fwd_bwd_ms=median_ms(forward_backward, device, repeats))
    forward_backward()  # one-time allocations (thread pools, caches)
    with PeakMemory(device) as fwd:
        forward()
    with PeakMemory(device) as fwd_bwd:
        forward_backward()
    return dict(fwd_peak_mib=fwd.mib, fwd_bwd_peak_mib=fwd_bwd.mib)


def max_difference(size, device, batch, other, official=None):
    """Largest difference of ours and ``other`` ('gather' or 'official'):
    output, and input gradient."""
    ours, x = build(size, 'ours', device, batch)
    if other == 'gather':
        module = GatherThenAttend(ours)
    else:
        module = OfficialBRA(ours, load_official_class(official)).to(device)
    results = []
    for m, nhwc in ((ours, False), (module, other == 'official')):
        xg = x.detach().requires_grad_()
        out = m(xg.permute(0, 2, 3, 1) if nhwc else xg)
        if nhwc:
            out = out.permute(0, 3, 1, 2)
        out.backward(torch.ones_like(out))
        results.append((out.detach(), xg.grad))
    return dict(
        max_abs_diff_out=(results[0][0] - results[1][0]).abs().max().item(),
        max_abs_diff_grad=(results[0][1] - results[1][1]).abs().max().item())


def divides(size):
    H, W, _, _, n_win = SIZES[size][:5]
    return H % n_win == 0 and W % n_win == 0


def print_table(rows):
    """A Markdown table; speed-up and memory (forward+backward) against
    each baseline measured at the same size."""
    baselines = [
        b for b in BASELINES
        if any(r['variant'] == b and 'skipped' not in r for r in rows)
    ]
    print('| size | variant | fwd ms | fwd+bwd ms | fwd MiB | fwd+bwd MiB | ' +
          ''.join(f'speed-up vs {b} | memory vs {b} | '
                  for b in baselines).rstrip())
    print('|---' * (6 + 2 * len(baselines)) + '|')
    measured = {
        (r['size'], r['variant']): r
        for r in rows if 'skipped' not in r
    }
    for r in rows:
        if 'skipped' in r:
            print(f"| {r['size']} | {r['variant']} | {r['skipped']} |")
            continue
        cells = [
            f"{r['fwd_ms']:.1f}", f"{r['fwd_bwd_ms']:.1f}",
            f"{r['fwd_peak_mib']:.0f}", f"{r['fwd_bwd_peak_mib']:.0f}"
        ]
        for b in baselines:
            base = measured.get((r['size'], b))
            cells += [
                f"{base['fwd_bwd_ms'] / r['fwd_bwd_ms']:.2f}x" if base else '',
                f"{r['fwd_bwd_peak_mib'] / base['fwd_bwd_peak_mib']:.2f}"
                if base else ''
            ]
        print(f"| {r['size']} | {r['variant']} | " + ' | '.join(cells) + ' |')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--sizes', nargs='+', default=list(SIZES), choices=list(SIZES))
    parser.add_argument(
        '--variants',
        nargs='+',
        default=['ours', 'gather', 'dense'],
        choices=VARIANTS,
        help='official is added by --official')
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument(
        '--official',
        metavar='PATH',
        help='a checkout of rayleizhu/BiFormer: adds its BRA as a variant')
    add_allocator_argument(parser)
    parser.add_argument(
        '--out', help='JSON file '
        '(default bench/results/bra-<device>.json)')
    parser.add_argument(
        '--worker',
        nargs=3,
        metavar=('SIZE', 'VARIANT', 'PART'),
        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        size, variant, part = args.worker
        print(
            json.dumps(
                measure(size, variant, args.device, args.batch, args.repeats,
                        part, args.official)))
        return
    variants = list(args.variants)
    if 'official' in variants and not args.official:
        parser.error('--variants official needs --official PATH')
    if args.official:
        try:  # fails here, not in a worker
            load_official_class(args.official)
        except (FileNotFoundError, ModuleNotFoundError) as e:
            parser.error(str(e))
        if 'official' not in variants:
            variants.append('official')

    official = ['--official', args.official] if args.official else []
    args.allocator, time_environ = timing_environ(args.allocator)
    rows = []
    for size in args.sizes:
        for variant in variants:
            row = dict(size=size, variant=variant)
            if variant == 'dense' and not dense_fits(size):
                row['skipped'] = 'skipped: score matrix too large'
            else:
                measured, error = run_worker_parts(
                    lambda part: [
                        sys.executable, __file__, '--worker', size, variant,
                        part, '--device', args.device, '--batch',
                        str(args.batch), '--repeats',
                        str(args.repeats)
                    ] + official,
                    time_environ=time_environ)
                if error:
                    row['skipped'] = 'failed: ' + error
                else:
                    row.update(measured)
            rows.append(row)
            print(json.dumps(row), flush=True)
        for other in BASELINES:
            if {'ours', other} <= set(variants) and (other == 'gather'
                                                     or divides(size)):
                rows.append(
                    dict(
                        size=size,
                        variant=f'ours-vs-{other}',
                        **max_difference(size, args.device, args.batch, other,
                                         args.official)))
                print(json.dumps(rows[-1]), flush=True)
    print(f'\ntimed with the {args.allocator} allocator')
    print_table([r for r in rows if r['variant'] in VARIANTS])
    out = args.out or f'bench/results/bra-{args.device.split(":")[0]}.json'
    report = dict(
        machine=machine(args.device),
        allocator=args.allocator,
        ld_preload=time_environ.get('LD_PRELOAD'),
        batch=args.batch,
        repeats=args.repeats,
        official=args.official,
        sizes=SIZES,
        rows=rows)
    with atomic_write(out) as f:
        json.dump(report, f, indent=2)
    print(f'written: {out}')


if __name__ == '__main__':
    main()
