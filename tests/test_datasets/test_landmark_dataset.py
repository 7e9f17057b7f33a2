import numpy as np
import pytest
from mmengine.registry import init_default_scope

from hyatt_mmpose.datasets import SyntheticLandmarkDataset, parse_pixel_spacing
from hyatt_mmpose.datasets.synthetic import make_synthetic_dataset


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
        data_root=synthetic_root, ann_file='annotations/val.json',
        data_prefix=dict(img=''), pipeline=pipeline(), test_mode=True)
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
