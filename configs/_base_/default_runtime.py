# Runtime shared by every hyatt_mmpose config. It is our own copy of mmpose's
# `_base_/default_runtime.py`: `mmpose::` base references need pkg_resources.
default_scope = 'mmpose'
custom_imports = dict(imports=['hyatt_mmpose'], allow_failed_imports=False)

# hooks
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='WorkDirCheckpointHook', interval=10),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='PoseVisualizationHook', enable=False))

# BatchNorm statistics are synchronised across processes after each epoch;
# every checkpoint records the images it has seen, by content, for the
# leakage checks of tools/calibrate.py and tools/adapt.py
custom_hooks = [dict(type='SyncBuffersHook'), dict(type='SeenImagesHook')]

# multi-processing backend; tools/train.py picks gloo where CUDA is absent
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))

# visualizer
vis_backends = [dict(type='LocalVisBackend')]
# No fixed name: mmengine names it after the run, so several runs in one
# process (tests, notebooks) do not share one visualizer and its save dir.
visualizer = dict(type='PoseLocalVisualizer', vis_backends=vis_backends)

# logger
log_processor = dict(
    type='LogProcessor', window_size=50, by_epoch=True, num_digits=6)
log_level = 'INFO'
load_from = None
resume = False

# file I/O backend
backend_args = dict(backend='local')

# training/validation/testing progress
train_cfg = dict(by_epoch=True)
val_cfg = dict()
test_cfg = dict()
