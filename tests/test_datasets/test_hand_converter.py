import json

from ..utils import shared_data
from .converters import load_converter

hand = load_converter('hand')


def test_real_sample_converts_present_images_and_names_missing(tmp_path):
    root = shared_data('hand_xray')
    counts, missing = hand.convert(root, str(tmp_path), seed=0)
    assert sum(counts.values()) == 9
    assert counts == dict(train=6, val=1, test=2)
    with open(f'{root}/all.csv') as f:
        csv_ids = {int(line.split(',')[0]) for line in f if line.strip()}
    present = {3167, 3177, 3229, 3231, 5245, 7081, 7088, 7232, 7236}
    assert present <= csv_ids
    assert set(missing) == csv_ids - present
    images = [i for s in counts
              for i in json.load(open(tmp_path / f'{s}.json'))['images']]
    assert {i['id'] for i in images} == present
    assert all('pixel_spacing' not in i for i in images)


def test_id_lists_choose_the_splits(tmp_path):
    root = shared_data('hand_xray')
    lists = {}
    for split, ids in dict(train=[3167, 3177, 9999], val=[3229],
                           test=[7236]).items():
        path = tmp_path / f'{split}.txt'
        path.write_text('\n'.join(map(str, ids)) + '\n')
        lists[split] = str(path)
    counts, _ = hand.convert(root, str(tmp_path / 'out'), id_lists=lists)
    assert counts == dict(train=2, val=1, test=1)
