"""A checkpoint hook that never removes files outside its own directory."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmpose.registry import HOOKS


def _local_dir(path: str) -> str:
    """The directory ``path`` is in, resolved, for comparison."""
    if '://' in path:  # a remote backend: as written
        return path.rstrip('/').rsplit('/', 1)[0]
    # The parent's real path, not the file's: removing a link removes the
    # link, wherever it points.
    return osp.realpath(osp.dirname(osp.abspath(path)))


def _same_dir(a: str, b: str) -> bool:
    if '://' in a or '://' in b:
        return a.rstrip('/') == b.rstrip('/')
    return osp.realpath(a) == osp.realpath(b)


class _OwnDirOnly:
    """A file backend whose ``remove`` and ``rmtree`` act only on the
    entries of one directory; everything else passes through.

    Args:
        backend: mmengine's file backend (or file client).
        hook (WorkDirCheckpointHook): Its ``out_dir`` is the directory,
            read at each removal.
        logger: Where refusals are logged.
    """

    def __init__(self, backend, hook, logger):
        self._backend, self._hook, self._logger = backend, hook, logger

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def _owns(self, path: str) -> bool:
        path = str(path)
        if _same_dir(_local_dir(path), str(self._hook.out_dir)):
            return True
        self._logger.warning(
            f'Not removing {path}: it is outside this run\'s checkpoint '
            f'directory {self._hook.out_dir} (a checkpoint resumed from '
            'another work dir names the files of that run).')
        return False

    def remove(self, path) -> None:
        if self._owns(path):
            self._backend.remove(path)

    def rmtree(self, path) -> None:
        if self._owns(path):
            self._backend.rmtree(path)


@HOOKS.register_module()
class WorkDirCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` that removes only its own run's files.

    mmengine's hook removes the previous best checkpoint at the absolute
    path that the message hub stores, and the checkpoints beyond
    ``max_keep_ckpts`` by the ids it stores. Resuming a copy of a work dir,
    or ``--resume OTHER/epoch_N.pth --work-dir NEW``, restores those from
    the other run, so mmengine would remove that run's best checkpoint and,
    in ``NEW``, files named like that run's checkpoints. This hook:

    - removes files only directly in its own checkpoint directory
      (``out_dir``, by default the work dir), and logs a warning for any
      other path;
    - forgets the checkpoint ids of a run resumed from another directory
      (where the resumed state's last checkpoint was saved), so that
      ``max_keep_ckpts`` removes only checkpoints saved into this
      directory. Copies of that run's checkpoints in this directory are
      left in place.

    Arguments and everything else are those of ``CheckpointHook``; use
    ``type='WorkDirCheckpointHook'`` in ``default_hooks.checkpoint``.
    """

    def _checkpoint_dir(self, runner) -> str:
        # What CheckpointHook.before_train makes of out_dir: the work dir,
        # or out_dir joined with the work dir's name.
        if self.out_dir is None or self.out_dir == runner.work_dir:
            return runner.work_dir
        return osp.join(self.out_dir,
                        osp.basename(runner.work_dir.rstrip(osp.sep)))

    def before_train(self, runner) -> None:
        """Drops another directory's checkpoint ids, then sets up as
        ``CheckpointHook`` does, with removals kept to ``out_dir``.

        Args:
            runner (Runner): The runner, after it loaded or resumed.
        """
        hub = runner.message_hub
        last = hub.runtime_info.get('last_ckpt')
        if last is not None and hub.runtime_info.get('keep_ckpt_ids') and \
                not _same_dir(_local_dir(last), self._checkpoint_dir(runner)):
            if is_main_process():
                runner.logger.info(
                    f'Resumed from a run that saved its checkpoints in '
                    f'{osp.dirname(last)}: max_keep_ckpts will not remove '
                    'its checkpoints (or copies of them here).')
            hub.update_info('keep_ckpt_ids', [])
        super().before_train(runner)
        self.file_backend = _OwnDirOnly(self.file_backend, self, runner.logger)
