"""Converts Digital Hand Atlas radiographs and the 37-landmark CSV.

    python tools/dataset_converters/hand.py data/hand_xray

Reads ``images/<id>.<any extension>`` and ``all.csv`` (rows of
``id,x0,y0,...,x36,y36`` in pixels, no header). CSV rows whose image is
absent are reported and left out; the rest are split into train, val and
test, either at random from ``--seed`` or from id lists (one id per line).
The images carry no pixel spacing: evaluate in mm with
``RadialErrorMetric(reference_distance=dict(landmarks=(0, 4), mm=50.0))``.
"""
import argparse
import glob
import os.path as osp
import sys

import numpy as np

from hyatt_mmpose.datasets.conversion import (ConversionError, LandmarkRecord,
                                              check_outputs_free,
                                              read_csv_rows, read_lines,
                                              report_skipped, to_number,
                                              validate, write_split)
from hyatt_mmpose.datasets.metainfo import landmark_names

NUM_LANDMARKS = 37
SPLITS = ('train', 'val', 'test')


def read_csv(path: str):
    """Rows as (id, (37, 2) points, 'file:line')."""
    rows = []
    for line_no, row in read_csv_rows(path, 'landmark CSV'):
        where = f'{path}:{line_no}'
        img_id = to_number(row[0], where, 'id (first column)', integer=True)
        values = np.array([
            to_number(v, where, f'{"xy"[i % 2]}{i // 2} (column {i + 2})')
            for i, v in enumerate(row[1:])
        ])
        if values.size % 2:
            raise ConversionError(
                f'{where}: odd number of coordinates ({values.size}); '
                'expected "id,x0,y0,...,x36,y36"')
        rows.append((img_id, values.reshape(-1, 2), where))
    return rows


def read_ids(path: str) -> list:
    """The ids of an id list, one a line."""
    return [
        to_number(line, f'{path}:{line_no}', 'id', integer=True)
        for line_no, line in read_lines(path, 'id list')
    ]


def convert(root: str, out_dir: str = None, csv_path: str = None,
            val_fraction: float = 0.1, test_fraction: float = 0.2,
            seed: int = 0, id_lists: dict = None, skip_bad: bool = False,
            overwrite: bool = False):
    """Returns (images per split, ids of CSV rows whose image is absent)."""
    out_dir = out_dir or osp.join(root, 'annotations')
    outputs = {s: osp.join(out_dir, f'{s}.json') for s in SPLITS}
    check_outputs_free(list(outputs.values()), overwrite)
    images = {
        osp.splitext(osp.basename(p))[0]: p
        for p in glob.glob(osp.join(root, 'images', '*.*'))
    }
    records, missing = [], []
    for img_id, points, where in read_csv(csv_path
                                          or osp.join(root, 'all.csv')):
        path = images.get(str(img_id))
        if path is None:
            missing.append(img_id)
            continue
        records.append(
            LandmarkRecord(img_id, osp.relpath(path, root), points, where))
    good, bad = validate(records, root, NUM_LANDMARKS, skip_bad)
    by_id = {rec.img_id: (rec, w, h) for rec, w, h in good}
    if id_lists:
        split_ids = {s: read_ids(id_lists[s]) for s in SPLITS}
    else:
        ids = sorted(by_id)
        order = np.random.default_rng(seed).permutation(len(ids))
        n_val = int(round(val_fraction * len(ids)))
        n_test = int(round(test_fraction * len(ids)))
        shuffled = [ids[i] for i in order]
        split_ids = dict(
            val=shuffled[:n_val],
            test=shuffled[n_val:n_val + n_test],
            train=shuffled[n_val + n_test:])
    names = landmark_names('hand')
    counts = {}
    for split in SPLITS:
        items = [by_id[i] for i in sorted(split_ids[split]) if i in by_id]
        write_split(outputs[split], items, names, 'hand')
        counts[split] = len(items)
    report_skipped(bad)
    return counts, missing


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('root', help='folder with images/ and all.csv')
    parser.add_argument('--csv', help='default: ROOT/all.csv')
    parser.add_argument('--out-dir', help='default: ROOT/annotations')
    parser.add_argument('--val-fraction', type=float, default=0.1)
    parser.add_argument('--test-fraction', type=float, default=0.2)
    parser.add_argument('--seed', type=int, default=0)
    for split in SPLITS:
        parser.add_argument(f'--{split}-ids', metavar='FILE',
                            help=f'ids of the {split} split, one per line')
    parser.add_argument('--skip-bad', action='store_true')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    id_lists = None
    given = [getattr(args, f'{s}_ids') for s in SPLITS]
    if any(given):
        if not all(given):
            parser.error('give --train-ids, --val-ids and --test-ids together')
        id_lists = dict(zip(SPLITS, given))
    try:
        counts, missing = convert(args.root, args.out_dir, args.csv,
                                  args.val_fraction, args.test_fraction,
                                  args.seed, id_lists, args.skip_bad,
                                  args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    if missing:
        shown = ', '.join(str(i) for i in missing[:20])
        more = f' and {len(missing) - 20} more' if len(missing) > 20 else ''
        print(f'{len(missing)} CSV rows have no image and were left out: '
              f'{shown}{more}')
    print(' '.join(f'{k}: {v}' for k, v in counts.items()), 'images')


if __name__ == '__main__':
    main()
