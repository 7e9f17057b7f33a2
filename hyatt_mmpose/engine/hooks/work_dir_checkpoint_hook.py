"""A checkpoint hook that never removes files outside its own directory."""
import os.path as osp
from typing import Optional

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


@HOOKS.register_module()
class WorkDirCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` that removes only its own run's files.

    mmengine's hook removes the previous best checkpoint at the absolute
    path that the message hub stores, and the checkpoints beyond
    ``max_keep_ckpts`` by the ids it stores. Resuming a copy of a work dir,
    or ``--resume OTHER/epoch_N.pth --work-dir NEW``, restores those from
    the other run, so mmengine would remove that run's best checkpoint and,
    in ``NEW``, files named like that run's checkpoints. This hook:

    - forgets a resumed best checkpoint outside its own checkpoint
      directory (``out_dir``, by default the work dir), with a warning that
      it will be kept, so that mmengine neither removes it when it saves a
      better one nor logs that it did;
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
        """Drops another directory's checkpoint ids, sets up as
        ``CheckpointHook`` does, then forgets another directory's best
        checkpoints.

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
        # mmengine removes the best checkpoint it holds when it saves a
        # better one, and logs the removal
        if self.save_best is None:
            return
        if len(self.key_indicators) == 1:
            self.best_ckpt_path = self._own_best(runner,
                                                 self.key_indicators[0],
                                                 self.best_ckpt_path)
        else:
            for key, path in self.best_ckpt_path_dict.items():
                self.best_ckpt_path_dict[key] = self._own_best(
                    runner, key, path)

    def _own_best(self, runner, key: str,
                  path: Optional[str]) -> Optional[str]:
        """``path``, or None (with a warning) where it is outside
        ``out_dir``."""
        if path is None or _same_dir(_local_dir(path), self.out_dir):
            return path
        if is_main_process():
            runner.logger.warning(
                f'Not removing {path} when a better {key} checkpoint is '
                'saved: it is outside this run\'s checkpoint directory '
                f'{self.out_dir} (the resumed checkpoint names the files of '
                'the run that saved it).')
        return None
