"""Converts the CL-Detection 2023 training data to hyatt_mmpose's JSON.

    python tools/dataset_converters/cldetection2023.py \\
        train_stack.mha train-gt.json data/cldetection2023

The challenge ships its images as one stacked MetaImage volume (N images of
H x W x 3, zero-padded to a common size) and its 38 landmarks in
``train-gt.json``: ``points`` entries with ``point: [x, y, slice]`` (slices
numbered from 1) and the image's pixel spacing as ``scale``. Each slice is
written as ``images/<slice>.png`` with its zero padding cropped (the
landmarks are measured from the top-left corner, so they do not move), and
train, val and test JSON are written with a seeded split.
"""
import argparse
import sys

from hyatt_mmpose.datasets.converters import (ConversionError,
                                              convert_cldetection2023,
                                              format_counts)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('stack', help='train_stack.mha')
    parser.add_argument('gt_json', help='train-gt.json')
    parser.add_argument('out_root', help='images/ and annotations/ go here')
    parser.add_argument('--val-size', type=int, default=50)
    parser.add_argument('--test-size', type=int, default=50)
    parser.add_argument('--seed', type=int, default=2023)
    parser.add_argument('--skip-bad', action='store_true')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        counts = convert_cldetection2023(args.stack, args.gt_json,
                                         args.out_root, args.val_size,
                                         args.test_size, args.seed,
                                         args.skip_bad, args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    print(format_counts(counts))


if __name__ == '__main__':
    main()
