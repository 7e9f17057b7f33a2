"""tools/review.py as a user runs it: reports, refusals, and the server
started, used and stopped with Ctrl+C."""
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from hyatt_mmpose.commands import review as review_tool
from ..test_review.review_folders import write_folder
from ..utils import REPO_ROOT


def test_report_writes_every_images_html_and_pdf(tmp_path, capsys):
    predictions = write_folder(tmp_path)
    assert review_tool.main([predictions, '--report']) == 0
    reports = sorted(os.listdir(f'{predictions}/review/reports'))
    assert reports == [
        f'ceph_{i}.{ext}' for i in range(3) for ext in ('html', 'pdf')
    ]
    assert 'ceph_2: ' in capsys.readouterr().out


def test_a_folder_with_a_missing_image_is_refused(tmp_path, capsys):
    predictions = write_folder(tmp_path)
    os.remove(tmp_path / 'images' / 'ceph_1.png')
    assert review_tool.main([predictions]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ') and 'ceph_1.json: its image' in err
    assert not os.path.exists(f'{predictions}/review')


@pytest.mark.slow
@pytest.mark.parametrize('host', ['127.0.0.1', '0.0.0.0'])
def test_the_server_prints_its_url_serves_and_stops_on_ctrl_c(tmp_path, host):
    predictions = write_folder(tmp_path)
    server = subprocess.Popen([
        sys.executable, 'tools/review.py', predictions, '--reviewer', 'ana',
        '--host', host
    ],
                              cwd=REPO_ROOT,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE,
                              text=True)
    try:
        lines = [server.stdout.readline(), server.stdout.readline()]
        url = re.search(r'Open (\S+) ', lines[1]).group(1)
        local = url.replace('0.0.0.0', '127.0.0.1')
        api = re.sub(r'/(\?token=.*)?$', '/api/images', local)
        if host == '0.0.0.0':
            # not the loopback interface: a token, required
            token = re.search(r'\?token=(\S+)$', url).group(1)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(api, timeout=10)
            assert refused.value.code == 401
            api += f'?token={token}'
        else:
            assert re.fullmatch(r'http://127\.0\.0\.1:\d+/', url)
        with urllib.request.urlopen(api, timeout=10) as answer:
            assert json.load(answer)['reviewer'] == 'ana'
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert 'stopped; the review is saved in' in out
    assert 'Traceback' not in err


def ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.slow
def test_ctrl_c_the_moment_the_url_is_printed_stops_it(tmp_path):
    """A new user's SIGINT right after the URL appeared was lost (the URL
    came before uvicorn's handler was in place) and the server stayed up.
    Started as a shell's background job is (``tools/review.py ... &``):
    SIGINT ignored until uvicorn installs its handler."""
    predictions = write_folder(tmp_path)
    server = subprocess.Popen([sys.executable, 'tools/review.py', predictions],
                              preexec_fn=ignore_sigint,
                              cwd=REPO_ROOT,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE,
                              text=True)
    try:
        while 'Open http' not in server.stdout.readline():
            assert server.poll() is None, server.stderr.read()
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        server.kill()  # still up: the test has failed with a timeout
    assert server.returncode == 0, err
    assert 'stopped; the review is saved in' in out


def test_report_names_each_failing_image_and_goes_on(tmp_path, capsys):
    predictions = write_folder(tmp_path)
    state = f'{predictions}/review/images/ceph_1.json'
    os.makedirs(os.path.dirname(state))
    with open(state, 'w') as f:
        f.write('not json')
    assert review_tool.main([predictions, '--report']) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert errors[0].startswith(
        f'error: {state}: cannot be read as a review state')
    assert errors[1:] == ['1 of 3 reports failed']
    assert 'ceph_0: ' in captured.out and 'ceph_2: ' in captured.out
    reports = sorted(os.listdir(f'{predictions}/review/reports'))
    assert reports == [
        f'ceph_{i}.{ext}' for i in (0, 2) for ext in ('html', 'pdf')
    ]
