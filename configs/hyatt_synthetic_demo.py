# HYATT-Net (the released decoder), CPU-sized: narrow widths, a 128 x 128
# input and mild augmentation, trained on the synthetic set that
# tools/make_synthetic_dataset.py writes to data/synthetic. Trains in minutes
# on 2 CPU cores.
_base_ = ['./_base_/default_runtime.py']

# runtime
train_cfg = dict(max_epochs=20, val_interval=5)
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.01))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(
        type='CosineAnnealingLR',
        begin=0,
        end=20,
        T_max=20,
        by_epoch=True,
        convert_to_iter_based=True),
]
auto_scale_lr = dict(base_batch_size=16)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=5),
    checkpoint=dict(
        type='WorkDirCheckpointHook',
        interval=5,
        save_best='MRE',
        rule='less',
        max_keep_ckpts=2))

# a few validation images drawn each round (work dir, TensorBoard if on)
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='SeenImagesHook'),
    dict(type='LandmarkVisualizationHook', num_images=4)
]

# codec settings: heatmaps at strides 4, 2 and 1, decoded with DARK (its
# blur kernel grown with sigma)
input_size = (128, 128)
codec = [
    dict(
        type='MSRAHeatmap',
        input_size=input_size,
        heatmap_size=(input_size[0] // s, input_size[1] // s),
        sigma=sigma,
        unbiased=True,
        blur_kernel_size=6 * sigma - 1)
    for s, sigma in ((4, 2), (2, 2), (1, 4))
]

# model settings
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='BiFormer',
        arch=dict(
            depths=[1, 1, 1, 1, 1],
            widths=[16, 32, 48, 64, 96],
            n_wins=[4, 4, 4, 2, 2],
            topks=[1, 4, 4, 2, -1],
            kv_per_wins=2,
            mlp_ratios=[4, 4, 4, 2, 2],
            head_dim=16,
            embed='patch',
            arm=True,
            image_output=True),
        # the image and stages 2-5 (strides 4-32), as released
        out_indices=(0, 2, 3, 4, 5),
        drop_path_rate=0.05),
    neck=dict(
        type='FFCMNeck',
        in_channels=[3, 32, 48, 64, 96],
        in_strides=[1, 4, 8, 16, 32],
        channels=32),
    head=dict(
        type='CascadeHeatmapHead',
        in_channels=(32, 3),
        out_channels=19,
        feat_channels=32,
        image_channels=8,
        decoder=codec,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        loss_weights=(1000., 3000., 3000.)),
    # the synthetic faces are not mirrored in training: no flip test
    test_cfg=dict(flip_test=False))

# base dataset settings
dataset_type = 'SyntheticLandmarkDataset'
data_mode = 'topdown'
data_root = 'data/synthetic/'

# pipelines
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(
        type='RandomBBoxTransform',
        shift_factor=0.05,
        scale_factor=(0.9, 1.1),
        rotate_factor=10),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec, multilevel=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs')
]

# data loaders
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/train.json',
        data_prefix=dict(img=''),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/val.json',
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/test.json',
        data_prefix=dict(img=''),
        test_mode=True,
        pipeline=val_pipeline))

# evaluators
val_evaluator = dict(type='RadialErrorMetric')
test_evaluator = val_evaluator
