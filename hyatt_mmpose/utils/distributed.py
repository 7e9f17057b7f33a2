"""Distributed runs on machines without CUDA."""
import gc

import torch
import torch.distributed as dist
from mmengine.config import Config


def use_gloo_without_cuda(cfg: Config) -> None:
    """Makes ``--launcher pytorch`` work on CPU-only machines.

    mmengine 0.10.7's launcher would initialise the config's backend (nccl)
    and call ``torch.cuda.set_device``; with the gloo process group made here
    first it skips its own set-up. DDP takes no ``device_ids`` for CPU
    modules. Does nothing when CUDA is there or the run is not distributed.

    Args:
        cfg (Config): The run's config, with ``launcher`` set; updated in
            place.
    """
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return
    if cfg.launcher != 'pytorch':
        raise SystemExit(f'--launcher {cfg.launcher} needs CUDA; on a CPU '
                         'machine use tools/dist_train.sh (torchrun)')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    cfg.env_cfg.dist_cfg = dict(backend='gloo')
    cfg.model_wrapper_cfg = dict(
        type='MMDistributedDataParallel',
        device_ids=None,
        broadcast_buffers=False)


def leave_process_group(finished: bool) -> None:
    """Ends the process group of a distributed run, if there is one.

    Called when a run ends: a process that exits with its gloo group alive
    can abort in the interpreter's shutdown (``terminate called without an
    active exception``), turning a finished run into a failed one. The
    group outlives ``destroy_process_group`` while anything refers to it
    (the DDP wrapper of a runner kept in a reference cycle), so garbage is
    collected and the group's threads end here, not in the interpreter's
    shutdown. After a finished run the ranks wait for each other first, so
    that none closes its connections while another still ends its run;
    after a failed one they do not (the others may never come), and the
    traceback may still hold the runner, so the group can outlive this
    call: a failed run may then end with an abort instead of its exit
    status 1.

    Args:
        finished (bool): Whether the run ended without an exception.
    """
    gc.collect()
    if dist.is_available() and dist.is_initialized():
        if finished:
            dist.barrier()
        dist.destroy_process_group()
