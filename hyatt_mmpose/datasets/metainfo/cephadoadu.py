# CephAdoAdu cephalograms (adolescents and adults), 10 landmarks in the release order.
dataset_info = dict(
    dataset_name='cephadoadu',
    paper_info=dict(
        author='',
        title='CephAdoAdu cephalometric dataset',
        container='',
        year='',
        homepage='',
    ),
    keypoint_info={
        0:
        dict(name='cephadoadu_0', id=0, color=[255, 50, 50], type='', swap=''),
        1: dict(
            name='cephadoadu_1', id=1, color=[255, 173, 50], type='', swap=''),
        2: dict(
            name='cephadoadu_2', id=2, color=[214, 255, 50], type='', swap=''),
        3:
        dict(name='cephadoadu_3', id=3, color=[91, 255, 50], type='', swap=''),
        4: dict(
            name='cephadoadu_4', id=4, color=[50, 255, 132], type='', swap=''),
        5: dict(
            name='cephadoadu_5', id=5, color=[50, 255, 255], type='', swap=''),
        6: dict(
            name='cephadoadu_6', id=6, color=[50, 132, 255], type='', swap=''),
        7:
        dict(name='cephadoadu_7', id=7, color=[91, 50, 255], type='', swap=''),
        8: dict(
            name='cephadoadu_8', id=8, color=[214, 50, 255], type='', swap=''),
        9: dict(
            name='cephadoadu_9', id=9, color=[255, 50, 173], type='', swap=''),
    },
    skeleton_info={},
    joint_weights=[1.0] * 10,
    # Only for COCO-style OKS, which landmark metrics do not use.
    sigmas=[0.025] * 10)
