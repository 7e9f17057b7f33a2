"""Testing a checkpoint on a config's test set, as ``tools/test.py`` does."""
import copy
import json
from typing import Dict, Optional

from mmengine.config import Config
from mmengine.runner import Runner

from ..calibration import CalibrationError, LandmarkCalibration
from ..utils.atomic_write import atomic_write
from ..utils.config_digest import prediction_config_sha256
from ..utils.config_loading import default_work_dir, load_config
from ..utils.distributed import leave_process_group, use_gloo_without_cuda
from ..utils.file_hash import file_sha256
from ..utils.strict_checkpoint import load_checkpoint_strict
from ..utils.worker_death import end_workers_with_parent
from .inference_model import build_inference_model
from .landmark_predictor import check_made_for

#: What a file of predictions (mmengine's ``DumpResults``) is named.
DUMP_SUFFIXES = ('.pkl', '.pickle')


def testing_config(config: str,
                   checkpoint: str,
                   work_dir: Optional[str] = None,
                   dump: Optional[str] = None,
                   calibration: Optional[str] = None,
                   cfg_options: Optional[dict] = None,
                   launcher: str = 'none') -> Config:
    """The config of a test run, with mmpose's ``tools/test.py`` choices
    applied.

    Args:
        config (str): The config file.
        checkpoint (str): The checkpoint to test.
        work_dir (str, optional): Where logs go; default the config's
            ``work_dir``, else ``work_dirs/<config name>``.
        dump (str, optional): A ``.pkl`` file to write every prediction to
            (mmengine's ``DumpResults``).
        calibration (str, optional): A file of ``tools/calibrate.py``
            whose coverage is reported too (``ConformalCoverageMetric``).
        cfg_options (dict, optional): Overrides of config keys.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or
            ``'mpi'``.

    Returns:
        Config: The run's config.

    Raises:
        ValueError: If ``dump`` does not name a ``.pkl`` file.
    """
    if dump and not dump.endswith(DUMP_SUFFIXES):
        raise ValueError(f'{dump}: the dump must be a .pkl file (mmengine '
                         'pickles the predictions)')
    cfg = load_config(config, cfg_options)
    cfg.launcher = launcher
    cfg.work_dir = work_dir or cfg.get('work_dir') or default_work_dir(config)
    cfg.load_from = checkpoint
    evaluator = cfg.test_evaluator
    cfg.test_evaluator = [evaluator] if isinstance(evaluator, dict) \
        else list(evaluator)
    if dump:
        cfg.test_evaluator.append(dict(type='DumpResults', out_file_path=dump))
    if calibration:
        # the adaptive radii read the spread of the predicted heatmaps
        cfg.model.setdefault('test_cfg', {})['output_heatmaps'] = True
        cfg.test_evaluator.append(
            dict(type='ConformalCoverageMetric', calibration=calibration))
    return cfg


def check_calibration_fits(path: str, cfg: Config, checkpoint: str) -> None:
    """Refuses a calibration file that the test's predictions would not
    keep the promise of: unreadable or edited, made for another checkpoint
    or prediction config, or with site offsets (which the test applies
    none of).

    Args:
        path (str): The calibration file.
        cfg (Config): The test config.
        checkpoint (str): The checkpoint tested.

    Raises:
        CalibrationError: Naming ``path`` and the fix.
    """
    record = LandmarkCalibration.load(path).record
    check_made_for(path, record, 'checkpoint', checkpoint,
                   file_sha256(checkpoint), prediction_config_sha256(cfg),
                   'calibrated on', CalibrationError,
                   'calibrate this model (tools/calibrate.py)')
    if record.get('site_offsets_sha256'):
        raise CalibrationError(
            f'{path}: calibrated with site offsets {record["site_offsets"]}, '
            'which tools/test.py does not apply; measure its coverage with '
            'tools/analysis/plot_coverage.py, or calibrate without offsets')


def test(config: str,
         checkpoint: str,
         work_dir: Optional[str] = None,
         out: Optional[str] = None,
         dump: Optional[str] = None,
         calibration: Optional[str] = None,
         cfg_options: Optional[dict] = None,
         launcher: str = 'none') -> Dict[str, float]:
    """Tests a checkpoint as ``tools/test.py`` does.

    Args:
        config (str): The config file.
        checkpoint (str): The checkpoint to test.
        work_dir (str, optional): Where logs go; default the config's
            ``work_dir``, else ``work_dirs/<config name>``.
        out (str, optional): A JSON file to write the metrics to,
            atomically.
        dump (str, optional): A ``.pkl`` file to write every prediction to
            (mmengine's ``DumpResults``).
        calibration (str, optional): A file of ``tools/calibrate.py``
            whose coverage is reported too (``ConformalCoverageMetric``).
        cfg_options (dict, optional): Overrides of config keys.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or
            ``'mpi'``.

    Returns:
        dict: The test metrics.

    Raises:
        ValueError: If ``dump`` does not name a ``.pkl`` file.
        CheckpointMismatchError: If the checkpoint does not fit the config,
            before the work dir is made.
        UnsafeCheckpointError: If the checkpoint is no PyTorch checkpoint
            or holds objects other than tensors and plain data, as early.
        CalibrationError: If ``calibration`` cannot be used with this
            checkpoint and config (see ``check_calibration_fits``),
            before the work dir is made.
    """
    cfg = testing_config(config, checkpoint, work_dir, dump, calibration,
                         cfg_options, launcher)
    if calibration:
        check_calibration_fits(calibration, cfg, checkpoint)
    # mmengine loads load_from non-strictly, and only once the runner has
    # made the work dir: a checkpoint that does not fit is refused first,
    # on a model of its own
    load_checkpoint_strict(
        build_inference_model(copy.deepcopy(cfg), 'cpu'), checkpoint, config)
    use_gloo_without_cuda(cfg)
    runner = None
    finished = False
    try:
        runner = Runner.from_cfg(end_workers_with_parent(cfg))
        metrics = runner.test()
        finished = True
    finally:
        # the runner, and so its DDP wrapper, goes before the process group
        del runner
        leave_process_group(finished)
    if out:
        with atomic_write(out) as f:
            json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)
    return metrics


# a library function, not a test: pytest leaves it alone where it is
# imported into a test module
test.__test__ = False
