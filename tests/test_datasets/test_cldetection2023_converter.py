import json
import zlib

import cv2
import numpy as np
import pytest

from .converters import load_converter

cl = load_converter('cldetection2023')


def write_stack(tmp_path, compressed: bool):
    """Three 40 x 50 RGB slices, zero-padded to 48 x 64, as a MetaImage."""
    rng = np.random.default_rng(0)
    stack = np.zeros((3, 48, 64, 3), np.uint8)
    sizes = [(40, 50), (48, 64), (30, 44)]
    for i, (h, w) in enumerate(sizes):
        stack[i, :h, :w] = rng.integers(1, 255, (h, w, 3))
    data = stack.tobytes()
    if compressed:
        data = zlib.compress(data)
    header = ('ObjectType = Image\nNDims = 3\nDimSize = 64 48 3\n'
              'ElementNumberOfChannels = 3\nElementType = MET_UCHAR\n'
              f'CompressedData = {compressed}\n'
              'BinaryDataByteOrderMSB = False\nElementDataFile = LOCAL\n')
    path = tmp_path / 'train_stack.mha'
    path.write_bytes(header.encode() + data)
    points = []
    for index, (h, w) in enumerate(sizes, 1):
        for name in range(1, 39):
            points.append(dict(name=str(name), scale=0.1 * index,
                               point=[name % w, name % h, index]))
    gt = tmp_path / 'train-gt.json'
    gt.write_text(json.dumps(dict(points=points)))
    return stack, sizes, str(path), str(gt)


@pytest.mark.parametrize('compressed', [False, True])
def test_stack_slices_cropped_with_their_spacing(tmp_path, compressed):
    stack, sizes, mha, gt = write_stack(tmp_path, compressed)
    out = tmp_path / 'out'
    counts = cl.convert(mha, gt, str(out), val_size=1, test_size=1)
    assert counts == dict(train=1, val=1, test=1)
    images = {}
    for split in counts:
        doc = json.load(open(out / 'annotations' / f'{split}.json'))
        images.update({i['id']: (i, a) for i, a in zip(doc['images'],
                                                     doc['annotations'])})
    for index, (h, w) in enumerate(sizes, 1):
        image, ann = images[index]
        assert (image['height'], image['width']) == (h, w)
        assert image['pixel_spacing'] == pytest.approx(0.1 * index)
        assert ann['keypoints'][:2] == [1 % w, 1 % h]
        png = cv2.imread(str(out / image['file_name']))[..., ::-1]
        np.testing.assert_array_equal(png, stack[index - 1, :h, :w])
    with pytest.raises(FileExistsError, match='--overwrite'):
        cl.convert(mha, gt, str(out))
