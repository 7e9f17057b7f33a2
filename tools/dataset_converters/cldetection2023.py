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
import codecs
import itertools
import os
import os.path as osp
import sys
import zlib

import cv2
import numpy as np

from hyatt_mmpose.datasets.conversion import (ConversionError, LandmarkRecord,
                                              check_outputs_free,
                                              entry_errors, open_input,
                                              read_json, report_skipped,
                                              to_number, validate,
                                              write_split)
from hyatt_mmpose.datasets.metainfo import landmark_names

NUM_LANDMARKS = 38
META_TYPES = dict(MET_UCHAR=np.uint8, MET_CHAR=np.int8, MET_USHORT=np.uint16,
                  MET_SHORT=np.int16, MET_UINT=np.uint32, MET_INT=np.int32,
                  MET_FLOAT=np.float32, MET_DOUBLE=np.float64)


def read_header(path: str):
    """MetaImage header fields and the byte offset of local data.

    Returns:
        tuple: ``{key: (value, line number)}`` and the offset.
    """
    fields = {}
    with open_input(path, 'MetaImage') as f:
        for line_no in itertools.count(1):
            line = f.readline()
            if not line:
                raise ConversionError(f'{path}: no ElementDataFile line; not '
                                      'a MetaImage file')
            if line_no == 1 and line.startswith(codecs.BOM_UTF8):
                # A header saved by a text editor may start with a BOM.
                line = line[len(codecs.BOM_UTF8):]
            # latin1 decodes any byte, so a binary file reaches the check
            # above instead of a UnicodeDecodeError; strip() drops \r.
            key, _, value = line.decode('latin1').partition('=')
            fields[key.strip()] = (value.strip(), line_no)
            if key.strip() == 'ElementDataFile':
                return fields, f.tell()


def header_field(fields: dict, key: str, path: str, default=None) -> str:
    """A header field's value, or ``default``; raises if absent without."""
    if key in fields:
        return fields[key][0]
    if default is None:
        raise ConversionError(f'{path}: no {key} line in the MetaImage '
                              'header')
    return default


def header_ints(fields: dict, key: str, path: str, default=None) -> list:
    """A header field of whole numbers, named with its line if bad."""
    value = header_field(fields, key, path, default)
    where = f'{path}:{fields[key][1]}' if key in fields else path
    numbers = [to_number(v, where, key, integer=True, positive=True)
               for v in value.split()]
    if not numbers:
        raise ConversionError(f'{where}: {key} is empty')
    return numbers


def iter_slices(path: str):
    """Yields each (H, W[, C]) slice of an N-dimensional stack in turn."""
    fields, offset = read_header(path)
    dims = header_ints(fields, 'DimSize', path)
    if len(dims) < 2:
        raise ConversionError(f'{path}:{fields["DimSize"][1]}: DimSize '
                              f'{dims} needs a width and a height')
    element_type = header_field(fields, 'ElementType', path)
    if element_type not in META_TYPES:
        raise ConversionError(
            f'{path}:{fields["ElementType"][1]}: ElementType '
            f'{element_type!r} is not supported; use one of '
            f'{", ".join(META_TYPES)}')
    dtype = np.dtype(META_TYPES[element_type])
    if header_field(fields, 'BinaryDataByteOrderMSB', path,
                    'False').lower() == 'true':
        dtype = dtype.newbyteorder('>')
    channels = header_ints(fields, 'ElementNumberOfChannels', path, '1')[0]
    width, height, count = dims[0], dims[1], int(np.prod(dims[2:]))
    shape = (height, width, channels) if channels > 1 else (height, width)
    slice_bytes = int(np.prod(shape)) * dtype.itemsize
    data_file = header_field(fields, 'ElementDataFile', path)
    source = path if data_file == 'LOCAL' else osp.join(
        osp.dirname(path), data_file)
    compressed = header_field(fields, 'CompressedData', path,
                              'False').lower() == 'true'
    with open_input(source, 'MetaImage data') as f:
        if data_file == 'LOCAL':
            f.seek(offset)
        inflate = zlib.decompressobj() if compressed else None
        buffer = b''
        for index in range(1, count + 1):
            while len(buffer) < slice_bytes:
                chunk = f.read(1 << 24)
                if not chunk:
                    raise ConversionError(
                        f'{source}: data ends in slice {index} of {count} '
                        f'({dims[0]} x {dims[1]} x {channels} '
                        f'{element_type}); the file is truncated: copy or '
                        'download it again')
                try:
                    buffer += inflate.decompress(chunk) if inflate else chunk
                except zlib.error as err:
                    raise ConversionError(
                        f'{source}: compressed data is corrupt in slice '
                        f'{index} ({err}); copy or download it again'
                    ) from err
            yield np.frombuffer(buffer[:slice_bytes], dtype).reshape(shape)
            buffer = buffer[slice_bytes:]


