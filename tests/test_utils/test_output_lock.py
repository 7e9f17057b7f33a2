"""One run at a time per output (issue #23, kind 4: two runs into one
folder both said "done" and one's rows were lost)."""
import multiprocessing
import os
import signal

import pytest

from hyatt_mmpose.utils import OutputLockedError, output_lock
from hyatt_mmpose.utils.output_lock import lock_path_of


def hold(path, held, release):
    """Another run: holds the lock until told to let go."""
    with output_lock(path):
        held.set()
        release.wait(30)


@pytest.fixture
def other_run():
    """Starts a second process holding the lock on a path (a real
    concurrent run); yields (start, process)."""
    context = multiprocessing.get_context('fork')
    held, release = context.Event(), context.Event()
    processes = []

    def start(path):
        process = context.Process(target=hold, args=(path, held, release))
        process.start()
        processes.append(process)
        assert held.wait(30)
        return process, release

    yield start
    # a killed holder never acknowledges the wake-up: set() would wait
    if any(process.is_alive() for process in processes):
        release.set()
    for process in processes:
        process.join(30)


def test_a_second_run_is_refused_at_once_naming_output_and_pid(
        other_run, tmp_path):
    out = tmp_path / 'cal.json'
    process, release = other_run(str(out))
    with pytest.raises(OutputLockedError) as err:
        with output_lock(str(out)):
            out.write_text('should not happen')
    assert str(out) in str(err.value)
    assert f'pid {process.pid}' in str(err.value)
    assert not out.exists()
    release.set()
    process.join(30)
    # released and removed: the next run locks it and nothing is left over
    assert not os.path.exists(lock_path_of(str(out)))
    with output_lock(str(out)):
        out.write_text('{}')
    assert os.listdir(tmp_path) == ['cal.json']


def test_a_killed_holder_blocks_no_one(other_run, tmp_path):
    """Second member of the kind: a run killed while writing (no cleanup
    ran) must not refuse every later run."""
    out = tmp_path / 'predictions' / 'landmarks.csv'
    process, _ = other_run(str(out))
    os.kill(process.pid, signal.SIGKILL)
    process.join(30)
    assert os.path.exists(lock_path_of(str(out)))  # left by the killed run
    with output_lock(str(out)):
        # and this run's pid is the one a third run would be told
        assert open(lock_path_of(str(out))).read() == f'{os.getpid()}\n'
    assert not os.path.exists(lock_path_of(str(out)))


def test_within_one_process_too(tmp_path):
    """Two runs of a tool's main() in one process (as tests do) are two
    runs as well: flock locks belong to each opening of the file."""
    out = str(tmp_path / 'landmarks.csv')
    with output_lock(out):
        with pytest.raises(OutputLockedError, match='another run'):
            with output_lock(out):
                pass
