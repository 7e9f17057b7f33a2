"""Peak memory of read_radiograph on large radiographs, each read in a fresh
process.

    python bench/image_read.py                   # 8000 x 8000, this checkout
    python bench/image_read.py --before ceb56a8  # and that commit's reader
    python bench/image_read.py --size 2000

Writes a 16-bit DICOM (12 bits stored), a 16-bit PNG and an 8-bit PNG of
``--size`` x ``--size`` pixels to a temporary folder, reads each once per
reader in its own process and prints a table: the image's pixel bytes, the
peak of the reading process's resident set above its level just before the
read (bench/measure.py's PeakMemory, with glibc made to give freed blocks
back), that peak over the pixel bytes, and the read's seconds (one run, on
a shared machine: a rough figure). ``--before REV`` also reads with
``hyatt_mmpose/datasets/image_io.py`` as it was at commit REV (taken with
``git show`` into the temporary folder; nothing in the checkout changes).
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np
# bench/measure.py: Python looks for a script's imports in its own folder.
from measure import MALLOC_ENV, PeakMemory

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_images(folder: str, size: int) -> list:
    """The three test images: (name, path, pixel bytes)."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import (ExplicitVRLittleEndian,
                             SecondaryCaptureImageStorage, generate_uid)
    ramp = np.arange(size, dtype=np.uint16) * 4095 // max(size - 1, 1)
    twelve = (ramp[:, None] // 2 + ramp[None, :] // 2).astype(np.uint16)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'DX'
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
    ds.PixelRepresentation = 0
    ds.PixelSpacing = [0.1, 0.1]
    ds.PixelData = twelve.tobytes()
    images = [('DICOM 16-bit', os.path.join(folder,
                                            'image.dcm'), twelve.nbytes)]
    ds.save_as(images[0][1], enforce_file_format=True)
    for name, pixels, file in (('PNG 16-bit', twelve * 16, 'image16.png'),
                               ('PNG 8-bit', (twelve >> 4).astype(np.uint8),
                                'image8.png')):
        path = os.path.join(folder, file)
        cv2.imwrite(path, pixels, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        images.append((name, path, pixels.nbytes))
    return images


def load_reader(module_file: str):
    """``read_radiograph`` of this checkout, or of an image_io.py copy."""
    if module_file == 'checkout':
        from hyatt_mmpose.datasets import read_radiograph
        return read_radiograph
    import hyatt_mmpose.datasets  # noqa: F401 (its relative imports)
    spec = importlib.util.spec_from_file_location(
        'hyatt_mmpose.datasets.image_io_before', module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.read_radiograph


def worker(module_file: str, path: str) -> None:
    """Reads ``path`` once; prints the peak (MiB) and seconds as JSON."""
    read = load_reader(module_file)
    with PeakMemory('cpu') as peak:
        start = time.perf_counter()
        image = read(path).image
        seconds = time.perf_counter() - start
    assert image.shape[2] == 3
    print(json.dumps(dict(mib=peak.mib, seconds=seconds)))


def measure(module_file: str, path: str) -> dict:
    """:func:`worker` in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, '--worker', module_file, path],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            **MALLOC_ENV, 'PYTHONPATH': ROOT
        })
    if done.returncode:
        sys.exit(f'error: the reader failed on {path}:\n{done.stderr}')
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--size', type=int, default=8000, help='pixels')
    parser.add_argument(
        '--before', metavar='REV', help='also read with image_io.py of REV')
    parser.add_argument(
        '--worker', nargs=2, help=argparse.SUPPRESS)  # MODULE_FILE PATH
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    with tempfile.TemporaryDirectory() as tmp:
        readers = [('after', 'checkout')]
        if args.before:
            before = os.path.join(tmp, 'image_io_before.py')
            try:
                source = subprocess.run([
                    'git', 'show',
                    f'{args.before}:hyatt_mmpose/datasets/image_io.py'
                ],
                                        capture_output=True,
                                        text=True,
                                        check=True,
                                        cwd=ROOT).stdout
            except subprocess.CalledProcessError as err:
                sys.exit(f'error: git show {args.before}: {err.stderr}')
            with open(before, 'w') as f:
                f.write(source)
            readers.insert(0, (f'before ({args.before})', before))
        images = write_images(tmp, args.size)
        print(f'{args.size} x {args.size}; peak: resident set above its '
              'level before the read, MiB; ratio: peak / pixel bytes')
        header = f'{"image":<14}{"pixels MiB":>11}'
        for label, _ in readers:
            header += f' | {label:<28}'
        print(header)
        print(f'{"":<25}' + ' | peak MiB  ratio   read s     ' * len(readers))
        for name, path, nbytes in images:
            row = f'{name:<14}{nbytes / 2**20:>11.0f}'
            for _, module_file in readers:
                got = measure(module_file, path)
                ratio = got['mib'] * 2**20 / nbytes
                row += (f' | {got["mib"]:>8.0f}  {ratio:>5.2f}'
                        f'  {got["seconds"]:>7.2f}    ')
            print(row, flush=True)


if __name__ == '__main__':
    main()
