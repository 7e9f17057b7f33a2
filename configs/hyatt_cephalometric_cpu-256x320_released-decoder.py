# configs/hyatt_cephalometric_cpu-256x320.py with the released decoder (the
# FFCM neck and cascade heads of configs/hyatt_cephalometric.py at half
# width) in place of our full-resolution one; 27 epochs, the hour of one core
# for its slower steps. docs/results.md compares the two.
_base_ = ['./hyatt_cephalometric_cpu-256x320.py']

max_epochs = 27
warmup_epochs = max_epochs // 4
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(
        type='LinearLR',
        begin=0,
        end=warmup_epochs,
        start_factor=1e-5,
        by_epoch=True,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        begin=0,
        end=max_epochs,
        T_max=max_epochs,
        eta_min=0.,
        by_epoch=True,
        convert_to_iter_based=True),
]

model = dict(
    # the image and stages 2-5 (strides 4-32); stage 1 feeds no decoder
    backbone=dict(out_indices=(0, 2, 3, 4, 5)),
    neck=dict(
        _delete_=True,
        type='FFCMNeck',
        in_channels=[3, 64, 128, 256, 512],
        in_strides=[1, 4, 8, 16, 32],
        channels=128),
    head=dict(
        _delete_=True,
        type='CascadeHeatmapHead',
        in_channels=(128, 3),
        out_channels=19,
        feat_channels=128,
        image_channels=16,
        decoder={{_base_.codec}},
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        loss_weights=(1000., 3000., 3000.)))
