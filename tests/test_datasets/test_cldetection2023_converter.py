import codecs
import json
import re
import zlib

import cv2
import numpy as np
import pytest

from hyatt_mmpose.datasets.converters import ConversionError
from hyatt_mmpose.datasets.converters import \
    convert_cldetection2023 as convert_cl
from .spreadsheet_text import write_spreadsheet_text


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
            points.append(
                dict(
                    name=str(name),
                    scale=0.1 * index,
                    point=[name % w, name % h, index]))
    gt = tmp_path / 'train-gt.json'
    gt.write_text(json.dumps(dict(points=points)))
    return stack, sizes, str(path), str(gt)


@pytest.mark.parametrize('compressed', [False, True])
def test_stack_slices_cropped_with_their_spacing(tmp_path, compressed):
    stack, sizes, mha, gt = write_stack(tmp_path, compressed)
    out = tmp_path / 'out'
    counts = convert_cl(mha, gt, str(out), val_size=1, test_size=1)
    assert counts == dict(train=1, val=1, test=1)
    images = {}
    for split in counts:
        doc = json.load(open(out / 'annotations' / f'{split}.json'))
        images.update({
            i['id']: (i, a)
            for i, a in zip(doc['images'], doc['annotations'])
        })
    for index, (h, w) in enumerate(sizes, 1):
        image, ann = images[index]
        assert (image['height'], image['width']) == (h, w)
        assert image['pixel_spacing'] == pytest.approx(0.1 * index)
        assert ann['keypoints'][:2] == [1 % w, 1 % h]
        png = cv2.imread(str(out / image['file_name']))[..., ::-1]
        np.testing.assert_array_equal(png, stack[index - 1, :h, :w])
    with pytest.raises(FileExistsError, match='--overwrite'):
        convert_cl(mha, gt, str(out))


def test_spreadsheet_json_and_crlf_header_convert_the_same(tmp_path):
    _, _, mha, gt = write_stack(tmp_path, compressed=False)
    plain = convert_cl(
        mha, gt, str(tmp_path / 'plain'), val_size=1, test_size=1)
    with open(gt) as f:
        write_spreadsheet_text(tmp_path / 'train-gt.json',
                               json.dumps(json.load(f), indent=1))
    data = open(mha, 'rb').read()
    split = data.index(b'ElementDataFile = LOCAL\n') + 24
    header = data[:split].replace(b'\n', b'\r\n')
    with open(mha, 'wb') as f:
        f.write(codecs.BOM_UTF8 + header + data[split:])
    assert convert_cl(
        mha, gt, str(tmp_path / 'sheet'), val_size=1, test_size=1) == plain
    for name in plain:
        assert json.load(open(tmp_path / 'sheet' / 'annotations' /
                              f'{name}.json')) == \
            json.load(open(tmp_path / 'plain' / 'annotations' /
                           f'{name}.json'))


@pytest.mark.parametrize('compressed', [False, True])
def test_truncated_stack_names_file_and_slice(tmp_path, compressed):
    _, _, mha, gt = write_stack(tmp_path, compressed)
    data = open(mha, 'rb').read()
    with open(mha, 'wb') as f:
        f.write(data[:-2000])
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(mha) +
            r': data ends in slice 3 of 3 .*truncated'):
        convert_cl(mha, gt, str(tmp_path / 'out'), val_size=1, test_size=1)


@pytest.mark.parametrize('old,new,message', [
    (b'DimSize = 64 48 3', b'DimSize = 64 4B 3',
     r":3: DimSize must be a positive whole number, got '4B'"),
    (b'MET_UCHAR', b'MET_UCHAR8',
     r":5: ElementType 'MET_UCHAR8' is not supported"),
    (b'DimSize = 64 48 3\n', b'',
     r': no DimSize line in the MetaImage header'),
    (b'ElementDataFile = LOCAL\n', b'', r': no ElementDataFile line'),
])
def test_bad_header_names_file_and_line(tmp_path, old, new, message):
    _, _, mha, gt = write_stack(tmp_path, compressed=False)
    data = open(mha, 'rb').read()
    with open(mha, 'wb') as f:
        f.write(data.replace(old, new, 1))
    with pytest.raises(ConversionError, match='^' + re.escape(mha) + message):
        convert_cl(mha, gt, str(tmp_path / 'out'), val_size=1, test_size=1)


def test_corrupt_compressed_data_is_named(tmp_path):
    _, _, mha, gt = write_stack(tmp_path, compressed=True)
    data = bytearray(open(mha, 'rb').read())
    start = data.index(b'ElementDataFile = LOCAL\n') + 24
    data[start:start + 2] = b'\0\0'  # no zlib header
    open(mha, 'wb').write(bytes(data))
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(mha) +
            r': compressed data is corrupt in slice 1') as info:
        convert_cl(mha, gt, str(tmp_path / 'out'), val_size=1, test_size=1)
    assert isinstance(info.value.__cause__, zlib.error)


def test_missing_stack_is_named(tmp_path):
    _, _, mha, gt = write_stack(tmp_path, compressed=False)
    with pytest.raises(
            FileNotFoundError, match=r'nope\.mha: MetaImage not found'):
        convert_cl(str(tmp_path / 'nope.mha'), gt, str(tmp_path / 'out'))


@pytest.mark.parametrize('edit,message', [
    (lambda p: p.pop('scale'), r"points\[5\]: missing field 'scale'"),
    (lambda p: p.update(scale='0.1mm'),
     r"points\[5\]: scale must be a positive number, got '0\.1mm'"),
    (lambda p: p.update(point=[1, 2]),
     r'points\[5\]: not enough values to unpack .*\(ValueError\); '
     r'expected \{"points"'),
    (lambda p: p.update(point=['x', 2, 1]),
     r"points\[5\]: point\[0\] \(x\) must be a number, got 'x'"),
    (lambda p: p.update(name='Sella'),
     r"points\[5\]: name must be a whole number, got 'Sella'"),
])
def test_bad_point_names_file_and_entry(tmp_path, edit, message):
    _, _, mha, gt = write_stack(tmp_path, compressed=False)
    doc = json.load(open(gt))
    edit(doc['points'][5])
    write_spreadsheet_text(tmp_path / 'train-gt.json', json.dumps(doc))
    with pytest.raises(
            ConversionError, match='^' + re.escape(gt) + ', ' + message):
        convert_cl(mha, gt, str(tmp_path / 'out'), val_size=1, test_size=1)


def test_json_syntax_error_names_line(tmp_path):
    _, _, mha, gt = write_stack(tmp_path, compressed=False)
    write_spreadsheet_text(tmp_path / 'train-gt.json', '{"points": [\n{]}')
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(gt) +
            r':2:2: landmark JSON is not valid JSON'):
        convert_cl(mha, gt, str(tmp_path / 'out'))
