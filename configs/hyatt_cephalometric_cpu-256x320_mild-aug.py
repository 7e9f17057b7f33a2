# configs/hyatt_cephalometric_cpu-256x320.py with the mild augmentation our
# configs used before the released one (no flip, scale 0.9-1.1, +-10 degrees,
# +-5 % shift, from mmpose's RandomBBoxTransform) and so no flip test; the
# 25 % framing stays. docs/results.md measures the choice of augmentation.
_base_ = ['./hyatt_cephalometric_cpu-256x320.py']

# the epochs of an hour on one core (its steps are a little quicker)
max_epochs = 28
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

model = dict(test_cfg=dict(flip_test=False))
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(
        type='RandomBBoxTransform',
        shift_factor=0.05,
        scale_factor=(0.9, 1.1),
        rotate_factor=10),
    dict(type='TopdownAffine', input_size={{_base_.input_size}}),
    dict(type='PhotometricDistortion'),
    dict(type='GenerateTarget', encoder={{_base_.codec}}, multilevel=True),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
