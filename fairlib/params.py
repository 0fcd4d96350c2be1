"""Validate a notebook's parameters in one call, right after its parameters cell.

A reader who reruns a page with papermill (``-p m -3``) gets one clear line::

    ValueError: parameter m: expected an integer >= 2, got -3

instead of a traceback from deep inside a solver.  Each page lists its rules
once::

    from fairlib.params import Int, ListOf, Real, check_parameters
    check_parameters(globals(), n=Int(2, 60), alpha=Real(0, 0.5, hi_open=True),
                     k_values=ListOf(Int(1)), seed=Int(0))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral
from numbers import Real as _Real

__all__ = ["Int", "Real", "ListOf", "Choice", "check_parameters"]


def _bounds(lo, hi, lo_open=False, hi_open=False) -> str:
    if lo is not None and hi is not None:
        return f"in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {lo}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {hi}"
    return ""


@dataclass(frozen=True)
class Int:
    """An integer in ``[lo, hi]`` (either end may be ``None``)."""

    lo: int | None = None
    hi: int | None = None

    def describe(self) -> str:
        return f"an integer {_bounds(self.lo, self.hi)}".rstrip()

    def ok(self, value) -> bool:
        return (
            isinstance(value, Integral)
            and not isinstance(value, bool)
            and (self.lo is None or value >= self.lo)
            and (self.hi is None or value <= self.hi)
        )


@dataclass(frozen=True)
class Real:
    """A finite real number between ``lo`` and ``hi`` (ends open if asked)."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False

    def describe(self) -> str:
        where = _bounds(self.lo, self.hi, self.lo_open, self.hi_open)
        return f"a finite number {where}".rstrip()

    def ok(self, value) -> bool:
        if not isinstance(value, _Real) or isinstance(value, bool):
            return False
        if not math.isfinite(value):
            return False
        if self.lo is not None and (
            value <= self.lo if self.lo_open else value < self.lo
        ):
            return False
        return self.hi is None or (
            value < self.hi if self.hi_open else value <= self.hi
        )


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of values."""

    options: tuple

    def describe(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)

    def ok(self, value) -> bool:
        return value in self.options


@dataclass(frozen=True)
class ListOf:
    """A non-empty list (or tuple) whose every entry satisfies ``item``."""

    item: Int | Real | Choice | ListOf
    min_len: int = 1
    max_len: int | None = None

    def describe(self) -> str:
        size = f"at least {self.min_len}"
        if self.max_len is not None:
            size = f"{self.min_len} to {self.max_len}"
        return f"a list of {size} entries, each {self.item.describe()}"

    def ok(self, value) -> bool:
        return (
            isinstance(value, list | tuple)
            and len(value) >= self.min_len
            and (self.max_len is None or len(value) <= self.max_len)
            and all(self.item.ok(v) for v in value)
        )


def check_parameters(namespace: Mapping, **rules) -> None:
    """Check each named parameter of ``namespace`` against its rule.

    Parameters
    ----------
    namespace : mapping
        Where the parameters live (a notebook passes ``globals()``).
    **rules
        ``name=rule`` with a rule from this module (:class:`Int`, :class:`Real`,
        :class:`Choice`, :class:`ListOf`).

    Raises
    ------
    ValueError
        One line naming the first parameter that breaks its rule, what is
        expected and what was given.
    """
    if not isinstance(namespace, Mapping):
        raise ValueError("namespace: expected a mapping such as globals()")
    if not rules:
        raise ValueError("rules: give at least one name=rule")
    for name, rule in rules.items():
        if not hasattr(rule, "ok") or not hasattr(rule, "describe"):
            raise ValueError(f"rules: {name} needs a rule such as Int(1), got {rule!r}")
        if name not in namespace:
            raise ValueError(f"parameter {name}: not defined by the parameters cell")
        value = namespace[name]
        if not rule.ok(value):
            raise ValueError(
                f"parameter {name}: expected {rule.describe()}, got {value!r}"
            )
