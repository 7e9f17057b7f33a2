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
        root, splits=(('train', 8), ('val', 4), ('test', 4)), size=96,
        seed=0)
    return root
