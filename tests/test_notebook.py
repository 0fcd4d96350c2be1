"""fairlib.notebook: the one-call glue helper the pages use."""

from fractions import Fraction

import numpy as np
import pytest

from fairlib import notebook


def test_as_text_keeps_exact_values_exact():
    assert notebook.as_text("0.1234") == "0.1234"
    assert notebook.as_text(7) == "7"
    assert notebook.as_text(np.int64(12)) == "12"
    assert notebook.as_text(Fraction(3, 2)) == "3/2"


@pytest.mark.parametrize("value", [0.5, np.float64(0.25), True])
def test_as_text_refuses_unformatted_floats_and_bools(value):
    with pytest.raises(ValueError, match="value"):
        notebook.as_text(value)


def test_glue_all_glues_every_value_hidden_with_the_prefix(monkeypatch):
    calls = []
    import myst_nb

    monkeypatch.setattr(
        myst_nb,
        "glue",
        lambda name, value, display: calls.append((name, value, display)),
    )
    notebook.glue_all({"count": 3, "ratio": Fraction(1, 3), "text": "a"}, prefix="b1-")
    assert calls == [
        ("b1-count", "3", False),
        ("b1-ratio", "1/3", False),
        ("b1-text", "a", False),
    ]


def test_glue_all_validates_its_arguments():
    with pytest.raises(ValueError, match="values: expected a mapping"):
        notebook.glue_all([("a", 1)])
    with pytest.raises(ValueError, match="glue names"):
        notebook.glue_all({"": 1})
    with pytest.raises(ValueError, match="float"):
        notebook.glue_all({"x": 0.1})
