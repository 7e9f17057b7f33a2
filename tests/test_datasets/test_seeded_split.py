"""The one split of the converters: seeded, in the given order, each part
keeping the items' order."""
from hyatt_mmpose.datasets.converters import seeded_split


def test_parts_take_the_shuffle_in_turn_and_keep_order():
    items = list('abcdefghij')
    parts = seeded_split(items, dict(val=2, test=3), seed=0)
    assert list(parts) == ['val', 'test', 'train']
    assert [len(p) for p in parts.values()] == [2, 3, 5]
    assert sorted(sum(parts.values(), [])) == items
    for part in parts.values():
        assert part == sorted(part)
    assert seeded_split(items, dict(val=2, test=3), seed=0) == parts
    assert seeded_split(items, dict(val=2, test=3), seed=1) != parts


def test_sizes_beyond_the_items_leave_the_rest_empty():
    parts = seeded_split([1, 2, 3], dict(val=5), seed=0, rest='fit')
    assert parts == dict(val=[1, 2, 3], fit=[])
