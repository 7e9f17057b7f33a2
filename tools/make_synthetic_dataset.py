"""Writes the synthetic landmark set (radiograph-like images, 19 landmarks).

    python tools/make_synthetic_dataset.py data/synthetic

Deterministic from --seed; 200 images of 256 x 256 pixels take seconds.
"""
import argparse
import sys
import time

from hyatt_mmpose.datasets.synthetic import make_synthetic_dataset


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir', nargs='?', default='data/synthetic')
    parser.add_argument('--train', type=int, default=160)
    parser.add_argument('--val', type=int, default=20)
    parser.add_argument('--test', type=int, default=20)
    parser.add_argument(
        '--size', type=int, default=256, help='image side in pixels')
    parser.add_argument(
        '--spacing',
        type=float,
        default=0.5,
        help='pixel spacing, mm per pixel')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    start = time.time()
    try:
        files = make_synthetic_dataset(
            args.out_dir,
            splits=(('train', args.train), ('val', args.val), ('test',
                                                               args.test)),
            size=args.size,
            pixel_spacing=args.spacing,
            seed=args.seed,
            overwrite=args.overwrite)
    except FileExistsError as err:
        sys.exit(f'error: {err}')
    total = args.train + args.val + args.test
    print(f'wrote {total} images and {", ".join(files)} in '
          f'{time.time() - start:.1f} s')


if __name__ == '__main__':
    main()
