import json
import os
import re

import numpy as np
import pytest
from PIL import Image

from hyatt_mmpose.datasets.converters import ConversionError, convert_aariz
from .spreadsheet_text import write_spreadsheet_text


def make_layout(root, per_split=2):
    """A miniature Aariz release: 80 x 60 images with hashed names."""
    rng = np.random.default_rng(0)
    rows = ['cephalogram_id,machine,pixel_size']
    truth = {}
    for folder in ('Train', 'Valid', 'Test'):
        images = root / folder / 'Cephalograms'
        os.makedirs(images)
        for i in range(per_split):
            stem = f'ck{folder.lower()}{i}'
            Image.fromarray(rng.integers(0, 255, (60, 80), np.uint8)).save(
                images / f'{stem}.png')
            rows.append(f'{stem},m{i},{0.1 + 0.05 * i}')
            for who in ('Senior', 'Junior'):
                d = root / folder / 'Annotations' / \
                    'Cephalometric Landmarks' / f'{who} Orthodontists'
                os.makedirs(d, exist_ok=True)
                pts = rng.uniform(1, 55, (29, 2))
                truth[(stem, who)] = pts
                (d / f'{stem}.json').write_text(
                    json.dumps(
                        dict(landmarks=[
                            dict(title=f'L{k}', value=dict(x=x, y=y))
                            for k, (x, y) in enumerate(pts.tolist())
                        ])))
    (root / 'cephalogram_machine_mappings.csv').write_text('\n'.join(rows) +
                                                           '\n')
    return truth


def test_release_layout_with_mean_truth_and_spacing(tmp_path):
    truth = make_layout(tmp_path / 'aariz')
    counts = convert_aariz(str(tmp_path / 'aariz'), str(tmp_path / 'out'))
    assert counts == dict(train=2, val=2, test=2)
    doc = json.load(open(tmp_path / 'out' / 'val.json'))
    image = doc['images'][1]
    assert image['file_name'] == os.path.join('Valid', 'Cephalograms',
                                              'ckvalid1.png')
    assert image['pixel_spacing'] == pytest.approx(0.15)
    kpts = np.array(doc['annotations'][1]['keypoints']).reshape(-1, 3)
    want = (truth[('ckvalid1', 'Senior')] + truth[('ckvalid1', 'Junior')]) / 2
    np.testing.assert_allclose(kpts[:, :2], want)
    assert len(doc['categories'][0]['keypoints']) == 29


def test_missing_junior_file_is_named(tmp_path):
    make_layout(tmp_path / 'aariz')
    os.remove(tmp_path / 'aariz' / 'Test' / 'Annotations' /
              'Cephalometric Landmarks' / 'Junior Orthodontists' /
              'cktest0.json')
    with pytest.raises(
            ConversionError, match=r'cktest0\.json: annotation '
            'file not found'):
        convert_aariz(str(tmp_path / 'aariz'), str(tmp_path / 'out'))
    counts = convert_aariz(
        str(tmp_path / 'aariz'), str(tmp_path / 'out2'), skip_bad=True)
    assert counts['test'] == 1


def test_spreadsheet_spacing_csv_and_bom_json_convert_the_same(tmp_path):
    make_layout(tmp_path / 'aariz')
    root = tmp_path / 'aariz'
    plain = convert_aariz(str(root), str(tmp_path / 'plain'))
    mapping = root / 'cephalogram_machine_mappings.csv'
    write_spreadsheet_text(mapping, mapping.read_text(), ',,\n\n')
    for path in root.glob('*/Annotations/*/*/*.json'):
        write_spreadsheet_text(
            path, json.dumps(json.loads(path.read_text()), indent=2))
    assert convert_aariz(str(root), str(tmp_path / 'sheet')) == plain
    for split in plain:
        assert json.load(open(tmp_path / 'sheet' / f'{split}.json')) == \
            json.load(open(tmp_path / 'plain' / f'{split}.json'))


def senior_file(root, stem='cktrain1'):
    return (root / 'Train' / 'Annotations' / 'Cephalometric Landmarks' /
            'Senior Orthodontists' / f'{stem}.json')


@pytest.mark.parametrize('edit,message', [
    (lambda text: text[:-5], r'cktrain1\.json:\d+:\d+: annotation file is '
     'not valid JSON'),
    (lambda text: text.replace('"value"', '"val"', 1),
     r"cktrain1\.json, landmarks\[0\]: missing field 'value'"),
    (lambda text: text.replace('{"landmarks"', '{"marks"'),
     r"cktrain1\.json: missing field 'landmarks'"),
    (lambda text: json.dumps(
        dict(landmarks=[dict(value=dict(x='12 px', y=3))] * 29)),
     r"cktrain1\.json, landmarks\[0\]: value\.x must be a number, got "
     r"'12 px'"),
    (lambda text: json.dumps(dict(landmarks=[dict(value=[1, 2])] * 29)),
     r'cktrain1\.json, landmarks\[0\]: .*TypeError.*expected '),
])
def test_bad_annotation_names_file_and_entry(tmp_path, edit, message):
    make_layout(tmp_path / 'aariz')
    path = senior_file(tmp_path / 'aariz')
    path.write_text(edit(path.read_text()))
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(str(path.parent)) + '/' + message):
        convert_aariz(str(tmp_path / 'aariz'), str(tmp_path / 'out'))
    counts = convert_aariz(
        str(tmp_path / 'aariz'), str(tmp_path / 'out2'), skip_bad=True)
    assert counts['train'] == 1


@pytest.mark.parametrize('cell,message', [
    ('0.1x', r"pixel size \(pixel_size\) must be a positive number, got "
     r"'0\.1x'"),
    ('', r"pixel size \(pixel_size\) must be a positive number, got ''"),
    ('-0.1', r"pixel size \(pixel_size\) must be a positive number, "
     r"got '-0\.1'"),
])
def test_bad_spacing_cell_names_file_and_line(tmp_path, cell, message):
    make_layout(tmp_path / 'aariz')
    mapping = tmp_path / 'aariz' / 'cephalogram_machine_mappings.csv'
    lines = mapping.read_text().splitlines()
    lines[3] = lines[3].rsplit(',', 1)[0] + ',' + cell
    write_spreadsheet_text(mapping, '\n'.join(lines))
    with pytest.raises(
            ConversionError,
            match='^' + re.escape(str(mapping)) + ':4: ' + message):
        convert_aariz(str(tmp_path / 'aariz'), str(tmp_path / 'out'))


def test_short_spacing_row_and_absent_image_name_the_csv(tmp_path):
    make_layout(tmp_path / 'aariz')
    mapping = tmp_path / 'aariz' / 'cephalogram_machine_mappings.csv'
    lines = mapping.read_text().splitlines()
    mapping.write_text('\n'.join(lines[:2] + ['cktrain1'] + lines[3:]))
    with pytest.raises(
            ConversionError,
            match=re.escape(str(mapping)) +
            ":3: only 1 of the header's 3 cells"):
        convert_aariz(str(tmp_path / 'aariz'), str(tmp_path / 'out'))
    mapping.write_text('\n'.join(lines[:2] + lines[3:]))
    with pytest.raises(
            ConversionError,
            match=re.escape(str(mapping)) + ': no row for image cktrain1'):
        convert_aariz(str(tmp_path / 'aariz'), str(tmp_path / 'out'))
