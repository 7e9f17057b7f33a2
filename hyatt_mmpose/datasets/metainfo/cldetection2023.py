# CL-Detection 2023 (MICCAI) cephalograms, 38 landmarks in the challenge order; the first 19 are
# the ISBI 2015 landmarks and keep their names.
dataset_info = dict(
    dataset_name='cldetection2023',
    paper_info=dict(
        author='CL-Detection 2023 Challenge',
        title='Cephalometric Landmark Detection in Lateral X-ray Images',
        container='MICCAI 2023 challenge',
        year='2023',
        homepage='https://cl-detection2023.grand-challenge.org',
    ),
    keypoint_info={
        0:
        dict(name='sella', id=0, color=[255, 50, 50], type='', swap=''),
        1:
        dict(name='nasion', id=1, color=[255, 83, 50], type='', swap=''),
        2:
        dict(name='orbitale', id=2, color=[255, 115, 50], type='', swap=''),
        3:
        dict(name='porion', id=3, color=[255, 147, 50], type='', swap=''),
        4:
        dict(name='subspinale', id=4, color=[255, 179, 50], type='', swap=''),
        5:
        dict(
            name='supramentale', id=5, color=[255, 212, 50], type='', swap=''),
        6:
        dict(name='pogonion', id=6, color=[255, 244, 50], type='', swap=''),
        7:
        dict(name='menton', id=7, color=[233, 255, 50], type='', swap=''),
        8:
        dict(name='gnathion', id=8, color=[201, 255, 50], type='', swap=''),
        9:
        dict(name='gonion', id=9, color=[169, 255, 50], type='', swap=''),
        10:
        dict(
            name='lower_incisal_incision',
            id=10,
            color=[136, 255, 50],
            type='',
            swap=''),
        11:
        dict(
            name='upper_incisal_incision',
            id=11,
            color=[104, 255, 50],
            type='',
            swap=''),
        12:
        dict(name='upper_lip', id=12, color=[72, 255, 50], type='', swap=''),
        13:
        dict(name='lower_lip', id=13, color=[50, 255, 61], type='', swap=''),
        14:
        dict(name='subnasale', id=14, color=[50, 255, 93], type='', swap=''),
        15:
        dict(
            name='soft_tissue_pogonion',
            id=15,
            color=[50, 255, 126],
            type='',
            swap=''),
        16:
        dict(
            name='posterior_nasal_spine',
            id=16,
            color=[50, 255, 158],
            type='',
            swap=''),
        17:
        dict(
            name='anterior_nasal_spine',
            id=17,
            color=[50, 255, 190],
            type='',
            swap=''),
        18:
        dict(name='articulare', id=18, color=[50, 255, 222], type='', swap=''),
        19:
        dict(
            name='symphysis_centre',
            id=19,
            color=[50, 255, 255],
            type='',
            swap=''),
        20:
        dict(
            name='upper_incisor_apex',
            id=20,
            color=[50, 222, 255],
            type='',
            swap=''),
        21:
        dict(
            name='lower_incisor_apex',
            id=21,
            color=[50, 190, 255],
            type='',
            swap=''),
        22:
        dict(name='columella', id=22, color=[50, 158, 255], type='', swap=''),
        23:
        dict(
            name='pterygomaxillary_fissure',
            id=23,
            color=[50, 126, 255],
            type='',
            swap=''),
        24:
        dict(name='condylion', id=24, color=[50, 93, 255], type='', swap=''),
        25:
        dict(name='pronasale', id=25, color=[50, 61, 255], type='', swap=''),
        26:
        dict(name='basion', id=26, color=[72, 50, 255], type='', swap=''),
        27:
        dict(name='pt_point', id=27, color=[104, 50, 255], type='', swap=''),
        28:
        dict(name='bolton', id=28, color=[136, 50, 255], type='', swap=''),
        29:
        dict(
            name='upper_lip_vermilion_border',
            id=29,
            color=[169, 50, 255],
            type='',
            swap=''),
        30:
        dict(
            name='lower_lip_vermilion_border',
            id=30,
            color=[201, 50, 255],
            type='',
            swap=''),
        31:
        dict(
            name='soft_tissue_gnathion',
            id=31,
            color=[233, 50, 255],
            type='',
            swap=''),
        32:
        dict(
            name='soft_tissue_menton',
            id=32,
            color=[255, 50, 244],
            type='',
            swap=''),
        33:
        dict(name='glabella', id=33, color=[255, 50, 212], type='', swap=''),
        34:
        dict(
            name='soft_tissue_nasion',
            id=34,
            color=[255, 50, 179],
            type='',
            swap=''),
        35:
        dict(
            name='cervical_point',
            id=35,
            color=[255, 50, 147],
            type='',
            swap=''),
        36:
        dict(
            name='upper_molar', id=36, color=[255, 50, 115], type='', swap=''),
        37:
        dict(name='lower_molar', id=37, color=[255, 50, 83], type='', swap=''),
    },
    skeleton_info={
        0:
        dict(link=('sella', 'nasion'), id=0, color=[255, 255, 255]),
        1:
        dict(link=('porion', 'orbitale'), id=1, color=[255, 255, 255]),
        2:
        dict(
            link=('posterior_nasal_spine', 'anterior_nasal_spine'),
            id=2,
            color=[255, 255, 255]),
        3:
        dict(link=('gonion', 'menton'), id=3, color=[255, 255, 255]),
        4:
        dict(link=('articulare', 'gonion'), id=4, color=[255, 255, 255]),
        5:
        dict(link=('nasion', 'subspinale'), id=5, color=[255, 255, 255]),
        6:
        dict(link=('subspinale', 'supramentale'), id=6, color=[255, 255, 255]),
        7:
        dict(link=('supramentale', 'pogonion'), id=7, color=[255, 255, 255]),
        8:
        dict(link=('pogonion', 'gnathion'), id=8, color=[255, 255, 255]),
        9:
        dict(link=('gnathion', 'menton'), id=9, color=[255, 255, 255]),
        10:
        dict(
            link=('lower_incisal_incision', 'lower_incisor_apex'),
            id=10,
            color=[255, 255, 255]),
        11:
        dict(
            link=('upper_incisal_incision', 'upper_incisor_apex'),
            id=11,
            color=[255, 255, 255]),
        12:
        dict(link=('upper_lip', 'lower_lip'), id=12, color=[255, 255, 255]),
        13:
        dict(link=('subnasale', 'upper_lip'), id=13, color=[255, 255, 255]),
        14:
        dict(
            link=('lower_lip', 'soft_tissue_pogonion'),
            id=14,
            color=[255, 255, 255]),
    },
    joint_weights=[1.0] * 38,
    # Only for COCO-style OKS, which landmark metrics do not use.
    sigmas=[0.025] * 38)