def crop_zero_padding(image: np.ndarray) -> np.ndarray:
    """Drops the all-zero rows and columns after the last non-zero ones."""
    flat = image.reshape(image.shape[0], image.shape[1], -1)
    rows = np.flatnonzero(flat.any(axis=(1, 2)))
    cols = np.flatnonzero(flat.any(axis=(0, 2)))
    if not rows.size:
        raise ConversionError('an all-zero slice')
    return image[:rows[-1] + 1, :cols[-1] + 1]


def read_landmarks(path: str) -> dict:
    """slice -> (points (38, 2) in landmark-name order, spacing)."""
    document = read_json(path, 'landmark JSON')
    expected = ('{"points": [{"name": "1".."38", "scale": MM, '
                '"point": [x, y, slice]}, ...]}')
    with entry_errors(path, expected):
        points = list(document['points'])
    by_slice = {}
    for i, p in enumerate(points):
        where = f'{path}, points[{i}]'
        with entry_errors(where, expected):
            x, y, index = p['point']
            name, scale = p['name'], p['scale']
        index = to_number(index, where, 'point[2] (slice)', integer=True,
                          positive=True)
        entry = by_slice.setdefault(index, dict(points={}, spacing=None))
        entry['points'][to_number(name, where, 'name', integer=True)] = (
            to_number(x, where, 'point[0] (x)'),
            to_number(y, where, 'point[1] (y)'))
        entry['spacing'] = to_number(scale, where, 'scale', positive=True)
    return {
        index: (np.array([e['points'].get(k, (np.nan, np.nan))
                          for k in range(1, NUM_LANDMARKS + 1)]),
                e['spacing'])
        for index, e in by_slice.items()
    }


def convert(stack: str, gt_json: str, out_root: str, val_size: int = 50,
            test_size: int = 50, seed: int = 2023, skip_bad: bool = False,
            overwrite: bool = False) -> dict:
    ann_dir = osp.join(out_root, 'annotations')
    outputs = {s: osp.join(ann_dir, f'{s}.json')
               for s in ('train', 'val', 'test')}
    check_outputs_free(list(outputs.values()), overwrite)
    landmarks = read_landmarks(gt_json)
    os.makedirs(osp.join(out_root, 'images'), exist_ok=True)
    records, empty = [], []
    for index, image in enumerate(iter_slices(stack), 1):
        rel = osp.join('images', f'{index}.png')
        path = osp.join(out_root, rel)
        if osp.exists(path) and not overwrite:
            raise FileExistsError(f'{path} already exists; pass --overwrite')
        try:
            image = crop_zero_padding(image)
        except ConversionError as err:
            message = f'{stack} (slice {index}): {err}'
            if not skip_bad:
                raise ConversionError(message) from None
            empty.append(message)
            continue
        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        cv2.imwrite(path, image)
        points, spacing = landmarks.get(index, (np.zeros((0, 2)), None))
        records.append(
            LandmarkRecord(index, rel, points,
                           f'{gt_json} (slice {index})', spacing))
    good, bad = validate(records, out_root, NUM_LANDMARKS, skip_bad)
    order = np.random.default_rng(seed).permutation(len(good))
    parts = dict(val=order[:val_size], test=order[val_size:val_size +
                                                  test_size],
                 train=order[val_size + test_size:])
    names = landmark_names('cldetection2023')
    for split, idx in parts.items():
        write_split(outputs[split], [good[i] for i in sorted(idx)], names,
                    'cephalogram')
    report_skipped(empty + bad)
    return {split: len(idx) for split, idx in parts.items()}


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
        counts = convert(args.stack, args.gt_json, args.out_root,
                         args.val_size, args.test_size, args.seed,
                         args.skip_bad, args.overwrite)
    except (ConversionError, FileExistsError) as err:
        sys.exit(f'error: {err}')
    print(' '.join(f'{k}: {v}' for k, v in counts.items()), 'images')


if __name__ == '__main__':
    main()
