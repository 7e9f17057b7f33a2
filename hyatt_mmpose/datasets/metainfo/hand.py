# Digital Hand Atlas radiographs, the public 37-landmark annotation. It does not name its points; the
# literature's mm protocol takes points 0 and 4 (wrist width) to be 50 mm apart.
dataset_info = dict(
    dataset_name='hand',
    paper_info=dict(
        author='Payer, Christian and others',
        title=('Integrating spatial configuration into heatmap '
               'regression based CNNs for landmark localization'),
        container='Medical Image Analysis',
        year='2019',
        homepage='https://ipilab.usc.edu/research/baaweb',
    ),
    keypoint_info={
        0: dict(name='hand_0', id=0, color=[255, 50, 50], type='', swap=''),
        1: dict(name='hand_1', id=1, color=[255, 84, 50], type='', swap=''),
        2: dict(name='hand_2', id=2, color=[255, 117, 50], type='', swap=''),
        3: dict(name='hand_3', id=3, color=[255, 150, 50], type='', swap=''),
        4: dict(name='hand_4', id=4, color=[255, 183, 50], type='', swap=''),
        5: dict(name='hand_5', id=5, color=[255, 216, 50], type='', swap=''),
        6: dict(name='hand_6', id=6, color=[255, 249, 50], type='', swap=''),
        7: dict(name='hand_7', id=7, color=[227, 255, 50], type='', swap=''),
        8: dict(name='hand_8', id=8, color=[194, 255, 50], type='', swap=''),
        9: dict(name='hand_9', id=9, color=[161, 255, 50], type='', swap=''),
        10:
        dict(name='hand_10', id=10, color=[128, 255, 50], type='', swap=''),
        11: dict(name='hand_11', id=11, color=[95, 255, 50], type='', swap=''),
        12: dict(name='hand_12', id=12, color=[62, 255, 50], type='', swap=''),
        13: dict(name='hand_13', id=13, color=[50, 255, 73], type='', swap=''),
        14:
        dict(name='hand_14', id=14, color=[50, 255, 106], type='', swap=''),
        15:
        dict(name='hand_15', id=15, color=[50, 255, 139], type='', swap=''),
        16:
        dict(name='hand_16', id=16, color=[50, 255, 172], type='', swap=''),
        17:
        dict(name='hand_17', id=17, color=[50, 255, 205], type='', swap=''),
        18:
        dict(name='hand_18', id=18, color=[50, 255, 238], type='', swap=''),
        19:
        dict(name='hand_19', id=19, color=[50, 238, 255], type='', swap=''),
        20:
        dict(name='hand_20', id=20, color=[50, 205, 255], type='', swap=''),
        21:
        dict(name='hand_21', id=21, color=[50, 172, 255], type='', swap=''),
        22: dict(
            name='hand_22', id=22, color=[50, 139, 255], type='', swap=''),
        23: dict(
            name='hand_23', id=23, color=[50, 106, 255], type='', swap=''),
        24: dict(name='hand_24', id=24, color=[50, 73, 255], type='', swap=''),
        25: dict(name='hand_25', id=25, color=[62, 50, 255], type='', swap=''),
        26: dict(name='hand_26', id=26, color=[95, 50, 255], type='', swap=''),
        27: dict(
            name='hand_27', id=27, color=[128, 50, 255], type='', swap=''),
        28: dict(
            name='hand_28', id=28, color=[161, 50, 255], type='', swap=''),
        29: dict(
            name='hand_29', id=29, color=[194, 50, 255], type='', swap=''),
        30: dict(
            name='hand_30', id=30, color=[227, 50, 255], type='', swap=''),
        31: dict(
            name='hand_31', id=31, color=[255, 50, 249], type='', swap=''),
        32: dict(
            name='hand_32', id=32, color=[255, 50, 216], type='', swap=''),
        33: dict(
            name='hand_33', id=33, color=[255, 50, 183], type='', swap=''),
        34: dict(
            name='hand_34', id=34, color=[255, 50, 150], type='', swap=''),
        35: dict(
            name='hand_35', id=35, color=[255, 50, 117], type='', swap=''),
        36: dict(name='hand_36', id=36, color=[255, 50, 84], type='', swap=''),
    },
    skeleton_info={},
    joint_weights=[1.0] * 37,
    # Only for COCO-style OKS, which landmark metrics do not use.
    sigmas=[0.025] * 37)
