import numpy as np
import pytest

from hyatt_mmpose.analysis import classify, measure
from hyatt_mmpose.datasets.metainfo import landmark_names
from ..utils import shared_data

# The challenge's own label lines for image 001.
CLASSES_001 = dict(ANB=3, SNB=3, SNA=2, ODI=3, APDI=3, FHI=1, FMA=2, MW=3)


def read_isbi(who: str, image: str = '001') -> np.ndarray:
    root = shared_data('isbi2015')
    return np.loadtxt(
        f'{root}/AnnotationsByMD/400_{who}/{image}.txt',
        delimiter=',',
        max_rows=19)


@pytest.mark.parametrize('who', ['senior', 'junior'])
def test_image_001_gets_the_challenge_classes(who):
    assert classify(measure(read_isbi(who), 0.1)) == CLASSES_001


def base_face() -> np.ndarray:
    """A plausible profile (x forward, y down), ISBI order, in pixels."""
    pts = np.zeros((19, 2))
    named = {
        1: (600, 1000),
        2: (1300, 950),
        3: (1200, 1150),
        4: (500, 1150),
        5: (1300, 1450),
        6: (1250, 1850),
        7: (1280, 2000),
        8: (1200, 2100),
        9: (1250, 2070),
        10: (700, 1800),
        11: (1320, 1640),
        12: (1350, 1650),
        17: (800, 1400),
        18: (1350, 1380)
    }
    for k, xy in named.items():
        pts[k - 1] = xy
    return pts


def test_vectorised_over_images_with_per_image_spacing():
    faces = np.stack([base_face(), base_face() * 1.5])
    values = measure(faces, np.array([0.1, 0.2]))
    single = measure(base_face(), 0.1)
    for m in single:
        assert values[m][0] == pytest.approx(single[m])
    # Scaling the face keeps its angles; lengths scale with spacing too.
    assert values['SNA'][1] == pytest.approx(single['SNA'], abs=0.05)
    assert values['MW'][1] == pytest.approx(3 * single['MW'], rel=1e-2)


def test_b_ahead_of_a_gives_a_negative_anb():
    face = base_face()
    face[5] = (1400, 1850)  # B point well ahead of A
    v = measure(face, 0.1)
    assert v['ANB'] < 0 and v['ANB'] == pytest.approx(v['SNA'] - v['SNB'])
    assert classify(v)['ANB'] == 3


def test_palatal_term_sign_follows_ans_tilt():
    up, down = base_face(), base_face()
    up[17] = (1350, 1300)  # ANS tilted up relative to FH
    down[17] = (1350, 1500)  # and down
    p_up = measure(up, 0.1)['ODI'] - measure(base_face(), 0.1)['ODI']
    p_down = measure(down, 0.1)['ODI'] - measure(base_face(), 0.1)['ODI']
    assert p_up < 0 < p_down


def test_upper_incisor_behind_lower_gives_negative_mw():
    face = base_face()
    face[11] = (1300, 1650)  # upper tip behind the lower (x 1320)
    v = measure(face, 0.1)
    assert v['MW'] < 0
    assert classify(v)['MW'] == 3
    face[11] = face[10]  # edge to edge
    assert classify(measure(face, 0.1))['MW'] == 2


@pytest.mark.parametrize('name,value', [('SNA', 79.4), ('SNA', 83.2),
                                        ('SNB', 74.6), ('ANB', 5.7),
                                        ('ODI', 68.4), ('APDI', 85.2),
                                        ('FHI', 0.65), ('FMA', 31.4),
                                        ('MW', 2.0), ('MW', 4.5)])
def test_boundaries_belong_to_class_1(name, value):
    values = {
        m: 0.0
        for m in ('SNA', 'SNB', 'ANB', 'ODI', 'APDI', 'FHI', 'FMA', 'MW')
    }
    values[name] = value
    assert classify(values)[name] == 1


def test_datasets_without_the_landmarks_are_refused_by_name():
    with pytest.raises(ValueError, match='sella.*nasion'):
        measure(np.zeros((37, 2)), 0.1, landmark_names('hand'))


def test_aariz_names_map_to_the_same_measurements():
    aariz = landmark_names('aariz')
    isbi = landmark_names('isbi2015')
    face = base_face()
    pts = np.zeros((29, 2))
    for k, name in enumerate(isbi):
        if name in aariz:
            pts[aariz.index(name)] = face[k]
    assert measure(pts, 0.1, aariz) == pytest.approx(measure(face, 0.1))
