"""fairlib.params: one-line errors for bad notebook parameters."""

import math

import pytest

from fairlib.params import Choice, Int, ListOf, Real, check_parameters


def test_good_parameters_pass():
    ns = {"n": 5, "alpha": 0.25, "ks": [1, 2], "mode": "flow", "x": 1.0}
    check_parameters(
        ns,
        n=Int(2, 60),
        alpha=Real(0, 0.5, hi_open=True),
        ks=ListOf(Int(1)),
        mode=Choice(("flow", "lp")),
        x=Real(0, 1),
    )


@pytest.mark.parametrize(
    ("rules", "value", "message"),
    [
        ({"v": Int(2)}, -3, "parameter v: expected an integer >= 2, got -3"),
        ({"v": Int(2, 9)}, 10, "parameter v: expected an integer in [2, 9], got 10"),
        ({"v": Int(1)}, 2.0, "parameter v: expected an integer >= 1, got 2.0"),
        ({"v": Int(0)}, True, "parameter v: expected an integer >= 0, got True"),
        (
            {"v": Real(0, 0.5, hi_open=True)},
            0.5,
            "parameter v: expected a finite number in [0, 0.5), got 0.5",
        ),
        (
            {"v": Real(0)},
            math.nan,
            "parameter v: expected a finite number >= 0, got nan",
        ),
        ({"v": Real(0, lo_open=True)}, 0, "parameter v: expected a finite number > 0"),
        ({"v": ListOf(Int(1))}, [], "expected a list of at least 1 entries"),
        ({"v": ListOf(Int(1))}, [1, 0], "each an integer >= 1, got [1, 0]"),
        ({"v": Choice(("a", "b"))}, "c", "expected one of 'a', 'b', got 'c'"),
    ],
)
def test_bad_parameters_get_one_line_naming_the_parameter(rules, value, message):
    with pytest.raises(ValueError) as err:
        check_parameters({"v": value}, **rules)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_misuse_is_refused():
    with pytest.raises(ValueError, match="not defined by the parameters cell"):
        check_parameters({}, n=Int(1))
    with pytest.raises(ValueError, match="needs a rule"):
        check_parameters({"n": 1}, n=int)
    with pytest.raises(ValueError, match="at least one"):
        check_parameters({"n": 1})
    with pytest.raises(ValueError, match="namespace"):
        check_parameters([("n", 1)], n=Int(1))
