"""Helpers for the book's notebooks: glue a group of values in one call.

Every number a page's prose shows is glued from the computation that made it
(myst-nb ``glue``), never typed.  :func:`glue_all` glues a mapping of names to
values at once, so a notebook's plumbing stays one short cell per section.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from numbers import Integral

__all__ = ["glue_all", "as_text"]


def as_text(value) -> object:
    """The text a page shows for ``value``.

    Strings are kept; integers (Python or NumPy) and ``Fraction`` become their
    exact decimal or ``p/q`` text; display objects (``IPython.display.Math``,
    figures) pass through unchanged.  Floats are refused: format them to a
    stated precision first (``f"{x:.4f}"``), so no page prints a 17-digit float.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ValueError("value: a bool is not a number to glue; glue 'yes'/'no' text")
    if isinstance(value, Integral | Fraction):
        return str(value)
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        raise ValueError(
            f"value: a float ({value!r}) must be formatted to a stated precision "
            "before gluing, e.g. f'{x:.4f}'"
        )
    return value


def glue_all(values: Mapping[str, object], *, prefix: str = "") -> None:
    """Glue every ``name -> value`` of ``values`` (hidden), as ``prefix + name``.

    Parameters
    ----------
    values : mapping of str to object
        Names (as used by ``{glue:text}`name``` in the page) and values; see
        :func:`as_text` for what a value may be.
    prefix : str, optional
        Prepended to every name, e.g. ``"b1-"``.
    """
    if not isinstance(values, Mapping):
        raise ValueError("values: expected a mapping of glue names to values")
    from myst_nb import glue

    for name, value in values.items():
        if not isinstance(name, str) or not name:
            raise ValueError(
                f"values: glue names must be non-empty strings, got {name!r}"
            )
        glue(prefix + name, as_text(value), display=False)
