# Our own decoder variant on the CPU-sized ISBI 2015 setting of
# configs/hyatt_cephalometric_cpu-256x320.py (same encoder, data,
# augmentation, loss weights, flip and schedule shape): the fused stride-4 map
# is corrected by stage 1 at stride 2 and by the image at full resolution,
# with one conv head per level and no heatmaps fed forward.
# docs/results.md measures it against the released decoder.
_base_ = ['./hyatt_cephalometric_cpu-256x320.py']

max_epochs = 40
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
    backbone=dict(out_indices=(0, 1, 2, 3, 4, 5)),
    neck=dict(
        _delete_=True,
        type='FullResolutionFFCMNeck',
        in_channels=[3, 32, 64, 128, 256, 512],
        in_strides=[1, 2, 4, 8, 16, 32],
        channels=32,
        image_channels=16,
        out_strides=(4, 2, 1)),
    head=dict(
        _delete_=True,
        type='MultiResolutionHeatmapHead',
        in_channels=32,
        out_channels=19,
        strides=(4, 2, 1),
        decoder={{_base_.codec}},
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        loss_weights=(1000., 3000., 3000.)))
