"""The review server's API through Starlette's test client: what it
serves, what it saves, and every rule of safety (hyatt_mmpose.review
.review_app)."""
import asyncio
import json
import os
import os.path as osp
from urllib.parse import unquote

import cv2
import numpy as np
import pytest
from starlette.testclient import TestClient

from hyatt_mmpose.analysis import measure
from hyatt_mmpose.datasets import LandmarkDataset
from hyatt_mmpose.datasets.metainfo import landmark_names, metainfo_file
from hyatt_mmpose.review import ReviewStore
from hyatt_mmpose.review.review_app import allowed_hosts, create_app
from .review_folders import ISBI_POINTS, WIDTH

# The address the test client's requests name (Host, Origin).
PORT = 8765
BASE_URL = f'http://127.0.0.1:{PORT}'
JSON = {'Content-Type': 'application/json'}


def review_files(predictions: str) -> list:
    review = osp.join(predictions, 'review')
    if not osp.isdir(review):
        return []
    return sorted(f for f in os.listdir(review) if not f.startswith('.'))


def review_app(predictions: str, token=None):
    return create_app(
        ReviewStore(predictions, 'ana'), allowed_hosts('127.0.0.1', PORT),
        token)


@pytest.fixture
def client(predictions) -> TestClient:
    return TestClient(review_app(predictions), base_url=BASE_URL)


def test_the_page_its_files_and_the_images_are_served(client, predictions):
    page = client.get('/')
    assert page.status_code == 200 and '<table id="measurements">' in page.text
    for name in ('review.js', 'review.css'):
        assert client.get(f'/static/{name}').status_code == 200
    listed = client.get('/api/images').json()
    assert [i['name'] for i in listed['images']][0] == 'ceph_1'
    assert listed['reviewer'] == 'ana'
    png = client.get('/image', params={'image': 'ceph_0'})
    assert png.headers['content-type'] == 'image/png'
    decoded = cv2.imdecode(
        np.frombuffer(png.content, np.uint8), cv2.IMREAD_COLOR)
    original = cv2.imread(
        osp.join(osp.dirname(predictions), 'images', 'ceph_0.png'))
    np.testing.assert_array_equal(decoded, original)
    state = client.get('/api/state', params={'image': 'ceph_0'}).json()
    assert state['width'] == WIDTH and len(state['queue']) == 19
    assert review_files(predictions) == []  # reading writes nothing


@pytest.mark.parametrize(
    'path',
    [
        '/image?image=../images/ceph_0',
        '/image?image=ceph_9',
        '/image?image=/etc/passwd',
        '/api/state?image=review/ceph_0',
        '/static/..%2Freview_store.py',  # the client keeps it: path is '../'
        '/static/index.htm',
        '/ceph_0.json',
    ])
def test_only_the_images_the_predictions_name_are_served(client, path):
    assert client.get(path).status_code == 404


def raw_get(app, path: str) -> int:
    """The status of a GET of ``path`` exactly as written, dot segments
    and all, as ``curl --path-as-is`` sends it and uvicorn passes it on
    (httpx, and so the test client, would remove them first)."""
    scope = dict(
        type='http',
        asgi=dict(version='3.0'),
        http_version='1.1',
        method='GET',
        scheme='http',
        path=unquote(path),
        raw_path=path.encode(),
        root_path='',
        query_string=b'',
        headers=[(b'host', f'127.0.0.1:{PORT}'.encode())],
        client=('127.0.0.1', 50000),
        server=('127.0.0.1', PORT))
    sent = []

    async def exchange():
        answered = asyncio.Event()
        requests = [dict(type='http.request', body=b'', more_body=False)]

        async def receive():
            if requests:
                return requests.pop()
            await answered.wait()  # the client leaves once answered
            return dict(type='http.disconnect')

        async def send(message):
            sent.append(message)
            if message['type'] == 'http.response.body' and not message.get(
                    'more_body', False):
                answered.set()

        await app(scope, receive, send)

    asyncio.run(exchange())
    return sent[0]['status']


