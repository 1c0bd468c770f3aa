import pytest

from protector import exception
from protector.api import microversions as mv


@pytest.mark.parametrize("header,expected", [
    (None, mv.V1_0_BASE), ("", mv.V1_0_BASE), ("protector 1.1", (1, 1)),
    ("PROTECTOR 1.2", (1, 2)), ("protector latest", mv.MAX_VERSION),
    ("compute 2.1", mv.V1_0_BASE), ("compute 2.1, protector  1.2 ", (1, 2)),
])
def test_parse(header, expected):
    assert mv.from_header(header) == expected


@pytest.mark.parametrize("header", ["protector 2.0", "protector 1.3", "protector 0.9"])
def test_out_of_range(header):
    with pytest.raises(exception.InvalidMicroversion) as err:
        mv.from_header(header)
    assert err.value.code == 406


@pytest.mark.parametrize("header", ["protector 1", "protector x.y", "protector 1.2.3"])
def test_malformed(header):
    with pytest.raises(exception.MalformedVersionHeader):
        mv.from_header(header)


def test_versions_are_ordered_and_named():
    assert list(mv.VERSIONS) == sorted(mv.VERSIONS)
    assert str(mv.MAX_VERSION) == "1.2"
