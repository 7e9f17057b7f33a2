# Aariz cephalograms (the published HYATT-Net code calls it 'ISBI2023'), 29 landmarks in the
# release's order (A, ANS, B, Me, N, Or, Pog, PNS, Pn, R, S, Ar, Co, Gn, Go, Po, LPM, LIT, LMT, UPM,
# UIA, UIT, UMT, LIA, Li, Ls, N', Pog', Sn), named as in isbi2015.py where the two share a landmark.
dataset_info = dict(
    dataset_name='aariz',
    paper_info=dict(
        author='Khalid, Muhammad Anwaar and others',
        title=(
            'Aariz: A Benchmark Dataset for Automatic '
            'Cephalometric Landmark Detection and CVM Stage Classification'),
        container='arXiv:2302.07797',
        year='2023',
        homepage='https://github.com/manwaarkhd/aariz-cephalometric-dataset',
    ),
    keypoint_info={
        0:
        dict(name='subspinale', id=0, color=[255, 50, 50], type='', swap=''),
        1:
        dict(
            name='anterior_nasal_spine',
            id=1,
            color=[255, 93, 50],
            type='',
            swap=''),
        2:
        dict(
            name='supramentale', id=2, color=[255, 135, 50], type='', swap=''),
        3:
        dict(name='menton', id=3, color=[255, 177, 50], type='', swap=''),
        4:
        dict(name='nasion', id=4, color=[255, 219, 50], type='', swap=''),
        5:
        dict(name='orbitale', id=5, color=[247, 255, 50], type='', swap=''),
        6:
        dict(name='pogonion', id=6, color=[205, 255, 50], type='', swap=''),
        7:
        dict(
            name='posterior_nasal_spine',
            id=7,
            color=[163, 255, 50],
            type='',
            swap=''),
        8:
        dict(name='pronasale', id=8, color=[121, 255, 50], type='', swap=''),
        9:
        dict(name='ramus', id=9, color=[79, 255, 50], type='', swap=''),
        10:
        dict(name='sella', id=10, color=[50, 255, 65], type='', swap=''),
        11:
        dict(name='articulare', id=11, color=[50, 255, 107], type='', swap=''),
        12:
        dict(name='condylion', id=12, color=[50, 255, 149], type='', swap=''),
        13:
        dict(name='gnathion', id=13, color=[50, 255, 191], type='', swap=''),
        14:
        dict(name='gonion', id=14, color=[50, 255, 233], type='', swap=''),
        15:
        dict(name='porion', id=15, color=[50, 233, 255], type='', swap=''),
        16:
        dict(
            name='lower_second_premolar_cusp_tip',
            id=16,
            color=[50, 191, 255],
            type='',
            swap=''),
        17:
        dict(
            name='lower_incisal_incision',
            id=17,
            color=[50, 149, 255],
            type='',
            swap=''),
        18:
        dict(
            name='lower_molar_cusp_tip',
            id=18,
            color=[50, 107, 255],
            type='',
            swap=''),
        19:
        dict(
            name='upper_second_premolar_cusp_tip',
            id=19,
            color=[50, 65, 255],
            type='',
            swap=''),
        20:
        dict(
            name='upper_incisor_apex',
            id=20,
            color=[79, 50, 255],
            type='',
            swap=''),
        21:
        dict(
            name='upper_incisal_incision',
            id=21,
            color=[121, 50, 255],
            type='',
            swap=''),
        22:
        dict(
            name='upper_molar_cusp_tip',
            id=22,
            color=[163, 50, 255],
            type='',
            swap=''),
        23:
        dict(
            name='lower_incisor_apex',
            id=23,
            color=[205, 50, 255],
            type='',
            swap=''),
        24:
        dict(name='lower_lip', id=24, color=[247, 50, 255], type='', swap=''),
        25:
        dict(name='upper_lip', id=25, color=[255, 50, 219], type='', swap=''),
        26:
        dict(
            name='soft_tissue_nasion',
            id=26,
            color=[255, 50, 177],
            type='',
            swap=''),
        27:
        dict(
            name='soft_tissue_pogonion',
            id=27,
            color=[255, 50, 135],
            type='',
            swap=''),
        28:
        dict(name='subnasale', id=28, color=[255, 50, 93], type='', swap=''),
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
            link=('upper_incisor_apex', 'upper_incisal_incision'),
            id=10,
            color=[255, 255, 255]),
        11:
        dict(
            link=('lower_incisor_apex', 'lower_incisal_incision'),
            id=11,
            color=[255, 255, 255]),
        12:
        dict(
            link=('soft_tissue_nasion', 'pronasale'),
            id=12,
            color=[255, 255, 255]),
        13:
        dict(link=('pronasale', 'subnasale'), id=13, color=[255, 255, 255]),
        14:
        dict(link=('subnasale', 'upper_lip'), id=14, color=[255, 255, 255]),
        15:
        dict(link=('upper_lip', 'lower_lip'), id=15, color=[255, 255, 255]),
        16:
        dict(
            link=('lower_lip', 'soft_tissue_pogonion'),
            id=16,
            color=[255, 255, 255]),
    },
    joint_weights=[1.0] * 29,
    # Only for COCO-style OKS, which landmark metrics do not use.
    sigmas=[0.025] * 29)