@pytest.mark.parametrize('path', [
    '/static/../review_store.py',
    '/static/..',
    '/static/../../setup.py',
    '/../predictions/ceph_0.json',
    '/image/../ceph_0.json',
])
def test_paths_with_dot_segments_sent_raw_get_404(predictions, path):
    assert raw_get(review_app(predictions), path) == 404
    assert raw_get(review_app(predictions), '/static/review.js') == 200


def test_a_change_is_saved_and_answered(client, predictions):
    answer = client.post(
        '/api/move',
        json=dict(
            image='ceph_0', landmark='sella', x=75.5, y=98.0, action='move'))
    assert answer.status_code == 200
    state = answer.json()
    with open(osp.join(predictions, 'review', 'images', 'ceph_0.json')) as f:
        saved = json.load(f)
    assert saved['landmarks'][0]['x_px'] == 75.5
    assert state['landmarks'][0] == saved['landmarks'][0]
    points = ISBI_POINTS.copy()
    points[0] = [75.5, 98.0]
    values = measure(points, 1.0, landmark_names('isbi2015'))
    assert {
        r['name']: r['value']
        for r in state['cephalometry']['rows']
    } == pytest.approx(values)
    assert review_files(predictions) == [
        'annotations.json', 'images', 'review_log.jsonl'
    ]
    for path, body in (('/api/reset', dict(landmark='sella')), ('/api/undo',
                                                                {}),
                       ('/api/ruler',
                        dict(points=[[0, 0], [3, 4]],
                             length_mm=2.5)), ('/api/reviewed',
                                               dict(reviewed=True))):
        answer = client.post(path, json=dict(body, image='ceph_0'))
        assert answer.status_code == 200, (path, answer.text)
    state = answer.json()
    assert state['landmarks'][0]['x_px'] == 75.5  # reset, then undone
    assert state['pixel_spacing'] == pytest.approx([0.5, 0.5])
    assert state['reviewed']['done'] and state['reviewed']['by'] == 'ana'


@pytest.mark.parametrize('body, says', [
    (dict(landmark='bregma', x=1, y=1), "unknown landmark 'bregma'"),
    (dict(landmark='sella', x=float('nan'), y=1), 'not a number'),
    (dict(landmark='sella', x=1e9, y=1), 'outside the image'),
    (dict(landmark='sella', x=-1, y=1), 'outside the image'),
    (dict(landmark='sella', x=None, y=1), 'two numbers'),
    (dict(landmark='sella', x=1), 'lacks y'),
])
def test_a_bad_move_is_a_400_with_the_reason_and_nothing_written(
        client, predictions, body, says):
    answer = client.post(
        '/api/move',
        content=json.dumps(dict(body, image='ceph_0', action='move')),
        headers=JSON)
    assert answer.status_code == 400
    assert says in answer.json()['error']
    assert review_files(predictions) == []


@pytest.mark.parametrize('path, body, status, says', [
    ('/api/ruler', dict(image='ceph_0', points=[[0, 0], [3, 4]],
                        length_mm=0), 400, 'positive'),
    ('/api/ruler',
     dict(image='ceph_0', points=[[0, 0], [3, 4]],
          length_mm=float('nan')), 400, 'positive'),
    ('/api/ruler', dict(image='ceph_0', points=[[0, 0], [0, 0]],
                        length_mm=5), 400, 'the same'),
    ('/api/undo', dict(image='ceph_0'), 400, 'nothing to undo'),
    ('/api/reviewed', dict(image='ceph_0',
                           reviewed='yes'), 400, 'true or false'),
    ('/api/undo', dict(image='../ceph_0'), 404, 'no such image'),
    ('/api/move', [1, 2], 400, 'a JSON object'),
])
def test_bad_requests_are_refused_and_nothing_written(client, predictions,
                                                      path, body, status,
                                                      says):
    answer = client.post(path, content=json.dumps(body), headers=JSON)
    assert answer.status_code == status
    assert says in answer.json()['error']
    assert review_files(predictions) == []


def test_a_body_that_is_not_json_is_a_400(client, predictions):
    answer = client.post('/api/undo', content=b'{image: ceph_0', headers=JSON)
    assert answer.status_code == 400
    assert 'not JSON' in answer.json()['error']
    assert review_files(predictions) == []


