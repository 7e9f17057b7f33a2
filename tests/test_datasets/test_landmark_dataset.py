import json
import re

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from hyatt_mmpose.datasets import (ISBI2015Dataset, SyntheticLandmarkDataset,
                                   parse_pixel_spacing)
from hyatt_mmpose.datasets.synthetic import make_synthetic_dataset
from .spreadsheet_text import write_spreadsheet_text


def pipeline():
    return [
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale', padding=1.0),
        dict(type='TopdownAffine', input_size=(64, 64)),
        dict(type='PackPoseInputs')
    ]


def test_pixel_spacing_reaches_every_sample(synthetic_root):
    import hyatt_mmpose  # noqa: F401
    init_default_scope('mmpose')
    dataset = SyntheticLandmarkDataset(
        data_root=synthetic_root,
        ann_file='annotations/val.json',
        data_prefix=dict(img=''),
        pipeline=pipeline(),
        test_mode=True)
    assert len(dataset) == 4
    assert dataset.metainfo['num_keypoints'] == 19
    sample = dataset[0]['data_samples']
    np.testing.assert_allclose(sample.metainfo['pixel_spacing'], [0.5, 0.5])
    assert sample.gt_instances.keypoints.shape == (1, 19, 2)


def test_synthetic_set_is_deterministic_and_guarded(tmp_path):
    a = make_synthetic_dataset(str(tmp_path / 'a'), (('train', 3), ), 64)
    b = make_synthetic_dataset(str(tmp_path / 'b'), (('train', 3), ), 64)
    assert open(a[0]).read() == open(b[0]).read()
    assert (tmp_path / 'a' / 'images' / 'train_0002.png').read_bytes() == \
        (tmp_path / 'b' / 'images' / 'train_0002.png').read_bytes()
    with pytest.raises(FileExistsError, match='overwrite'):
        make_synthetic_dataset(str(tmp_path / 'a'), (('train', 3), ), 64)


@pytest.mark.parametrize('value,expected', [(0.1, [0.1, 0.1]),
                                            ([0.1, 0.2], [0.1, 0.2]),
                                            (None, None)])
def test_pixel_spacing_forms(value, expected):
    got = parse_pixel_spacing(value, 'x.json, image id 1')
    if expected is None:
        assert got is None
    else:
        np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize('value', [0, -1, [0.1, 0.2, 0.3], 'a'])
def test_bad_pixel_spacing_names_the_record(value):
    with pytest.raises(ValueError, match='x.json, image id 7: pixel_spacing'):
        parse_pixel_spacing(value, 'x.json, image id 7')


def coco_document(k=19, **image):
    """One 50 x 40 image with ``k`` keypoints; ``image`` adds to or (with
    None) removes from the image entry."""
    entry = dict(
        id=1, file_name='1.png', width=50, height=40, pixel_spacing=0.1)
    entry.update(image)
    entry = {key: v for key, v in entry.items() if v is not None}
    return dict(
        images=[entry],
        annotations=[
            dict(
                id=1,
                image_id=1,
                category_id=1,
                bbox=[0, 0, 50, 40],
                keypoints=[1, 2, 2] * k,
                num_keypoints=k,
                iscrowd=0,
                area=2000.0)
        ],
        categories=[dict(id=1, name='c', keypoints=[], skeleton=[])])


def load(tmp_path, cls=ISBI2015Dataset):
    return cls(
        data_root=str(tmp_path),
        ann_file='a.json',
        data_prefix=dict(img=''),
        pipeline=[],
        test_mode=True)


def test_annotation_file_with_bom_and_crlf(tmp_path):
    write_spreadsheet_text(tmp_path / 'a.json',
                           json.dumps(coco_document(), indent=2))
    dataset = load(tmp_path)
    assert len(dataset) == 1
    np.testing.assert_allclose(
        dataset.get_data_info(0)['pixel_spacing'], [0.1, 0.1])


def test_missing_annotation_file_is_named(tmp_path):
    with pytest.raises(
            FileNotFoundError,
            match='^' + re.escape(str(tmp_path / 'a.json')) +
            ': annotation file not found'):
        load(tmp_path)


def test_json_syntax_error_names_line_and_column(tmp_path):
    text = json.dumps(coco_document(), indent=2).replace('"width"', 'width')
    (tmp_path / 'a.json').write_text(text)
    line = text[:text.index('width')].count('\n') + 1
    with pytest.raises(
            ValueError,
            match='^' + re.escape(str(tmp_path / 'a.json')) +
            f':{line}:7: annotation file is not '
            'valid JSON') as info:
        load(tmp_path)
    assert isinstance(info.value.__cause__, json.JSONDecodeError)


