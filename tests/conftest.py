import pytest


@pytest.fixture(scope='session', autouse=True)
def mmpose_scope():
    """What every config does: mmpose's default scope, our components."""
    from mmengine.registry import init_default_scope

    import hyatt_mmpose  # noqa: F401
    init_default_scope('mmpose')


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory) -> str:
    """A small synthetic landmark set: 8 train, 4 val, 4 test images."""
    from hyatt_mmpose.datasets.synthetic import make_synthetic_dataset
    root = str(tmp_path_factory.mktemp('synthetic'))
    make_synthetic_dataset(
        root, splits=(('train', 8), ('val', 4), ('test', 4)), size=96, seed=0)
    return root


@pytest.fixture(scope='session')
def tiny_checkpoint(synthetic_root, tmp_path_factory):
    """(config file, checkpoint) of the tiny preset trained for 12 epochs:
    enough for peaked heatmaps, whose sub-pixel (DARK) decoding is stable."""
    from mmengine.runner import Runner

    from .utils import tiny_config
    work = tmp_path_factory.mktemp('tiny_run')
    cfg = tiny_config(synthetic_root, str(work / 'run'), max_epochs=12)
    cfg.train_cfg.val_interval = 12
    config = str(work / 'tiny.py')
    cfg.dump(config)
    Runner.from_cfg(cfg).train()
    return config, str(work / 'run' / 'epoch_12.pth')


@pytest.fixture(scope='session')
def tiny_refined_checkpoint(synthetic_root, tiny_checkpoint, tmp_path_factory):
    """(config file, checkpoint) of the tiny refined model: the refinement
    trained 4 epochs on top of ``tiny_checkpoint``'s coarse model."""
    from mmengine.runner import Runner

    from .utils import tiny_refined_config
    work = tmp_path_factory.mktemp('tiny_refined_run')
    cfg = tiny_refined_config(
        synthetic_root, str(work / 'run'), tiny_checkpoint[1], max_epochs=4)
    cfg.train_cfg.val_interval = 4
    config = str(work / 'tiny_refined.py')
    cfg.dump(config)
    Runner.from_cfg(cfg).train()
    return config, str(work / 'run' / 'epoch_4.pth')