def test_with_a_token_every_request_needs_it(predictions):
    client = TestClient(review_app(predictions, 's3cret'), base_url=BASE_URL)
    for path in ('/', '/static/review.js', '/api/images',
                 '/image?image=ceph_0', '/api/state?image=ceph_0'):
        assert client.get(path).status_code == 401, path
        assert client.get(
            path, headers={
                'X-Review-Token': 'wrong'
            }).status_code == 401
    refused = client.post(
        '/api/move',
        json=dict(image='ceph_0', landmark='sella', x=1, y=1, action='move'))
    assert refused.status_code == 401
    assert review_files(predictions) == []
    assert client.get(
        '/api/images', headers={
            'X-Review-Token': 's3cret'
        }).status_code == 200
    # the page's URL carries it; the page's own requests then carry the
    # cookie its answer set
    assert client.get('/?token=s3cret').status_code == 200
    assert client.get('/static/review.js').status_code == 200
    client.cookies.clear()
    assert client.get('/static/review.js').status_code == 401


def test_the_reviewed_set_is_read_by_landmark_dataset(client, predictions):
    for name, x in (('ceph_0', 90.0), ('ceph_2', 91.0)):
        client.post(
            '/api/move',
            json=dict(
                image=name, landmark='porion', x=x, y=120.0, action='move'))
        client.post('/api/reviewed', json=dict(image=name, reviewed=True))
    dataset = LandmarkDataset(
        ann_file=osp.join(predictions, 'review', 'annotations.json'),
        metainfo=dict(from_file=metainfo_file('isbi2015')),
        pipeline=[],
        test_mode=True)
    infos = sorted((dataset.get_data_info(i) for i in range(len(dataset))),
                   key=lambda info: info['img_path'])
    assert [osp.basename(i['img_path'])
            for i in infos] == ['ceph_0.png', 'ceph_2.png']
    for info, (x, shift) in zip(infos, ((90.0, 0), (91.0, 2))):
        expected = ISBI_POINTS + shift
        expected[3] = [x, 120.0]
        np.testing.assert_allclose(info['keypoints'][0], expected)


def test_the_report_is_written_and_shown(client, predictions):
    client.post(
        '/api/move',
        json=dict(
            image='ceph_0', landmark='gonion', x=60.0, y=170.0, action='move'))
    written = client.post('/api/report', json=dict(image='ceph_0')).json()
    assert written == dict(
        html='review/reports/ceph_0.html', pdf='review/reports/ceph_0.pdf')
    shown = client.get('/report', params={'image': 'ceph_0'})
    assert shown.status_code == 200
    assert '<th scope="row">10</th><td>gonion</td>' in shown.text


def test_showing_a_report_writes_nothing(client, predictions):
    answer = client.get('/report', params={'image': 'ceph_0'})
    assert answer.status_code == 404
    assert 'no report yet' in answer.json()['error']
    assert review_files(predictions) == []


@pytest.mark.parametrize('host', [
    'evil.example', f'evil.example:{PORT}', '127.0.0.1:1', f'127.0.0.2:{PORT}'
])
def test_a_request_naming_another_host_is_refused(client, predictions, host):
    for path in ('/', '/api/images', '/image?image=ceph_0'):
        answer = client.get(path, headers={'Host': host})
        assert answer.status_code == 403, path
        assert 'host not allowed' in answer.json()['error']
    answer = client.post(
        '/api/reviewed',
        json=dict(image='ceph_0', reviewed=True),
        headers={'Host': host})
    assert answer.status_code == 403
    assert review_files(predictions) == []


@pytest.mark.parametrize('host', [
    f'localhost:{PORT}', f'[::1]:{PORT}', f'LOCALHOST:{PORT}',
    f'127.0.0.1:{PORT}'
])
def test_the_servers_own_names_are_allowed(client, host):
    assert client.get('/api/images', headers={'Host': host}).status_code == 200


def test_the_host_it_listens_on_is_allowed():
    assert allowed_hosts('10.0.0.5', 80) == {
        '127.0.0.1:80', 'localhost:80', '[::1]:80', '10.0.0.5:80'
    }
    assert '[fe80::1]:80' in allowed_hosts('fe80::1', 80)


