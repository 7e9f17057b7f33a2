"""Converts the Aariz release layout to hyatt_mmpose's JSON.

    python tools/dataset_converters/aariz.py data/aariz

Reads ``{Train,Valid,Test}/Cephalograms/<id>.<ext>`` and
``{Train,Valid,Test}/Annotations/Cephalometric Landmarks/{Senior,Junior}
Orthodontists/<id>.json`` (``landmarks[i].value.x/y`` in pixels, in the
release's landmark order). Ground truth is the senior, the junior or (by
default) their mean. The pixel spacing is the release's: the per-image pixel
size column of ``cephalogram_machine_mappings.csv`` at the root (or
``--spacing-csv``). Writes train, val and test JSON.
"""
import argparse
import sys

from hyatt_mmpose.datasets.converters import (ConversionError, convert_aariz,
                                              format_counts)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('root')
    parser.add_argument('--out-dir', help='default: ROOT/annotations')
    parser.add_argument(
        '--ground-truth', default='mean', choices=['mean', 'senior', 'junior'])
    parser.add_argument(
        '--spacing-csv', help='default: ROOT/cephalogram_machine_mappings.csv')
    parser.add_argument('--skip-bad', action='store_true')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        counts = convert_aariz(args.root, args.out_dir, args.ground_truth,
                               args.spacing_csv, args.skip_bad, args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    print(format_counts(counts))


if __name__ == '__main__':
    main()
