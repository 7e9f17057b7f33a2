import json
import os
import re
import shutil

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

from hyatt_mmpose.datasets import ISBI2015Dataset
from hyatt_mmpose.datasets.converters import ConversionError, convert_isbi2015
from ..utils import shared_data
from .spreadsheet_text import write_spreadsheet_text


@pytest.mark.slow
def test_real_layout_gives_the_published_splits(tmp_path):
    root = shared_data('isbi2015')
    counts = convert_isbi2015(root, str(tmp_path))
    assert counts == dict(train=130, val=20, test1=150, test2=100)
    splits = {n: json.load(open(tmp_path / f'{n}.json')) for n in counts}
    ids = [set(i['id'] for i in s['images']) for s in splits.values()]
    assert not set.intersection(*ids[:2])  # val carved out of train
    assert set.union(ids[0], ids[1]) == set(range(1, 151))
    first = next(a for a in splits['train']['annotations'] +
                 splits['val']['annotations'] if a['image_id'] == 1)
    assert first['keypoints'][:2] == [832.0, 993.5]
    image = next(i for i in splits['train']['images'] + splits['val']['images']
                 if i['id'] == 1)
    assert image['pixel_spacing'] == 0.1
    assert (image['width'], image['height']) == (1935, 2400)
    assert os.path.exists(os.path.join(root, image['file_name']))

    # The dataset class reads it, and every sample carries 0.1 mm spacing.
    import hyatt_mmpose  # noqa: F401
    init_default_scope('mmpose')
    dataset = ISBI2015Dataset(
        data_root=root,
        ann_file=str(tmp_path / 'val.json'),
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=[
            dict(type='LoadImage'),
            dict(type='GetBBoxCenterScale', padding=1.0),
            dict(type='TopdownAffine', input_size=(256, 304)),
            dict(type='PackPoseInputs')
        ])
    assert len(dataset) == 20
    sample = dataset[0]['data_samples']
    np.testing.assert_allclose(sample.metainfo['pixel_spacing'], [0.1, 0.1])
    assert sample.metainfo['ori_shape'] == (2400, 1935)


@pytest.mark.slow
def test_senior_ground_truth_and_no_overwrite(tmp_path):
    root = shared_data('isbi2015')
    convert_isbi2015(root, str(tmp_path), ground_truth='senior')
    train = json.load(open(tmp_path / 'test2.json'))
    with open(os.path.join(root, 'AnnotationsByMD', '400_senior',
                           '301.txt')) as f:
        x, y = map(float, f.readline().split(','))
    ann = next(a for a in train['annotations'] if a['image_id'] == 301)
    assert ann['keypoints'][:2] == [x, y]
    with pytest.raises(FileExistsError, match='--overwrite'):
        convert_isbi2015(root, str(tmp_path))


def make_layout(tmp_path, n_train=3):
    """A miniature ISBI layout: 64 x 48 PNGs, 19 points each, extra lines."""
    rng = np.random.default_rng(0)
    folders = dict(
        TrainingData=range(1, n_train + 1), Test1Data=[151], Test2Data=[301])
    for folder, ids in folders.items():
        os.makedirs(tmp_path / 'RawImage' / folder)
        for i in ids:
            Image.fromarray(rng.integers(0, 255, (48, 64), np.uint8)).save(
                tmp_path / 'RawImage' / folder / f'{i:03d}.png')
            for who in ('senior', 'junior'):
                d = tmp_path / 'AnnotationsByMD' / f'400_{who}'
                os.makedirs(d, exist_ok=True)
                pts = rng.integers(1, 40, (19, 2))
                lines = [f'{x},{y}' for x, y in pts] + ['7', 'extra line']
                (d / f'{i:03d}.txt').write_text('\n'.join(lines) + '\n')
    return tmp_path


def test_extra_lines_and_any_extension(tmp_path):
    root = make_layout(tmp_path / 'data')
    counts = convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)
    assert counts == dict(train=2, val=1, test1=1, test2=1)


def test_calibration_split_comes_out_of_train_only(tmp_path):
    root = make_layout(tmp_path / 'data', n_train=8)
    plain = convert_isbi2015(str(root), str(tmp_path / 'plain'), val_size=2)
    counts = convert_isbi2015(
        str(root), str(tmp_path / 'cal'), val_size=2, cal_size=3)
    assert plain == dict(train=6, val=2, test1=1, test2=1)
    assert counts == dict(train=3, val=2, cal=3, test1=1, test2=1)

    def ids(folder, split):
        doc = json.load(open(tmp_path / folder / f'{split}.json'))
        return {i['id'] for i in doc['images']}, doc['info']

    # val is the same images with or without a calibration split
    assert ids('cal', 'val')[0] == ids('plain', 'val')[0]
    cal, info = ids('cal', 'cal')
    assert cal <= ids('plain', 'train')[0]
    assert not cal & ids('cal', 'train')[0]
    assert info == dict(
        dataset='isbi2015', ground_truth='mean', seed=0, split='cal')
    assert not (tmp_path / 'plain' / 'cal.json').exists()


