import json

import pytest

from hyatt_mmpose.utils.sealed_json import (check_seal, content_digest,
                                            read_json_strict, seal)


class FormatError(ValueError):
    pass


def test_a_sealed_document_reads_back_and_any_edit_is_refused(tmp_path):
    doc = seal(dict(a=[1.5, None, 0.1 + 0.2], b='x', c=dict(d=3)))
    path = tmp_path / 'f.json'
    path.write_text(json.dumps(doc, indent=1))
    check_seal(read_json_strict(str(path)), str(path), FormatError, 'fix')
    for edit in ({'b': 'y'}, {'a': [1.5, None, 0.3]}, {'e': 1}):
        changed = dict(doc, **edit)
        with pytest.raises(FormatError, match=r'f\.json: changed since'):
            check_seal(changed, str(path), FormatError, 'fix')
    unsealed = {k: v for k, v in doc.items() if k != 'sha256'}
    with pytest.raises(FormatError, match='no "sha256".*; fix'):
        check_seal(unsealed, str(path), FormatError, 'fix')


def test_the_digest_ignores_key_order_and_layout():
    assert content_digest(dict(a=1, b=[2, 3])) == \
        content_digest(json.loads('{"b": [2,3], "a": 1}'))


@pytest.mark.parametrize('constant', ['NaN', 'Infinity', '-Infinity'])
def test_non_json_numbers_are_refused(tmp_path, constant):
    path = tmp_path / 'f.json'
    path.write_text('{"a": [1, %s]}' % constant)
    with pytest.raises(ValueError, match=f'{constant} is not a JSON number'):
        read_json_strict(str(path))
    with pytest.raises(ValueError):
        content_digest(dict(a=float('nan')))
