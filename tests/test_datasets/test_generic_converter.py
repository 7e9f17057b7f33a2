import json

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from hyatt_mmpose.datasets.conversion import ConversionError

from .converters import load_converter

generic = load_converter('generic')


def make_folder(tmp_path, rows, header='image,tip_x,tip_y,base_x,base_y,'
                'spacing'):
    images = tmp_path / 'images'
    images.mkdir()
    for name in ('a.png', 'b.png'):
        Image.fromarray(np.zeros((40, 50), np.uint8)).save(images / name)
    (tmp_path / 'marks.csv').write_text(header + '\n' + '\n'.join(rows) +
                                        '\n')
    return str(images), str(tmp_path / 'marks.csv')


def test_images_and_csv_with_names_and_spacing(tmp_path):
    images, marks = make_folder(
        tmp_path, ['a.png,10,20,30,35,0.2', 'b.png,1.5,2.5,49,39,'])
    out = str(tmp_path / 'ann' / 'train.json')
    assert generic.convert(images, marks, out) == 2
    doc = json.load(open(out))
    assert doc['images'][0]['pixel_spacing'] == 0.2
    assert 'pixel_spacing' not in doc['images'][1]
    assert doc['annotations'][1]['keypoints'] == [1.5, 2.5, 2, 49, 39, 2]
    info = Config.fromfile(str(tmp_path / 'ann' / 'train_metainfo.py'))
    names = [v['name'] for v in info.dataset_info.keypoint_info.values()]
    assert names == ['tip', 'base']


def test_bad_rows_name_their_line(tmp_path):
    images, marks = make_folder(tmp_path, ['a.png,10,20,30,35,0.2',
                                           'b.png,10,20,60,35,0.2'])
    with pytest.raises(ConversionError, match=r'marks\.csv:3: landmark 2'):
        generic.convert(images, marks, str(tmp_path / 'out.json'))
