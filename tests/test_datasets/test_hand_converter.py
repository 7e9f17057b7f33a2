import json
import os

import numpy as np
import pytest
from PIL import Image

from hyatt_mmpose.datasets.converters import ConversionError, convert_hand
from ..utils import shared_data
from .spreadsheet_text import write_spreadsheet_text


def test_real_sample_converts_present_images_and_names_missing(tmp_path):
    root = shared_data('hand_xray')
    counts, missing = convert_hand(root, str(tmp_path), seed=0)
    assert sum(counts.values()) == 9
    assert counts == dict(train=6, val=1, test=2)
    with open(f'{root}/all.csv') as f:
        csv_ids = {int(line.split(',')[0]) for line in f if line.strip()}
    present = {3167, 3177, 3229, 3231, 5245, 7081, 7088, 7232, 7236}
    assert present <= csv_ids
    assert set(missing) == csv_ids - present
    images = [
        i for s in counts
        for i in json.load(open(tmp_path / f'{s}.json'))['images']
    ]
    assert {i['id'] for i in images} == present
    assert all('pixel_spacing' not in i for i in images)


def test_id_lists_choose_the_splits(tmp_path):
    root = shared_data('hand_xray')
    lists = {}
    for split, ids in dict(
            train=[3167, 3177, 9999], val=[3229], test=[7236]).items():
        path = tmp_path / f'{split}.txt'
        path.write_text('\n'.join(map(str, ids)) + '\n')
        lists[split] = str(path)
    counts, _ = convert_hand(root, str(tmp_path / 'out'), id_lists=lists)
    assert counts == dict(train=2, val=1, test=1)


def make_hand(root, ids=(3142, 3150, 3151, 3160)):
    """Hand images and the rows of all.csv (ids and 37 points each)."""
    rng = np.random.default_rng(0)
    os.makedirs(root / 'images')
    rows = []
    for img_id in ids:
        Image.fromarray(np.zeros(
            (40, 30), np.uint8)).save(root / 'images' / f'{img_id}.png')
        pts = rng.integers(0, 29, (37, 2))
        rows.append(','.join([str(img_id)] + [str(v) for v in pts.ravel()]))
    return rows


def test_spreadsheet_csv_and_id_lists_with_bom_and_crlf(tmp_path):
    rows = make_hand(tmp_path)
    (tmp_path / 'all.csv').write_text('\n'.join(rows) + '\n')
    plain, _ = convert_hand(str(tmp_path), str(tmp_path / 'plain'))
    write_spreadsheet_text(tmp_path / 'all.csv', '\n'.join(rows),
                           ',' * 74 + '\n\n')
    lists = {}
    for split, ids in dict(
            train=[3142, 3150], val=[3151], test=[3160]).items():
        lists[split] = str(tmp_path / f'{split}.txt')
        write_spreadsheet_text(tmp_path / f'{split}.txt',
                               '\n'.join(map(str, ids)))
    counts, missing = convert_hand(
        str(tmp_path), str(tmp_path / 'sheet'), id_lists=lists)
    assert counts == dict(train=2, val=1, test=1) and not missing
    train = json.load(open(tmp_path / 'sheet' / 'train.json'))
    assert [i['id'] for i in train['images']] == [3142, 3150]

    def keypoints(folder):
        return {
            a['image_id']: a['keypoints']
            for s in plain
            for a in json.load(open(tmp_path / folder /
                                    f'{s}.json'))['annotations']
        }

    assert keypoints('sheet') == keypoints('plain')
    assert len(keypoints('sheet')) == 4


@pytest.mark.parametrize('cell,message', [
    (0, r"id \(first column\) must be a whole number, got '31x2'"),
    (5, r"x2 \(column 6\) must be a number, got '31x2'"),
])
def test_bad_cells_name_file_line_and_column(tmp_path, cell, message):
    rows = make_hand(tmp_path)
    cells = rows[1].split(',')
    cells[cell] = '31x2'
    rows[1] = ','.join(cells)
    write_spreadsheet_text(tmp_path / 'all.csv', '\n'.join(rows))
    with pytest.raises(
            ConversionError, match=f'^{tmp_path}/all\\.csv:2: {message}'):
        convert_hand(str(tmp_path), str(tmp_path / 'out'))


def test_bad_id_list_names_its_line(tmp_path):
    rows = make_hand(tmp_path)
    (tmp_path / 'all.csv').write_text('\n'.join(rows) + '\n')
    lists = {s: str(tmp_path / f'{s}.txt') for s in ('train', 'val', 'test')}
    for path in lists.values():
        write_spreadsheet_text(tmp_path / path, '3142\n\n3150 x\n')
    with pytest.raises(
            ConversionError,
            match=r"train\.txt:3: id must be a "
            r"whole number, got '3150 x'"):
        convert_hand(str(tmp_path), str(tmp_path / 'out'), id_lists=lists)
    for path in lists.values():
        write_spreadsheet_text(tmp_path / path, '3142\n')
    os.remove(lists['val'])
    with pytest.raises(
            FileNotFoundError, match=r'val\.txt: id list not '
            'found'):
        convert_hand(str(tmp_path), str(tmp_path / 'out2'), id_lists=lists)