def test_not_utf8_names_the_file(tmp_path):
    (tmp_path / 'a.json').write_bytes(
        json.dumps(coco_document(file_name='\xe9.png'),
                   ensure_ascii=False).encode('latin-1'))
    with pytest.raises(
            ValueError, match=r'a\.json:1: annotation file is not '
            'UTF-8'):
        load(tmp_path)


@pytest.mark.parametrize('edit,message', [
    (lambda d: d['images'][0].pop('file_name'),
     r"a\.json, images\[0\]: missing field 'file_name'"),
    (lambda d: d['annotations'][0].pop('keypoints'),
     r"a\.json, annotations\[0\]: missing field 'keypoints'"),
    (lambda d: d.pop('images'), r'a\.json: "images" must be a list'),
    (lambda d: d['annotations'][0].update(keypoints=['a', 2, 2] * 19),
     r"a\.json, image id 1: could not convert .*'a'.*; expected numeric "
     '"bbox"'),
    (lambda d: d['annotations'][0].update(bbox=[0, 0, 50]),
     r'a\.json, image id 1: not enough values .*; expected numeric "bbox"'),
    (lambda d: d['annotations'][0].update(keypoints=[1, 2, 2] * 18),
     r'a\.json, image id 1: 18 keypoints, expected 19 \(isbi2015\)'),
    (lambda d: d['images'][0].update(pixel_spacing='0.1 mm'),
     r"a\.json, image id 1: pixel_spacing must be a positive number or "
     r"\[x, y\] in mm per pixel, got '0\.1 mm'"),
    (lambda d: d['images'][0].pop('pixel_spacing'),
     r'a\.json, image id 1: no pixel_spacing, which ISBI2015Dataset needs'),
])
def test_bad_entry_names_file_and_entry(tmp_path, edit, message):
    doc = coco_document()
    edit(doc)
    (tmp_path / 'a.json').write_text(json.dumps(doc))
    with pytest.raises(
            ValueError, match='^' + re.escape(str(tmp_path)) + '/' + message):
        load(tmp_path)


def test_spacing_is_optional_where_unknown(tmp_path):
    (tmp_path / 'a.json').write_text(
        json.dumps(coco_document(pixel_spacing=None)))
    assert load(
        tmp_path,
        SyntheticLandmarkDataset).get_data_info(0)['pixel_spacing'] is None


def framed(tmp_path, bbox, image_size=(50, 40)):
    """The sample of a 50 x 40 entry with ``bbox``, its image ``image_size``
    (W, H), through a pipeline to a 64 x 64 input."""
    doc = coco_document()
    doc['annotations'][0]['bbox'] = bbox
    (tmp_path / 'a.json').write_text(json.dumps(doc))
    cv2.imwrite(str(tmp_path / '1.png'), np.zeros(image_size[::-1], np.uint8))
    dataset = ISBI2015Dataset(
        data_root=str(tmp_path),
        ann_file='a.json',
        data_prefix=dict(img=''),
        pipeline=pipeline(),
        test_mode=True)
    return dataset[0]['data_samples']


@pytest.mark.parametrize('bbox', [[0, 0, 50, 40], [5, 5, 20, 10]])
def test_the_frame_is_the_whole_image_whatever_the_bbox(tmp_path, bbox):
    """Issue #23: mmpose clips the converters' bbox [0, 0, W, H] to (W - 1,
    H - 1), framing this 50 x 40 image by centre (24.5, 19.5) and scale 49,
    the predictor by centre (25, 20) and scale 50; both now frame the whole
    image. Other member: a smaller bbox in the file, a frame the predictor
    could never reproduce, is replaced by the whole image too."""
    sample = framed(tmp_path, bbox)
    np.testing.assert_allclose(sample.input_center, [50 / 2, 40 / 2])
    # the larger side: the 64 x 64 input's aspect ratio
    np.testing.assert_allclose(sample.input_scale, [50, 50])


def test_an_image_of_another_size_than_its_entry_is_refused(tmp_path):
    """The frame is made from the entry's width and height: an image of
    another size would be framed unlike the predictor frames it."""
    with pytest.raises(
            ValueError,
            match=r'a\.json, image id 1: .*1\.png is 60 x 40 pixels, its '
            r'entry says 50 x 40 \("width" x "height"\); write it with a '
            'converter'):
        framed(tmp_path, [0, 0, 50, 40], image_size=(60, 40))
