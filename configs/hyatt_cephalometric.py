# HYATT-Net on ISBI 2015 lateral cephalograms as its authors released it
# (ECNUACRush/HYATT-Net, configs/ISBI2015_dataset/ISBI2015_dataset.py):
# BiFormer encoder, FFCM neck and cascade heads at strides 4/2/1 with loss
# weights 1000/3000/3000, 1024 x 1216 (W x H) input framing the image with a
# 25 % margin, their augmentation and flip test, 200 epochs of which the
# first 50 warm up. What we do differently, and why: docs/model.md, "Where we
# differ from the release". Data: tools/dataset_converters/isbi2015.py.
_base_ = ['./_base_/default_runtime.py']

# runtime: the linear warm-up multiplies a cosine that runs over all epochs
# (mmcv 1.x CosineAnnealing with warmup_by_epoch), peaking near 3.84e-4
max_epochs = 200
warmup_epochs = 50
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=4.5e-4, weight_decay=0.01))
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
auto_scale_lr = dict(base_batch_size=2)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(
        type='WorkDirCheckpointHook',
        interval=10,
        save_best='MRE',
        rule='less',
        max_keep_ckpts=3))

# a few validation images drawn each round (work dir, TensorBoard if on)
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='SeenImagesHook'),
    dict(type='LandmarkVisualizationHook', num_images=4)
]

# codec settings: heatmaps at strides 4, 2 and 1, decoded with DARK (its
# blur kernel grown with sigma), sigma in heatmap pixels
input_size = (1024, 1216)
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
        arch='hyatt',
        # the image and stages 2-5 (strides 4-32); stage 1 feeds no decoder
        out_indices=(0, 2, 3, 4, 5),
        drop_path_rate=0.1),
    neck=dict(
        type='FFCMNeck',
        in_channels=[3, 128, 320, 512, 1024],
        in_strides=[1, 4, 8, 16, 32],
        channels=256),
    head=dict(
        type='CascadeHeatmapHead',
        in_channels=(256, 3),
        out_channels=19,
        feat_channels=256,
        image_channels=32,
        decoder=codec,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        loss_weights=(1000., 3000., 3000.)),
    # mirrored image averaged in, heatmaps shifted back (s - 1) / s pixels
    # at stride s (README, "Where we differ from the release")
    test_cfg=dict(flip_test=True, shift_heatmap='exact'))

# base dataset settings
dataset_type = 'ISBI2015Dataset'
data_mode = 'topdown'
data_root = 'data/isbi2015/'

# pipelines: the whole image plus a 25 % margin; a mirrored cephalogram
# keeps every landmark's identity (no swap pairs in the metainfo)
train_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='RandomFlip', direction='horizontal', prob=0.4),
    # brightness and contrast jitter; its saturation and hue steps leave a
    # grey radiograph (R = G = B) as it is
    dict(type='PhotometricDistortion'),
    dict(
        type='RandomScaleRotateShift',
        scale_sigma=0.5,
        scale_limits=(0.5, 1.5),
        rotate_sigma=40.,
        rotate_limit=80.,
        rotate_prob=0.6,
        shift_factor=0.15),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec, multilevel=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.25),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs')
]

# data loaders: checkpoints are chosen on val, carved out of the training set
train_dataloader = dict(
    batch_size=2,
    num_workers=4,
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
    batch_size=2,
    num_workers=4,
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
# Test1 and Test2 together, reported overall and each (test1/MRE, ...)
test_dataloader = dict(
    batch_size=2,
    num_workers=4,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(
                type=dataset_type,
                data_root=data_root,
                data_mode=data_mode,
                ann_file=f'annotations/{split}.json',
                data_prefix=dict(img=''),
                test_mode=True,
                split=split,
                pipeline=val_pipeline) for split in ('test1', 'test2')
        ]))

# evaluators: radial error, and the challenge's clinical classifications
val_evaluator = [
    dict(type='RadialErrorMetric'),
    dict(type='CephalometricClassificationMetric')
]
test_evaluator = val_evaluator
