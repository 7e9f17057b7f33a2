"""A read's peak memory stays a small multiple of the image's own bytes (an
8000 x 8000 16-bit DICOM peaked at 18 times them, from float64 copies;
bench/image_read.py measures that size)."""
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from ..dicom_files import write_dicom

# Run in a fresh process: the resident set's peak (VmHWM), reset just
# before the read through /proc/self/clear_refs, above its level then. A
# small read first, so that what pydicom and numpy load on first use is not
# counted; glibc gives freed blocks back (MALLOC_MMAP_THRESHOLD_).
CHILD = '''
import sys
from hyatt_mmpose.datasets import read_radiograph

def status(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024

for small, large in zip(sys.argv[1::2], sys.argv[2::2]):
    read_radiograph(small)
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
    start = status('VmRSS')
    image = read_radiograph(large).image
    print(status('VmHWM') - start)
    del image
'''


@pytest.mark.skipif(
    not os.access('/proc/self/clear_refs', os.W_OK),
    reason='needs Linux /proc/self/clear_refs')
@pytest.mark.slow
def test_peak_memory_of_a_read_is_a_few_times_the_image(tmp_path):
    """A 16-bit DICOM, and a 16-bit PNG (as_bgr_uint8 made float64 copies
    too): the input and the (H, W, 3) uint8 output are 2.5 times the
    image's bytes; the old reader peaked at 13 to 20 times."""
    pixels = (np.arange(1500)[:, None] + np.arange(1500)) % 4096
    paths = [
        write_dicom(tmp_path / 'small.dcm', pixels[:16, :16], bits_stored=12),
        write_dicom(tmp_path / 'large.dcm', pixels, bits_stored=12)
    ]
    for name, part in (('small.png', pixels[:16, :16]), ('large.png', pixels)):
        paths.append(str(tmp_path / name))
        cv2.imwrite(paths[-1], part.astype(np.uint16))
    done = subprocess.run([sys.executable, '-c', CHILD, *paths],
                          capture_output=True,
                          text=True,
                          env={
                              **os.environ, 'MALLOC_MMAP_THRESHOLD_': '65536',
                              'OMP_NUM_THREADS': '1'
                          })
    assert done.returncode == 0, done.stderr
    peaks = [int(line) for line in done.stdout.split()]
    assert len(peaks) == 2
    for peak in peaks:
        assert peak < 4 * pixels.size * 2, peaks
