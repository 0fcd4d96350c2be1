"""fairlib.divisible.truthful: Paper A, Appendix C (Proposition C.1)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairlib import divisible as D

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_threshold_and_band():
    assert D.report_threshold(0.1, 0.2) == pytest.approx(0.7 / 1.3)
    lo, hi = D.deviation_band(2.0, 0.1, 0.3)
    r = 0.6 / 1.4
    assert (lo, hi) == pytest.approx((r * r * 2.0, 2.0 / (r * r)))


def test_mechanism_three_regions_match_the_participatory_lp():
    a2, al1, al2 = 1.0, 0.1, 0.2
    for a1r in [0.3, 0.8, 1.0, 1.3, 3.0]:
        share, pay = D.capped_mechanism(a1r, a2, al1, al2)
        x = D.participatory_allocation([[a1r], [a2]], [al1, al2], [al1, al2])
        assert float(share) == pytest.approx(x[0, 0], abs=1e-7)
        r = D.report_threshold(al1, al2)
        assert float(pay) == (a2 if a1r >= r * a2 else 0.0)


def test_payoff_is_the_fehr_schmidt_value_minus_payment():
    a1, al1, a1r, a2r = 0.9, 0.2, 0.7, 0.8
    share, pay = D.capped_mechanism(a1r, a2r, al1, 0.1)
    u1, u2 = a1 * share, a2r * (1 - share)
    v1 = D.fs_values([[a1], [a2r]], [[share], [1 - share]], [al1, 0.0], [al1, 0.0])[0]
    assert v1 == pytest.approx(u1 - al1 * abs(u1 - u2))
    got = D.report_payoff(a1, al1, a1r, al1, a2r, 0.1)
    assert float(got) == pytest.approx(v1 - pay)


@SETTINGS
@given(
    cap=st.floats(0.001, 0.45),
    f1=st.floats(0.0, 1.0),
    f2=st.floats(0.0, 1.0),
    a1=st.floats(0.05, 2.0),
    a2=st.floats(0.05, 2.0),
)
def test_no_report_outside_the_band_pays_more(cap, f1, f2, a1, a2):
    br = D.best_response(a1, f1 * cap, a2, f2 * cap, cap, grid=401, alpha_grid=5)
    assert br.holds(1e-12)
    assert br.best_inside >= br.truthful - 1e-12
    lo, hi = br.band
    assert lo <= a1 <= hi


def test_without_aversion_an_exact_tie_breaks_the_one_point_band():
    # alpha_m = 0: the band is {a_1}; at a_1 = a'_2 the split item costs a'_2
    br = D.best_response(1.0, 0.0, 1.0, 0.0, 0.0, grid=101, alpha_grid=2)
    assert br.band == (1.0, 1.0)
    assert br.truthful == pytest.approx(-0.5) and br.best_outside == pytest.approx(0.0)
    assert not br.holds()


def test_best_response_is_not_always_truthful():
    br = D.best_response(0.5, 0.3, 0.6, 0.3, 0.3)
    assert br.best_inside > br.truthful + 1e-3


@pytest.mark.parametrize(
    "call",
    [
        lambda: D.report_threshold(0.5, 0.1),
        lambda: D.report_threshold(-0.1, 0.1),
        lambda: D.deviation_band(0.0, 0.1, 0.2),
        lambda: D.deviation_band(1.0, 0.3, 0.2),
        lambda: D.capped_mechanism(-1.0, 1.0, 0.1, 0.1),
        lambda: D.capped_mechanism(1.0, 1.0, 0.6, 0.1),
        lambda: D.capped_mechanism(1.0, 0.0, 0.1, 0.1),
        lambda: D.report_payoff(1.0, True, 1.0, 0.1, 1.0, 0.1),
        lambda: D.best_response(1.0, 0.1, 1.0, 0.3, 0.2),
        lambda: D.best_response(1.0, 0.1, 1.0, 0.1, 0.2, grid=1),
        lambda: D.best_response(1.0, 0.1, 1.0, 0.1, 0.2, span=0.5),
        lambda: D.best_response(1.0, 0.1, 1.0, 0.1, 0.2, alpha_grid=2.5),
    ],
)
def test_invalid_inputs_raise_value_error(call):
    with pytest.raises(ValueError):
        call()
