"""Training a model from a config, as ``tools/train.py`` does."""
from typing import Optional

from mmengine.config import Config
from mmengine.runner import Runner

from ..utils.config_loading import (default_work_dir, load_config,
                                    unknown_setting)
from ..utils.distributed import leave_process_group, use_gloo_without_cuda
from ..utils.latest_checkpoint import latest_checkpoint
from ..utils.resume_check import check_resume
from ..utils.worker_death import end_workers_with_parent

#: What ``resume`` takes for the work dir's own latest checkpoint.
RESUME_LATEST = 'auto'


def training_config(config: str,
                    work_dir: Optional[str] = None,
                    resume: Optional[str] = None,
                    amp: bool = False,
                    validate: bool = True,
                    auto_scale_lr: bool = False,
                    cfg_options: Optional[dict] = None,
                    launcher: str = 'none') -> Config:
    """The config of a training run, with mmpose's ``tools/train.py``
    choices applied.

    Args:
        config (str): The config file.
        work_dir (str, optional): Where logs and checkpoints go; default
            the config's ``work_dir``, else ``work_dirs/<config name>``.
        resume (str, optional): A checkpoint to resume, or ``'auto'``
            (``RESUME_LATEST``) for the work dir's own latest one (with
            none there, the run starts afresh and says so).
        amp (bool): Automatic mixed precision (``AmpOptimWrapper``).
        validate (bool): False drops the config's validation.
        auto_scale_lr (bool): Scale the learning rate with the total batch.
        cfg_options (dict, optional): Overrides of config keys, applied
            last.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or
            ``'mpi'``.

    Returns:
        Config: The run's config.
    """
    cfg = load_config(config)
    if not validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.launcher = launcher
    if work_dir:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = default_work_dir(config)
    if amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if resume == RESUME_LATEST:
        # this work dir's own latest checkpoint; with none, start afresh
        # rather than let mmengine follow last_checkpoint, whose absolute
        # path may lead into another run
        cfg.load_from = latest_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
        if not cfg.resume:
            print(f'no checkpoint in {cfg.work_dir}: starting afresh')
    elif resume:
        cfg.resume, cfg.load_from = True, resume
    if auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def train(config: str,
          work_dir: Optional[str] = None,
          resume: Optional[str] = None,
          amp: bool = False,
          validate: bool = True,
          auto_scale_lr: bool = False,
          cfg_options: Optional[dict] = None,
          launcher: str = 'none') -> None:
    """Trains as ``tools/train.py`` does.

    A checkpoint to resume is checked against the config before the
    ``Runner`` is built (it makes the work dir and writes its log and a
    copy of the config there). Without CUDA, ``launcher='pytorch'`` runs
    over gloo; DataLoader workers end with their process.

    Args:
        config (str): The config file.
        work_dir (str, optional): Where logs and checkpoints go; default
            the config's ``work_dir``, else ``work_dirs/<config name>``.
        resume (str, optional): A checkpoint to resume, or ``'auto'`` for
            the work dir's own latest one.
        amp (bool): Automatic mixed precision (``AmpOptimWrapper``).
        validate (bool): False drops the config's validation.
        auto_scale_lr (bool): Scale the learning rate with the total batch.
        cfg_options (dict, optional): Overrides of config keys, applied
            last.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or
            ``'mpi'``.

    Raises:
        ResumeError: The checkpoint to resume is missing, not a training
            checkpoint, trained to the config's last epoch already, or
            saved with another optimizer; before anything is written.
        CheckpointMismatchError: The checkpoint to resume does not fit the
            config's model; before anything is written.
        UnsafeCheckpointError: The checkpoint holds objects other than
            tensors and plain data.
        ConfigError: No such config, or a component given a setting it
            does not take (a misspelled key).
    """
    cfg = training_config(config, work_dir, resume, amp, validate,
                          auto_scale_lr, cfg_options, launcher)
    if cfg.resume and cfg.load_from:
        check_resume(cfg, cfg.load_from, config)
    use_gloo_without_cuda(cfg)
    finished = False
    try:
        Runner.from_cfg(end_workers_with_parent(cfg)).train()
        finished = True
    except TypeError as err:
        # mmengine builds some parts (the loops) only once training starts
        refusal = unknown_setting(err, config)
        if refusal is None:
            raise
        raise refusal from None
    finally:
        leave_process_group(finished)
