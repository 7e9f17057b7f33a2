"""Converts the ISBI 2015 challenge layout to hyatt_mmpose's JSON.

    python tools/dataset_converters/isbi2015.py data/isbi2015

Reads ``RawImage/{TrainingData,Test1Data,Test2Data}/NNN.<any extension>``
and ``AnnotationsByMD/400_{senior,junior}/NNN.txt`` (the first 19 ``x,y``
lines; the original release may add lines after them), and writes
``train``, ``val``, ``test1`` and ``test2`` JSON to ``--out-dir`` (default
``DATA_ROOT/annotations``), image paths relative to DATA_ROOT. Val is drawn
from the 150 training images with a fixed seed, so that checkpoints are
never chosen on a test set. Spacing: 0.1 mm per pixel.
"""
import argparse
import glob
import os.path as osp
import sys

import numpy as np

from hyatt_mmpose.datasets.conversion import (ConversionError, LandmarkRecord,
                                              check_outputs_free,
                                              ground_truth_points,
                                              read_point_lines,
                                              report_skipped, to_number,
                                              validate, write_split)
from hyatt_mmpose.datasets.metainfo import landmark_names

NUM_LANDMARKS = 19
SPACING_MM = 0.1
SPLITS = (('TrainingData', 'train'), ('Test1Data', 'test1'),
          ('Test2Data', 'test2'))


def read_points(path: str) -> np.ndarray:
    """The first 19 ``x,y`` lines of an annotation file."""
    return read_point_lines(path, NUM_LANDMARKS)


def read_records(root: str, ground_truth: str, skip_bad: bool):
    """Records per split, and messages for the entries that were skipped."""
    ann_dir = osp.join(root, 'AnnotationsByMD')
    records, bad = {}, []
    for folder, split in SPLITS:
        images = sorted(glob.glob(osp.join(root, 'RawImage', folder, '*.*')))
        if not images:
            raise ConversionError(
                f'{osp.join(root, "RawImage", folder)}: no images; is '
                f'{root} the ISBI 2015 root?')
        records[split] = []
        for image in images:
            stem = osp.splitext(osp.basename(image))[0]
            try:
                img_id = to_number(stem, image, 'image name', integer=True)
                doctors = {
                    who: read_points(osp.join(ann_dir, f'400_{who}',
                                              f'{stem}.txt'))
                    for who in ('senior', 'junior')
                }
                points = ground_truth_points(
                    doctors, ground_truth,
                    osp.join(ann_dir, '400_*', f'{stem}.txt'))
            except ConversionError as err:
                if not skip_bad:
                    raise
                bad.append(str(err))
                continue
            records[split].append(
                LandmarkRecord(
                    img_id=img_id,
                    file_name=osp.relpath(image, root),
                    points=points,
                    # With the mean there is no one file: name both.
                    source=osp.join(
                        ann_dir, '400_*' if ground_truth == 'mean' else
                        f'400_{ground_truth}', f'{stem}.txt'),
                    pixel_spacing=SPACING_MM))
    return records, bad


def convert(root: str, out_dir: str = None, ground_truth: str = 'mean',
            val_size: int = 20, seed: int = 0, skip_bad: bool = False,
            overwrite: bool = False) -> dict:
    """Converts the dataset; returns the number of images per split."""
    out_dir = out_dir or osp.join(root, 'annotations')
    names = ['train', 'val', 'test1', 'test2']
    outputs = {n: osp.join(out_dir, f'{n}.json') for n in names}
    check_outputs_free(list(outputs.values()), overwrite)
    records, bad = read_records(root, ground_truth, skip_bad)
    splits = {}
    for split, recs in records.items():
        good, skipped = validate(recs, root, NUM_LANDMARKS, skip_bad)
        bad += skipped
        splits[split] = good
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(splits['train']))
    val_idx = set(order[:val_size].tolist())
    train = splits.pop('train')
    splits['val'] = [r for i, r in enumerate(train) if i in val_idx]
    splits['train'] = [r for i, r in enumerate(train) if i not in val_idx]
    landmarks = landmark_names('isbi2015')
    for name in names:
        write_split(outputs[name], splits[name], landmarks, 'cephalogram')
    report_skipped(bad)
    return {name: len(splits[name]) for name in names}


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 2)[2])
    parser.add_argument('root', help='the ISBI 2015 root (RawImage, '
                        'AnnotationsByMD)')
    parser.add_argument('--out-dir', help='default: ROOT/annotations')
    parser.add_argument('--ground-truth', default='mean',
                        choices=['mean', 'senior', 'junior'])
    parser.add_argument('--val-size', type=int, default=20)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--skip-bad', action='store_true',
                        help='leave bad entries out and list them')
    parser.add_argument('--overwrite', action='store_true')
    args = parser.parse_args(argv)
    try:
        counts = convert(args.root, args.out_dir, args.ground_truth,
                         args.val_size, args.seed, args.skip_bad,
                         args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    print(' '.join(f'{k}: {v}' for k, v in counts.items()), 'images')


if __name__ == '__main__':
    main()
