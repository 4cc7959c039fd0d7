import math
import random

import pytest
from blazepose.one_euro_filter import OneEuroFilterBank
from support.oracles import OneEuroFilter

US = 1000  # nanoseconds per microsecond


# Anchors from MediaPipe mediapipe/util/filtering/one_euro_filter_test.cc.
def test_legacy_zero_timestamp_passes_through_without_state():
    f = OneEuroFilter(1.0, 0.001, 1.0, 0.001, legacy=True)
    assert f.apply(0, 2.0) == 2.0
    # The sample at t=0 left no trace, so this is the first real sample.
    assert f.apply(1 * US, 100.0) == 100.0


def test_create_variant_value_checks():
    f = OneEuroFilter(1.0, 0.001, 1.0, 0.001, legacy=False)
    assert f.apply(0, 2.0) == 2.0
    assert f.apply(1 * US, 100.0) == pytest.approx(79.8, abs=0.2)


@pytest.mark.parametrize("legacy", [True, False])
def test_value_filter(legacy):
    f = OneEuroFilter(1.0, 0.1, 0.0, 0.1, legacy=legacy)
    assert f.apply(1_000_000 * US, 2.0) == 2.0
    assert f.apply(2_000_000 * US, 3.0) == pytest.approx(2.4, abs=0.1)
    assert f.apply(3_000_000 * US, 4.0) == pytest.approx(3.0, abs=0.1)


def test_hand_computed_second_step():
    f = OneEuroFilter(30.0, 1.0, 0.5, 1.0)
    assert f.apply(100_000 * US, 10.0) == 10.0
    out = f.apply(200_000 * US, 12.0, value_scale=0.5)
    # freq 10 Hz; alpha(c) = 1 / (1 + 10 / (2 pi c)).
    alpha_d = 1 / (1 + 10 / (2 * math.pi * 1.0))
    ed = alpha_d * (2.0 * 0.5 * 10)
    alpha = 1 / (1 + 10 / (2 * math.pi * (1.0 + 0.5 * ed)))
    assert out == pytest.approx(alpha * 12.0 + (1 - alpha) * 10.0)


def test_repeated_or_older_timestamp_returns_input():
    f = OneEuroFilter(30.0, 0.05, 80.0, 1.0)
    f.apply(5 * US, 1.0)
    assert f.apply(5 * US, 7.0) == 7.0
    assert f.apply(4 * US, 9.0) == 9.0


@pytest.mark.parametrize("legacy", [True, False])
def test_bank_matches_individual_filters(legacy):
    rng = random.Random(3)
    n = 7
    singles = [OneEuroFilter(30.0, 0.05, 80.0, 1.0, legacy=legacy) for _ in range(n)]
    bank = OneEuroFilterBank(n, 30.0, 0.05, 80.0, 1.0, legacy=legacy)
    t = 0
    for step in range(40):
        values = [rng.uniform(-50, 50) for _ in range(n)]
        scale = rng.uniform(0.001, 0.1)
        got = bank.apply(t, values, scale)
        want = [f.apply(t, v, scale) for f, v in zip(singles, values, strict=True)]
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), step
        t += rng.choice([33_333, 33_334, 16_667, 0]) * US  # includes a repeated timestamp
