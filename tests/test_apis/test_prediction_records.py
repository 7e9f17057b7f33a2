"""The records of a prediction (hyatt_mmpose.apis.prediction_records): what
tools/predict.py writes for each image, written and read from Python."""
import json

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from hyatt_mmpose.apis import (LandmarkPredictor, landmark_flags,
                               read_prediction, read_radiograph,
                               write_prediction)
from hyatt_mmpose.apis.prediction_records import (PREDICTION_FORMAT,
                                                  cephalometry)
from hyatt_mmpose.commands import predict as predict_tool
from hyatt_mmpose.datasets.metainfo import landmark_names
from hyatt_mmpose.utils import file_sha256
from hyatt_mmpose.utils.config_digest import prediction_config_sha256
from hyatt_mmpose.visualization import PLANES
from hyatt_mmpose.visualization.landmark_drawing import PLANE_COLOUR
from ..utils import shared_data


def strict_json(path) -> dict:
    """The file as JSON, refusing NaN and Infinity (which are not JSON)."""

    def refuse(constant):
        raise ValueError(f'{path}: {constant} is not JSON')

    with open(path) as f:
        return json.loads(f.read(), parse_constant=refuse)


def _senior_points(root) -> np.ndarray:
    """The senior doctor's 19 landmarks of ISBI 2015 image 001, px."""
    return np.loadtxt(
        f'{root}/AnnotationsByMD/400_senior/001.txt',
        delimiter=',',
        max_rows=19)


def test_cephalometric_models_get_measurements_classes_and_planes(tmp_path):
    root = shared_data('isbi2015')
    points = _senior_points(root)
    names = landmark_names('isbi2015')
    result = dict(
        image_path=f'{root}/RawImage/TrainingData/001.jpg',
        names=names,
        landmarks_px=points,
        landmarks_mm=points * 0.1,
        scores=np.ones(19),
        pixel_spacing=np.array([0.1, 0.1]))
    image = cv2.imread(result['image_path'])
    row = write_prediction(
        result, image, str(tmp_path), '001', draw_ceph_planes=True)
    record = json.load(open(tmp_path / '001.json'))
    assert record['cephalometry']['classes'] == dict(
        ANB=3, SNB=3, SNA=2, ODI=3, APDI=3, FHI=1, FMA=2, MW=3)
    assert row['ANB_class'] == 3 and row['SNA'] == pytest.approx(84.05, 0.01)
    overlay = cv2.imread(str(tmp_path / '001_overlay.png'))
    for a, b in PLANES.values():
        # 30 % of the way along: clear of the other planes and labels.
        mid = 0.7 * points[names.index(a)] + 0.3 * points[names.index(b)]
        x, y = np.round(mid).astype(int)
        assert tuple(overlay[y, x]) == PLANE_COLOUR, (a, b)
    # A model without these landmarks gets neither.
    result['names'] = landmark_names('synthetic')
    assert cephalometry(result) is None


def test_flags_that_withhold_the_measurements_and_those_that_do_not():
    points = _senior_points(shared_data('isbi2015'))
    names = landmark_names('isbi2015')
    flags = [[] for _ in names]
    result = dict(
        names=names,
        landmarks_px=points,
        scores=np.ones(19),
        pixel_spacing=np.array([0.1, 0.1]),
        flags=flags)
    plain = cephalometry(result)['values']
    # a refused refinement or a large radius: the values, as they are
    flags[names.index('sella')] = ['not_refined']
    flags[names.index('nasion')] = ['large_radius']
    assert cephalometry(result)['values'] == plain
    # a landmark off the image: no values, and which landmark says why
    flags[names.index('sella')] = ['not_refined', 'outside_image']
    said = cephalometry(result)
    assert said.startswith('not computed') and 'sella' in said


def test_a_landmark_that_is_not_a_number_is_null_and_drawn_nowhere(
        synthetic_root, tmp_path):
    """Kind 3: a position or score that is not a number (e.g. offsets
    holding NaN) went into the JSON as NaN, which is not JSON, and then the
    overlay crashed. Second member: the score."""
    names = landmark_names('synthetic')
    points = np.full((len(names), 2), 40.)
    points[1] = np.nan
    scores = np.ones(len(names))
    scores[2] = np.nan
    result = dict(
        image_path='x.png',
        names=names,
        landmarks_px=points,
        landmarks_mm=points * 0.5,
        scores=scores,
        flags=landmark_flags(points, scores, (96, 96)),
        pixel_spacing=np.array([0.5, 0.5]),
        warnings=[])
    image = cv2.imread(f'{synthetic_root}/images/test_0000.png')
    row = write_prediction(result, image, str(tmp_path), 'x')

    record = strict_json(tmp_path / 'x.json')
    first, nan, no_score = record['landmarks'][:3]
    assert first['x_px'] == 40. and first['x_mm'] == 20.
    assert [nan[k] for k in ('x_px', 'y_px', 'x_mm', 'y_mm')] == [None] * 4
    assert 'outside_image' in nan['flags']
    assert no_score['score'] is None and no_score['x_px'] == 40.
    assert 'no_peak' in no_score['flags']
    assert row[f'{names[1]}_x'] is None  # an empty cell
    overlay = cv2.imread(str(tmp_path / 'x_overlay.png'))
    assert overlay.shape[0] == image.shape[0]


