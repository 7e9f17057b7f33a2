import json
import re

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from hyatt_mmpose.datasets.converters import ConversionError, convert_generic
from .spreadsheet_text import write_spreadsheet_text


def make_folder(tmp_path,
                rows,
                header='image,tip_x,tip_y,base_x,base_y,'
                'spacing'):
    images = tmp_path / 'images'
    images.mkdir()
    for name in ('a.png', 'b.png'):
        Image.fromarray(np.zeros((40, 50), np.uint8)).save(images / name)
    (tmp_path / 'marks.csv').write_text(header + '\n' + '\n'.join(rows) + '\n')
    return str(images), str(tmp_path / 'marks.csv')


def test_images_and_csv_with_names_and_spacing(tmp_path):
    images, marks = make_folder(
        tmp_path, ['a.png,10,20,30,35,0.2', 'b.png,1.5,2.5,49,39,'])
    out = str(tmp_path / 'ann' / 'train.json')
    assert convert_generic(images, marks, out) == 2
    doc = json.load(open(out))
    assert doc['images'][0]['pixel_spacing'] == 0.2
    assert 'pixel_spacing' not in doc['images'][1]
    assert doc['annotations'][1]['keypoints'] == [1.5, 2.5, 2, 49, 39, 2]
    info = Config.fromfile(str(tmp_path / 'ann' / 'train_metainfo.py'))
    names = [v['name'] for v in info.dataset_info.keypoint_info.values()]
    assert names == ['tip', 'base']


def test_bad_rows_name_their_line(tmp_path):
    images, marks = make_folder(
        tmp_path, ['a.png,10,20,30,35,0.2', 'b.png,10,20,60,35,0.2'])
    with pytest.raises(ConversionError, match=r'marks\.csv:3: landmark 2'):
        convert_generic(images, marks, str(tmp_path / 'out.json'))


def test_spreadsheet_csv_with_bom_and_crlf_converts_the_same(tmp_path):
    rows = ['a.png,10,20,30,35,0.2', 'b.png,1.5,2.5,49,39,']
    images, marks = make_folder(tmp_path, rows)
    plain = str(tmp_path / 'plain.json')
    convert_generic(images, marks, plain)
    sheet = tmp_path / 'sheet.csv'
    write_spreadsheet_text(
        sheet, '\n'.join(['image,tip_x,tip_y,base_x,base_y,spacing'] + rows),
        ',,,,,\n\n')
    out = str(tmp_path / 'sheet.json')
    assert convert_generic(images, str(sheet), out) == 2
    assert json.load(open(out)) == json.load(open(plain))
    info = Config.fromfile(str(tmp_path / 'sheet_metainfo.py'))
    assert info.dataset_info.keypoint_info[0]['name'] == 'tip'


@pytest.mark.parametrize('row,message', [
    ('b.png,10,abc,30,35,0.2', r"marks\.csv:3: tip_y must be a number, "
     r"got 'abc'"),
    ('b.png,10,20,30,35,x', r"marks\.csv:3: spacing must be a positive "
     r"number, got 'x'"),
    ('b.png,10,20,30', r'marks\.csv:3: 3 values, expected 4 coordinates'),
    ('b.png,10,20,30,35,0.2,9', r'marks\.csv:3: 7 cells, more than'),
    (',10,20,30,35,0.2', r'marks\.csv:3: no image file name'),
    ('b.png,10,"20,30,35,0.2', r'marks\.csv:3: landmark CSV is not valid '
     'CSV'),
])
def test_bad_cells_name_file_line_and_field(tmp_path, row, message):
    images, marks = make_folder(tmp_path, ['a.png,10,20,30,35,0.2', row])
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(marks[:-9]) + '.*' + message):
        convert_generic(images, marks, str(tmp_path / 'out.json'))


def test_bad_header_is_quoted_visibly(tmp_path):
    images, marks = make_folder(
        tmp_path, ['a.png,10,20,30,35,0.2'],
        header='file,tip_x,tip_y,base_x,base_y')
    with pytest.raises(
            ConversionError,
            match=r"marks\.csv:1: header must be .* got "
            r"'file,tip_x"):
        convert_generic(images, marks, str(tmp_path / 'out.json'))


def test_non_utf8_csv_names_its_line(tmp_path):
    images, marks = make_folder(tmp_path, ['a.png,10,20,30,35,0.2'])
    with open(marks, 'ab') as f:
        f.write('b\xe9.png,1,2,3,4,0.2\n'.encode('latin-1'))
    with pytest.raises(
            ConversionError, match=r'marks\.csv:3: landmark CSV is not UTF-8'):
        convert_generic(images, marks, str(tmp_path / 'out.json'))


def test_missing_csv_is_named(tmp_path):
    images, _ = make_folder(tmp_path, [])
    with pytest.raises(
            FileNotFoundError, match=r'nope\.csv: landmark CSV '
            'not found'):
        convert_generic(images, str(tmp_path / 'nope.csv'),
                        str(tmp_path / 'out.json'))
