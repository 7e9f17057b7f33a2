# ISBI 2015 Grand Challenge lateral cephalograms, 19 landmarks in the challenge order.
dataset_info = dict(
    dataset_name='isbi2015',
    paper_info=dict(
        author='Wang, Ching-Wei and Huang, Cheng-Ta and others',
        title=('A benchmark for comparison '
               'of dental radiography analysis algorithms'),
        container='Medical Image Analysis',
        year='2016',
        homepage='https://figshare.com/s/37ec464af8e81ae6ebbf',
    ),
    keypoint_info={
        0:
        dict(name='sella', id=0, color=[255, 50, 50], type='', swap=''),
        1:
        dict(name='nasion', id=1, color=[255, 115, 50], type='', swap=''),
        2:
        dict(name='orbitale', id=2, color=[255, 179, 50], type='', swap=''),
        3:
        dict(name='porion', id=3, color=[255, 244, 50], type='', swap=''),
        4:
        dict(name='subspinale', id=4, color=[201, 255, 50], type='', swap=''),
        5:
        dict(
            name='supramentale', id=5, color=[136, 255, 50], type='', swap=''),
        6:
        dict(name='pogonion', id=6, color=[72, 255, 50], type='', swap=''),
        7:
        dict(name='menton', id=7, color=[50, 255, 93], type='', swap=''),
        8:
        dict(name='gnathion', id=8, color=[50, 255, 158], type='', swap=''),
        9:
        dict(name='gonion', id=9, color=[50, 255, 222], type='', swap=''),
        10:
        dict(
            name='lower_incisal_incision',
            id=10,
            color=[50, 222, 255],
            type='',
            swap=''),
        11:
        dict(
            name='upper_incisal_incision',
            id=11,
            color=[50, 158, 255],
            type='',
            swap=''),
        12:
        dict(name='upper_lip', id=12, color=[50, 93, 255], type='', swap=''),
        13:
        dict(name='lower_lip', id=13, color=[72, 50, 255], type='', swap=''),
        14:
        dict(name='subnasale', id=14, color=[136, 50, 255], type='', swap=''),
        15:
        dict(
            name='soft_tissue_pogonion',
            id=15,
            color=[201, 50, 255],
            type='',
            swap=''),
        16:
        dict(
            name='posterior_nasal_spine',
            id=16,
            color=[255, 50, 244],
            type='',
            swap=''),
        17:
        dict(
            name='anterior_nasal_spine',
            id=17,
            color=[255, 50, 179],
            type='',
            swap=''),
        18:
        dict(name='articulare', id=18, color=[255, 50, 115], type='', swap=''),
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
            link=('lower_incisal_incision', 'upper_incisal_incision'),
            id=10,
            color=[255, 255, 255]),
        11:
        dict(link=('upper_lip', 'lower_lip'), id=11, color=[255, 255, 255]),
        12:
        dict(link=('subnasale', 'upper_lip'), id=12, color=[255, 255, 255]),
        13:
        dict(
            link=('lower_lip', 'soft_tissue_pogonion'),
            id=13,
            color=[255, 255, 255]),
    },
    joint_weights=[1.0] * 19,
    # Only for COCO-style OKS, which landmark metrics do not use.
    sigmas=[0.025] * 19)
