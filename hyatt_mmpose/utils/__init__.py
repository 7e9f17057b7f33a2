from .atomic_write import atomic_write
from .config_loading import (ConfigError, default_work_dir, load_config,
                             unknown_setting)
from .distributed import leave_process_group, use_gloo_without_cuda
from .file_hash import file_sha256
from .input_size import input_size_of
from .latest_checkpoint import latest_checkpoint
from .output_lock import OutputLockedError, output_lock
from .overwrite_guard import check_outputs_free
from .resume_check import ResumeError, check_resume
from .safe_checkpoint import (SAFE_GLOBALS, UnsafeCheckpointError,
                              install_safe_checkpoint_loader, safe_torch_load)
from .spreadsheet_csv import spreadsheet_cell, write_spreadsheet_csv
from .strict_checkpoint import CheckpointMismatchError, load_checkpoint_strict
from .worker_death import end_workers_with_parent, parent_bound_worker_init

__all__ = [
    'ConfigError', 'unknown_setting', 'SAFE_GLOBALS',
    'CheckpointMismatchError', 'OutputLockedError', 'ResumeError',
    'UnsafeCheckpointError', 'atomic_write', 'check_outputs_free',
    'check_resume', 'default_work_dir', 'end_workers_with_parent',
    'file_sha256', 'input_size_of', 'install_safe_checkpoint_loader',
    'latest_checkpoint', 'leave_process_group', 'load_checkpoint_strict',
    'load_config', 'output_lock', 'parent_bound_worker_init',
    'safe_torch_load', 'spreadsheet_cell', 'use_gloo_without_cuda',
    'write_spreadsheet_csv'
]
