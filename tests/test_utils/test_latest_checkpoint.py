from hyatt_mmpose.utils import latest_checkpoint


def test_latest_checkpoint_is_this_work_dirs_own(tmp_path):
    assert latest_checkpoint(str(tmp_path)) is None
    for name in ('epoch_2.pth', 'epoch_10.pth', 'best_MRE_epoch_12.pth',
                 'iter_50.pth'):
        (tmp_path / name).write_bytes(b'')
    # what a copied run's last_checkpoint holds: the original's path
    (tmp_path / 'last_checkpoint').write_text('/elsewhere/epoch_30.pth')
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_10.pth')
