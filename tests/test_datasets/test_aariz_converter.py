import json
import os

import numpy as np
import pytest
from PIL import Image

from hyatt_mmpose.datasets.conversion import ConversionError

from .converters import load_converter

aariz = load_converter('aariz')


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
                (d / f'{stem}.json').write_text(json.dumps(dict(landmarks=[
                    dict(title=f'L{k}', value=dict(x=x, y=y))
                    for k, (x, y) in enumerate(pts.tolist())
                ])))
    (root / 'cephalogram_machine_mappings.csv').write_text(
        '\n'.join(rows) + '\n')
    return truth


def test_release_layout_with_mean_truth_and_spacing(tmp_path):
    truth = make_layout(tmp_path / 'aariz')
    counts = aariz.convert(str(tmp_path / 'aariz'), str(tmp_path / 'out'))
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
    with pytest.raises(ConversionError, match=r'cktest0\.json: annotation '
                       'file not found'):
        aariz.convert(str(tmp_path / 'aariz'), str(tmp_path / 'out'))
    counts = aariz.convert(str(tmp_path / 'aariz'), str(tmp_path / 'out2'),
                           skip_bad=True)
    assert counts['test'] == 1
