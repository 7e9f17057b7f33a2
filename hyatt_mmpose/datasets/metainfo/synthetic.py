# The synthetic set of hyatt_mmpose.datasets.synthetic: 19 plate corners;
# the skeleton draws the plate outlines.
dataset_info = dict(
    dataset_name='synthetic',
    paper_info=dict(
        author='hyatt_mmpose',
        title='Synthetic radiograph-like landmarks',
        container='',
        year='2026',
        homepage=''),
    keypoint_info={
        0:
        dict(
            name='cranial_base_0', id=0, color=[255, 50, 50], type='',
            swap=''),
        1:
        dict(
            name='cranial_base_1',
            id=1,
            color=[255, 115, 50],
            type='',
            swap=''),
        2:
        dict(
            name='cranial_base_2',
            id=2,
            color=[255, 179, 50],
            type='',
            swap=''),
        3:
        dict(
            name='cranial_base_3',
            id=3,
            color=[255, 244, 50],
            type='',
            swap=''),
        4:
        dict(name='maxilla_0', id=4, color=[201, 255, 50], type='', swap=''),
        5:
        dict(name='maxilla_1', id=5, color=[136, 255, 50], type='', swap=''),
        6:
        dict(name='maxilla_2', id=6, color=[72, 255, 50], type='', swap=''),
        7:
        dict(name='maxilla_3', id=7, color=[50, 255, 93], type='', swap=''),
        8:
        dict(name='mandible_0', id=8, color=[50, 255, 158], type='', swap=''),
        9:
        dict(name='mandible_1', id=9, color=[50, 255, 222], type='', swap=''),
        10:
        dict(name='mandible_2', id=10, color=[50, 222, 255], type='', swap=''),
        11:
        dict(name='mandible_3', id=11, color=[50, 158, 255], type='', swap=''),
        12:
        dict(name='mandible_4', id=12, color=[50, 93, 255], type='', swap=''),
        13:
        dict(name='incisor_0', id=13, color=[72, 50, 255], type='', swap=''),
        14:
        dict(name='incisor_1', id=14, color=[136, 50, 255], type='', swap=''),
        15:
        dict(name='incisor_2', id=15, color=[201, 50, 255], type='', swap=''),
        16:
        dict(name='nose_0', id=16, color=[255, 50, 244], type='', swap=''),
        17:
        dict(name='nose_1', id=17, color=[255, 50, 179], type='', swap=''),
        18:
        dict(name='nose_2', id=18, color=[255, 50, 115], type='', swap=''),
    },
    skeleton_info={
        0:
        dict(
            link=('cranial_base_0', 'cranial_base_1'),
            id=0,
            color=[255, 255, 255]),
        1:
        dict(
            link=('cranial_base_1', 'cranial_base_2'),
            id=1,
            color=[255, 255, 255]),
        2:
        dict(
            link=('cranial_base_2', 'cranial_base_3'),
            id=2,
            color=[255, 255, 255]),
        3:
        dict(
            link=('cranial_base_3', 'cranial_base_0'),
            id=3,
            color=[255, 255, 255]),
        4:
        dict(link=('maxilla_0', 'maxilla_1'), id=4, color=[255, 255, 255]),
        5:
        dict(link=('maxilla_1', 'maxilla_2'), id=5, color=[255, 255, 255]),
        6:
        dict(link=('maxilla_2', 'maxilla_3'), id=6, color=[255, 255, 255]),
        7:
        dict(link=('maxilla_3', 'maxilla_0'), id=7, color=[255, 255, 255]),
        8:
        dict(link=('mandible_0', 'mandible_1'), id=8, color=[255, 255, 255]),
        9:
        dict(link=('mandible_1', 'mandible_2'), id=9, color=[255, 255, 255]),
        10:
        dict(link=('mandible_2', 'mandible_3'), id=10, color=[255, 255, 255]),
        11:
        dict(link=('mandible_3', 'mandible_4'), id=11, color=[255, 255, 255]),
        12:
        dict(link=('mandible_4', 'mandible_0'), id=12, color=[255, 255, 255]),
        13:
        dict(link=('incisor_0', 'incisor_1'), id=13, color=[255, 255, 255]),
        14:
        dict(link=('incisor_1', 'incisor_2'), id=14, color=[255, 255, 255]),
        15:
        dict(link=('incisor_2', 'incisor_0'), id=15, color=[255, 255, 255]),
        16:
        dict(link=('nose_0', 'nose_1'), id=16, color=[255, 255, 255]),
        17:
        dict(link=('nose_1', 'nose_2'), id=17, color=[255, 255, 255]),
        18:
        dict(link=('nose_2', 'nose_0'), id=18, color=[255, 255, 255]),
    },
    joint_weights=[1.0] * 19,
    # Only for COCO-style OKS, which landmark metrics do not use.
    sigmas=[0.025] * 19)