@pytest.mark.parametrize('kind', [None, 'text/plain', 'multipart/form-data'])
def test_a_change_not_sent_as_json_is_a_415(client, predictions, kind):
    body = json.dumps(dict(image='ceph_0', reviewed=True))
    answer = client.post(
        '/api/reviewed',
        content=body,
        headers={} if kind is None else {'Content-Type': kind})
    assert answer.status_code == 415
    assert 'application/json' in answer.json()['error']
    assert review_files(predictions) == []


@pytest.mark.parametrize(
    'origin', ['http://evil.example', f'http://127.0.0.1:{PORT + 1}', 'null'])
def test_a_change_from_another_origin_is_a_403(client, predictions, origin):
    answer = client.post(
        '/api/reviewed',
        json=dict(image='ceph_0', reviewed=True),
        headers={'Origin': origin})
    assert answer.status_code == 403
    assert 'origin not allowed' in answer.json()['error']
    assert review_files(predictions) == []


def test_a_change_from_the_page_itself_is_allowed(client):
    answer = client.post(
        '/api/reviewed',
        json=dict(image='ceph_0', reviewed=True),
        headers={
            'Origin': BASE_URL,
            'Content-Type': 'application/json; charset=utf-8'
        })
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    'length, says',
    [
        ('1e400', 'finite positive number'),  # json reads inf
        ('-Infinity', 'finite positive number'),
        ('1e-320', 'outside 0.001 to 10'),  # positive, yet not a spacing
        ('100', 'outside 0.001 to 10'),  # 20 mm per pixel over 5 pixels
    ])
def test_a_ruler_length_beyond_any_radiograph_is_a_400(client, predictions,
                                                       length, says):
    body = '{"image": "ceph_0", "points": [[0, 0], [3, 4]], ' \
        f'"length_mm": {length}}}'
    answer = client.post('/api/ruler', content=body, headers=JSON)
    assert answer.status_code == 400
    error = answer.json()['error']
    assert error.startswith('length_mm: ') and says in error
    assert review_files(predictions) == []


def test_a_corrupt_state_is_a_500_naming_the_file(client, predictions):
    client.post('/api/reviewed', json=dict(image='ceph_0', reviewed=True))
    path = osp.join(predictions, 'review', 'images', 'ceph_0.json')
    with open(path, 'w') as f:
        f.write('{"landmarks": [')
    answer = client.get('/api/state', params={'image': 'ceph_0'})
    assert answer.status_code == 500
    assert answer.json()['error'].startswith(
        f'{path}: cannot be read as a review state')


def test_an_unreadable_image_is_a_500_naming_the_file(client, predictions):
    image = osp.join(osp.dirname(predictions), 'images', 'ceph_0.png')
    open(image, 'wb').close()  # emptied after the review started
    for path in ('/image', '/api/state'):
        answer = client.get(path, params={'image': 'ceph_0'})
        assert answer.status_code == 500, path
        assert answer.json()['error'] == f'{image}: the file is empty'


def test_a_report_that_cannot_be_written_is_a_500_naming_it(
        client, predictions):
    os.makedirs(osp.join(predictions, 'review'))
    # a file where the reports' folder should be
    open(osp.join(predictions, 'review', 'reports'), 'w').close()
    answer = client.post('/api/report', json=dict(image='ceph_0'))
    assert answer.status_code == 500
    error = answer.json()['error']
    assert error.startswith(
        osp.join(predictions, 'review', 'reports', 'ceph_0.html') +
        ': the report could not be written')


def test_an_unexpected_fault_is_a_500_in_json(predictions, monkeypatch):
    store = ReviewStore(predictions, 'ana')
    monkeypatch.setattr(store, 'summary', lambda: 1 / 0)
    client = TestClient(
        create_app(store, allowed_hosts('127.0.0.1', PORT)), base_url=BASE_URL)
    answer = client.get('/api/images')
    assert answer.status_code == 500
    assert answer.json() == {
        'error': '/api/images: ZeroDivisionError: division by zero'
    }
