# configs/hyatt_synthetic_demo.py followed by the full-resolution refinement
# stage (PatchRefinementHead), for `make demo`: each landmark found again in
# a 32 x 32 patch at the image's own pixel (zoom 2 of the coarse 128 x 128
# input of a 256 x 256 image). Trained after the coarse model, from its
# checkpoint: --cfg-options model.coarse_checkpoint=COARSE_CHECKPOINT
_base_ = ['./hyatt_synthetic_demo.py']

# runtime
max_epochs = 10
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(optimizer=dict(type='AdamW', lr=2e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=10, start_factor=0.01, by_epoch=False),
    dict(
        type='CosineAnnealingLR',
        begin=0,
        end=max_epochs,
        T_max=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True),
]
custom_hooks = [dict(type='SyncBuffersHook'), dict(type='SeenImagesHook')]

# model settings: the demo's coarse model, frozen, and the refinement
model = dict(
    type='RefinedTopdownPoseEstimator',
    coarse_checkpoint=None,
    refiner=dict(
        type='PatchRefinementHead',
        num_keypoints=19,
        patch_size=32,
        zoom=2.,
        channels=(16, 32, 64),
        sigma=1.5,
        offset_sigma=1.,
        min_score=0.3))

# pipelines: the full-resolution grey image travels with each sample
meta_keys = ('id', 'img_id', 'img_path', 'category_id', 'crowd_index',
             'ori_shape', 'img_shape', 'input_size', 'input_center',
             'input_scale', 'flip', 'flip_direction', 'flip_indices',
             'raw_ann_info', 'dataset_name', 'full_image')
refine_pipeline = [
    dict(type='LoadRadiograph'),
    dict(type='GetBBoxCenterScale', padding=1.0),
    dict(type='StoreFullImage'),
    dict(type='TopdownAffine', input_size={{_base_.input_size}}),
    dict(type='PackPoseInputs', meta_keys=meta_keys)
]

# data loaders
train_dataloader = dict(dataset=dict(pipeline=refine_pipeline))
val_dataloader = dict(dataset=dict(pipeline=refine_pipeline))
test_dataloader = dict(dataset=dict(pipeline=refine_pipeline))