def test_truncated_image_is_named(tmp_path):
    root = make_layout(tmp_path / 'data')
    path = root / 'RawImage' / 'Test1Data' / '151.png'
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(ConversionError, match=r'151\.png.*cannot be read'):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)
    counts = convert_isbi2015(
        str(root), str(tmp_path / 'out'), val_size=1, skip_bad=True)
    assert counts['test1'] == 0 and counts['train'] == 2


def test_eighteen_points_are_refused(tmp_path):
    root = make_layout(tmp_path / 'data')
    for who in ('senior', 'junior'):
        f = root / 'AnnotationsByMD' / f'400_{who}' / '002.txt'
        f.write_text('\n'.join(f.read_text().splitlines()[:18]) + '\n')
    with pytest.raises(
            ConversionError, match=r'002\.txt: 18 landmarks, expected 19'):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)


def test_point_outside_the_image_is_refused(tmp_path):
    root = make_layout(tmp_path / 'data')
    for who in ('senior', 'junior'):
        f = root / 'AnnotationsByMD' / f'400_{who}' / '003.txt'
        lines = f.read_text().splitlines()
        lines[4] = '70,10'
        f.write_text('\n'.join(lines) + '\n')
    with pytest.raises(
            ConversionError,
            match=r'003\.txt: landmark 5 at \(70\.0, 10\.0\) lies '
            r'outside the 64 x 48 image'):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)


def test_duplicated_id_is_refused(tmp_path):
    root = make_layout(tmp_path / 'data')
    shutil.copy(root / 'RawImage' / 'TrainingData' / '001.png',
                root / 'RawImage' / 'TrainingData' / '001.jpg')
    with pytest.raises(ConversionError, match='id 1 is duplicated'):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)


def test_spreadsheet_text_files_convert_the_same(tmp_path):
    root = make_layout(tmp_path / 'data')
    plain = convert_isbi2015(str(root), str(tmp_path / 'plain'), val_size=1)
    for path in (root / 'AnnotationsByMD').glob('*/*.txt'):
        write_spreadsheet_text(path, path.read_text())
    assert convert_isbi2015(
        str(root), str(tmp_path / 'sheet'), val_size=1) == plain
    for split in plain:
        assert json.load(open(tmp_path / 'sheet' / f'{split}.json')) == \
            json.load(open(tmp_path / 'plain' / f'{split}.json'))


@pytest.mark.parametrize('line,message', [
    ('12,abc', r":5: y must be a number, got 'abc'"),
    ('12;30', r':5: expected "x,y", got \'12;30\''),
])
def test_bad_line_names_file_and_line(tmp_path, line, message):
    root = make_layout(tmp_path / 'data')
    path = root / 'AnnotationsByMD' / '400_junior' / '002.txt'
    lines = path.read_text().splitlines()
    lines[4] = line
    write_spreadsheet_text(path, '\n'.join(lines))
    with pytest.raises(
            ConversionError, match='^' + re.escape(str(path)) + message):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)
    counts = convert_isbi2015(
        str(root), str(tmp_path / 'out'), val_size=1, skip_bad=True)
    assert counts['train'] + counts['val'] == 2


def test_non_utf8_and_missing_annotation_are_named(tmp_path):
    root = make_layout(tmp_path / 'data')
    path = root / 'AnnotationsByMD' / '400_senior' / '151.txt'
    path.write_bytes(path.read_bytes() + b'\xff\xfe\n')
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(str(path)) +
            r':22: annotation file is not UTF-8'):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)
    os.remove(path)
    with pytest.raises(
            FileNotFoundError,
            match='^' + re.escape(str(path)) + ': annotation file not found'):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)


def test_image_not_named_by_number_is_named(tmp_path):
    root = make_layout(tmp_path / 'data')
    stray = root / 'RawImage' / 'Test2Data' / 'Thumbs.db'
    stray.write_bytes(b'\0')
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(str(stray)) +
            ": image name must be a whole number, got 'Thumbs'"):
        convert_isbi2015(str(root), str(tmp_path / 'out'), val_size=1)
    counts = convert_isbi2015(
        str(root), str(tmp_path / 'out'), val_size=1, skip_bad=True)
    assert counts['test2'] == 1
