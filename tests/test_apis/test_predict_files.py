"""Input expansion and output naming of hyatt_mmpose.apis.predict_files."""
from hyatt_mmpose.apis import output_names


def test_output_names_never_collide():
    names = output_names(
        ['d/a.png', 'd/a.jpg', 'd/a_png.bmp', 'd/IM1', 'd/IM1.dcm', 'd/b.png'])
    assert len(set(names.values())) == 6
    assert names['d/a.jpg'] == 'a_jpg' and names['d/b.png'] == 'b'
    assert names['d/IM1'] == 'IM1_noext' and names['d/IM1.dcm'] == 'IM1_dcm'
    assert {names['d/a.png'], names['d/a_png.bmp']} == {'a_png', 'a_png_2'}