@pytest.mark.filterwarnings('ignore:invalid value:RuntimeWarning')  # 0 / 0
def test_a_measurement_without_a_value_is_null(tmp_path):
    """Another member of the kind: sella and nasion predicted on one pixel
    leave the angles at them undefined (NaN), which went into the JSON as
    NaN, and with a calibration stopped the run (an 'empty interval')."""
    names = landmark_names('isbi2015')
    points = np.random.default_rng(0).uniform(10, 90, (len(names), 2))
    points[names.index('nasion')] = points[names.index('sella')]
    result = dict(
        image_path='x.png',
        names=names,
        landmarks_px=points,
        landmarks_mm=points * 0.1,
        scores=np.ones(len(names)),
        pixel_spacing=np.array([0.1, 0.1]),
        warnings=[])
    margins = dict.fromkeys(['SNA', 'SNB', 'ANB', 'FMA', 'FHI', 'MW'], 1.0)
    image = np.zeros((100, 100, 3), np.uint8)
    row = write_prediction(result, image, str(tmp_path), 'x', True, margins)
    ceph = strict_json(tmp_path / 'x.json')['cephalometry']
    undefined = {'SNA', 'SNB', 'ANB', 'FMA'}  # those of the line S-N
    assert {m for m, v in ceph['values'].items() if v is None} == undefined
    assert {m for m, c in ceph['classes'].items() if c is None} == undefined
    assert set(ceph['intervals']) == {'FHI', 'MW'}
    assert all(m in ceph['note'] for m in undefined)
    assert row['SNA'] is None and row['SNA_class'] is None
    assert row['FHI_low'] == pytest.approx(row['FHI'] - 1.0)


def test_a_notebook_writes_what_the_tool_writes(tiny_checkpoint,
                                                synthetic_root, tmp_path):
    """A user of LandmarkPredictor gets the JSON, overlay and table row of
    tools/predict.py from :func:`write_prediction`, and reads the JSON back
    with :func:`read_prediction`. Before, that writer lived in the command
    line's module only."""
    config, checkpoint = tiny_checkpoint
    image = f'{synthetic_root}/images/test_0000.png'
    assert predict_tool.main([
        config, checkpoint, image, '--spacing', '0.5', '--out-dir',
        str(tmp_path / 'tool')
    ]) == 0
    radiograph = read_radiograph(image)
    result = LandmarkPredictor(config, checkpoint).predict([radiograph],
                                                           0.5)[0]
    result['image_path'] = image
    row = write_prediction(result, radiograph.image, str(tmp_path / 'mine'),
                           'test_0000')
    for name in ('test_0000.json', 'test_0000_overlay.png'):
        assert (tmp_path / 'mine' / name).read_bytes() == \
            (tmp_path / 'tool' / name).read_bytes(), name
    record = read_prediction(str(tmp_path / 'mine' / 'test_0000.json'))
    assert record == strict_json(tmp_path / 'tool' / 'test_0000.json')
    np.testing.assert_allclose([[lm['x_px'], lm['y_px']]
                                for lm in record['landmarks']],
                               result['landmarks_px'],
                               rtol=1e-6)
    assert row[f'{record["landmarks"][0]["name"]}_x_mm'] == \
        record['landmarks'][0]['x_mm']
    # the record says which model wrote it, by content
    assert record['format'] == PREDICTION_FORMAT
    assert record['model']['checkpoint_sha256'] == file_sha256(checkpoint)
    assert record['model']['config'] == config
    assert record['model']['config_sha256'] == \
        prediction_config_sha256(Config.fromfile(config))


def test_a_record_of_another_format_is_refused(tmp_path):
    """A folder written by another version is refused, the file named,
    rather than misread."""
    path = tmp_path / 'old.json'
    path.write_text('{"image": "a.png", "landmarks": []}')
    with pytest.raises(
            ValueError,
            match='old.json: "format" is None, .*'
            'reads format 2.*predict the images again'):
        read_prediction(str(path))
    path.write_text('{"format": 3, "image": "a.png", "landmarks": []}')
    with pytest.raises(ValueError, match='"format" is 3'):
        read_prediction(str(path))


@pytest.mark.parametrize('text, says', [
    ('not JSON', 'not JSON'),
    ('[1, 2]', 'a JSON object, got list'),
    ('{"image": "a.png"}', '"landmarks" missing'),
    ('{"image": "a.png", "landmarks": [{"name": "s", "x_px": 1}]}',
     'landmark 1 lacks y_px, x_mm, y_mm, score, flags'),
])
def test_a_file_that_is_no_prediction_record_is_refused(tmp_path, text, says):
    path = tmp_path / 'x.json'
    path.write_text(text)
    with pytest.raises(ValueError, match=f'x.json: .*{says}'):
        read_prediction(str(path))
