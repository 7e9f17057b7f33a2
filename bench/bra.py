"""Times BiLevelRoutingAttention and records its peak memory, against a
gather-then-attend version of the same computation and dense attention.

    python bench/bra.py                       # every size, CPU
    python bench/bra.py --device cuda --sizes hyatt-s1 no-pool-128

Each (size, variant) is timed in its own process, and its peak memory taken
in another (see bench/measure.py: the resident set on the CPU, the caching
allocator's peak on CUDA, above the level before the call). Forward is timed
without autograd (inference), forward+backward with it (training); each is
the median of ``--repeats`` runs after one warm-up. Prints a table and
writes JSON (default ``bench/results/bra-<device>.json``).
"""
import argparse
import json
import sys

import torch
# bench/gather_bra.py and bench/measure.py: Python looks for a script's
# imports in its own folder first.
from gather_bra import GatherThenAttend
from measure import PeakMemory, machine, median_ms, run_worker_parts

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
VARIANTS = ('ours', 'gather', 'dense')
# dense attention is run where its score matrix stays below this many
# multiply-adds (forward), about a minute on two CPU cores
DENSE_MAX_MACS = 2e11


def build(size, variant, device, batch):
    H, W, C, heads, n_win, topk, kv = SIZES[size]
    torch.manual_seed(0)
    bra = BiLevelRoutingAttention(C, heads, n_win, topk, kv).to(device)
    if variant == 'gather':
        module = GatherThenAttend(bra)
    elif variant == 'dense':
        module = BiLevelRoutingAttention(C, heads, 1, -1, None).to(device)
        module.load_state_dict(bra.state_dict())
    else:
        module = bra
    x = torch.randn(batch, C, H, W, device=device)
    return module, x


def dense_fits(size):
    H, W, C = SIZES[size][:3]
    return (H * W)**2 * C <= DENSE_MAX_MACS


def measure(size, variant, device, batch, repeats, part):
    """Runs in a worker process: times (``part='time'``) or peak memory
    (``'memory'``, after a warm-up) of forward and forward+backward."""
    module, x = build(size, variant, device, batch)

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


def max_difference(size, device, batch):
    """Largest difference of ours and gather: output, and input gradient."""
    ours, x = build(size, 'ours', device, batch)
    gather = GatherThenAttend(ours)
    results = []
    for module in (ours, gather):
        xg = x.detach().requires_grad_()
        out = module(xg)
        out.backward(torch.ones_like(out))
        results.append((out.detach(), xg.grad))
    return dict(
        max_abs_diff_out=(results[0][0] - results[1][0]).abs().max().item(),
        max_abs_diff_grad=(results[0][1] - results[1][1]).abs().max().item())


def print_table(rows):
    header = (f"{'size':<12} {'variant':<7} {'fwd ms':>9} {'fwd+bwd ms':>11} "
              f"{'fwd MiB':>9} {'fwd+bwd MiB':>12} {'speed-up':>9} "
              f"{'memory':>7}")
    print(header)
    print('-' * len(header))
    base = {r['size']: r for r in rows if r['variant'] == 'gather'}
    for r in rows:
        if 'skipped' in r:
            print(f"{r['size']:<12} {r['variant']:<7} {r['skipped']}")
            continue
        g = base.get(r['size'])
        speed = (f"{g['fwd_bwd_ms'] / r['fwd_bwd_ms']:.2f}x"
                 if g and 'fwd_bwd_ms' in g else '')
        memory = (f"{r['fwd_bwd_peak_mib'] / g['fwd_bwd_peak_mib']:.2f}"
                  if g and 'fwd_bwd_peak_mib' in g else '')
        print(f"{r['size']:<12} {r['variant']:<7} {r['fwd_ms']:>9.1f} "
              f"{r['fwd_bwd_ms']:>11.1f} {r['fwd_peak_mib']:>9.1f} "
              f"{r['fwd_bwd_peak_mib']:>12.1f} {speed:>9} {memory:>7}")
    print('speed-up and memory: against gather, forward+backward')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--sizes', nargs='+', default=list(SIZES), choices=list(SIZES))
    parser.add_argument(
        '--variants', nargs='+', default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=3)
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
                        part)))
        return

    rows = []
    for size in args.sizes:
        for variant in args.variants:
            row = dict(size=size, variant=variant)
            if variant == 'dense' and not dense_fits(size):
                row['skipped'] = 'skipped: score matrix too large'
            else:
                measured, error = run_worker_parts(lambda part: [
                    sys.executable, __file__, '--worker', size, variant, part,
                    '--device', args.device, '--batch',
                    str(args.batch), '--repeats',
                    str(args.repeats)
                ])
                if error:
                    row['skipped'] = 'failed: ' + error
                else:
                    row.update(measured)
            rows.append(row)
            print(json.dumps(row), flush=True)
        if {'ours', 'gather'} <= set(args.variants):
            rows.append(
                dict(
                    size=size,
                    variant='ours-vs-gather',
                    **max_difference(size, args.device, args.batch)))
            print(json.dumps(rows[-1]), flush=True)
    print()
    print_table([r for r in rows if r['variant'] in VARIANTS])
    out = args.out or f'bench/results/bra-{args.device.split(":")[0]}.json'
    report = dict(
        machine=machine(args.device),
        batch=args.batch,
        repeats=args.repeats,
        sizes=SIZES,
        rows=rows)
    with atomic_write(out) as f:
        json.dump(report, f, indent=2)
    print(f'written: {out}')


if __name__ == '__main__':
    main()
