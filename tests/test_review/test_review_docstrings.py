"""The public names of the review document what they take, give and raise
(Google style, as the API pages render them)."""
import inspect

import pytest

from hyatt_mmpose.review import ReviewStore, review_report, review_server

DOCUMENTED = [
    (ReviewStore.image_path, ('Args', 'Returns', 'Raises')),
    (ReviewStore.image_size, ('Args', 'Returns', 'Raises')),
    (ReviewStore.review_file, ('Args', 'Returns', 'Raises')),
    (ReviewStore.undo, ('Args', 'Returns', 'Raises')),
    (ReviewStore.mark_reviewed, ('Args', 'Returns', 'Raises')),
    (review_server.is_loopback, ('Args', 'Returns')),
    (review_server.bind, ('Args', 'Returns', 'Raises')),
    (review_server.review_url, ('Args', 'Returns')),
    (review_report.facts, ('Args', 'Returns')),
]


@pytest.mark.parametrize(
    'function, sections',
    DOCUMENTED,
    ids=[f.__qualname__ for f, _ in DOCUMENTED])
def test_public_names_have_args_returns_and_raises(function, sections):
    doc = inspect.getdoc(function)
    missing = [s for s in sections if f'\n{s}:\n' not in doc]
    assert missing == []
    # every argument is described
    arguments = [
        p for p in inspect.signature(function).parameters if p != 'self'
    ]
    args = doc.split('\nArgs:\n')[1]
    assert all(f'    {a} (' in args for a in arguments), arguments
