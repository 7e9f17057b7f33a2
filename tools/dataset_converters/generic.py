"""Converts a folder of images plus a landmark CSV: a user's own data.

    python tools/dataset_converters/generic.py IMAGE_DIR LANDMARKS.csv \\
        --out data/mine/annotations/train.json

The CSV has a header and rows ``image,x1,y1,...,xK,yK[,spacing]``: the image
file name relative to IMAGE_DIR, K landmarks in pixels and, optionally, the
pixel spacing in mm. Next to the JSON it writes a metainfo file for
``LandmarkDataset(metainfo=dict(from_file=...))`` naming the landmarks as the
header does (x1 -> landmark 1 unless the header says ``<name>_x``).
"""
import argparse
import sys

from hyatt_mmpose.datasets.converters import ConversionError, convert_generic


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('image_dir')
    parser.add_argument('csv')
    parser.add_argument('--out', required=True, help='the JSON to write')
    parser.add_argument('--skip-bad', action='store_true')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        count = convert_generic(args.image_dir, args.csv, args.out,
                                args.skip_bad, args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    print(f'{count} images written to {args.out} (data_root: '
          f'{args.image_dir})')


if __name__ == '__main__':
    main()
