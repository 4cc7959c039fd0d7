import pytest
from blazepose.low_pass_filter import LowPassFilter


def test_first_value_passes_then_exponential():
    f = LowPassFilter(0.1)
    assert f.apply(1.0) == 1.0
    assert f.apply(2.0) == pytest.approx(1.1)
    assert f.apply(2.0) == pytest.approx(1.19)
    assert f.raw_value == 2.0
    f.reset()
    assert f.apply(5.0) == 5.0
