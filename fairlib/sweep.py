"""Parameter sweeps of the companion's notebooks through papermill.

Command line::

    python -m fairlib.sweep notebooks/NAME.ipynb -p PARAM V1 V2 ... \
        [-p PARAM2 W1 ...] [-j JOBS] [--scheduler tcp://HOST:PORT] [--out DIR]

runs every point of the Cartesian grid of the ``-p`` values, each in its own
papermill execution, on a ``dask.distributed`` cluster (:mod:`fairlib.cluster`):
a local cluster of ``JOBS`` single-threaded worker processes (default: all
cores), or the cluster of an existing scheduler (``--scheduler`` or
``$DASK_SCHEDULER_ADDRESS``), with a progress bar.  A run ships the notebook's
text to the worker and brings back the executed notebook, its glued values and
its figures over the wire (no shared filesystem); a run whose worker dies is
retried on another worker.  Values are read as Python literals (``3``, ``0.1``,
``[1, 2]``, ``'text'``); anything that is not a literal is taken as a string.

Each run writes ``<out>/runs/<run-id>.ipynb`` (``<out>`` defaults to
``_build/sweeps/NAME``) and, once it succeeded, a ``<run-id>.json`` record of its
parameters and glued values.  ``<out>/results.csv`` is the tidy table: one row
per run, the parameters, a ``status`` column (``ok`` or ``failed``) and one
column per value the notebook glued (``myst_nb.glue``), as text.  A failed run is
reported with its parameters and the others go on; a rerun skips the runs
already done.  Figures made during a sweep go to ``<out>/runs/<run-id>-figures``
(via ``FAIRLIB_FIGURES_DIR``), never to the committed ``figures/``.

The same machinery is available from Python as :func:`run_sweep`.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import itertools
import json
import os
import sys
import tempfile
from pathlib import Path

from .cluster import dask_client

__all__ = ["notebook_parameters", "grid", "run_sweep", "glued_values", "main"]

_SCRAPBOOK_PREFIX = "application/papermill.record/"


def notebook_parameters(notebook) -> dict:
    """The parameters (name -> default source text) of the ``parameters`` cell.

    Names are read with Python's own parser (every top-level assignment of the
    cell).  Papermill's line parser must agree: a line it cannot read (for
    example a comment containing ``=``) would make ``papermill --help-notebook``
    drop that parameter, so it is refused here with the line named.

    Raises ``ValueError`` if ``notebook`` does not exist, has no such cell, or
    the cell is not parseable by both.
    """
    import ast

    import nbformat
    import papermill as pm

    path = Path(notebook)
    if not path.is_file():
        raise ValueError(f"notebook {str(path)!r} does not exist")
    nb = nbformat.read(str(path), as_version=4)
    cell = next(
        (
            c
            for c in nb.cells
            if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
        ),
        None,
    )
    if cell is None:
        raise ValueError(f"notebook {str(path)!r} has no code cell tagged 'parameters'")
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as exc:
        raise ValueError(
            f"the parameters cell of {path.name} is not valid Python: {exc}"
        ) from None
    params = {}
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        for t in targets:
            if isinstance(t, ast.Name) and node.value is not None:
                params[t.id] = ast.get_source_segment(cell.source, node.value)
    try:
        seen = set(pm.inspect_notebook(str(path)))
    except Exception as exc:  # papermill raises on lines it cannot parse
        raise ValueError(
            f"papermill cannot read the parameters cell of {path.name}: {exc}"
        ) from None
    missing = sorted(set(params) - seen)
    if missing:
        raise ValueError(
            f"papermill does not see parameter(s) {', '.join(missing)} of {path.name}"
        )
    return params


def grid(spec: dict) -> list[dict]:
    """The Cartesian product of ``{name: [values, ...]}`` as run dicts, stable order."""
    if not isinstance(spec, dict) or not spec:
        raise ValueError("spec must be a non-empty dict {parameter: [values, ...]}")
    for name, values in spec.items():
        if not isinstance(values, (list, tuple)) or len(values) == 0:
            raise ValueError(f"parameter {name!r} needs a non-empty list of values")
    names = list(spec)
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(spec[n] for n in names))
    ]


def _run_id(params: dict) -> str:
    blob = json.dumps(params, sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def glued_values(executed_notebook) -> dict[str, str]:
    """Every value glued by ``myst_nb.glue`` in an executed notebook, as plain text."""
    import nbformat

    nb = nbformat.read(str(executed_notebook), as_version=4)
    found: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook")
            if not meta or "name" not in meta:
                continue
            data = out.get("data", {})
            text = data.get("text/plain", data.get(_SCRAPBOOK_PREFIX + "text/plain"))
            if text is None:
                continue
            text = "".join(text) if isinstance(text, list) else str(text)
            if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
                text = text[1:-1]
            found[meta["name"]] = text
    return found


def _execute(notebook_text: str, name: str, params: dict) -> dict:
    """Worker task: execute one run in a scratch folder; return everything.

    Returns the run's record (never raises on a failing notebook): status,
    error, glued values, the executed notebook's text and its figure files.
    """
    import papermill as pm

    record = {"run_id": _run_id(params), "params": params}
    with tempfile.TemporaryDirectory(prefix="fairlib-sweep-") as tmp:
        src, out_nb = Path(tmp) / name, Path(tmp) / f"executed-{name}"
        figs = Path(tmp) / "figures"
        src.write_text(notebook_text, encoding="utf-8")
        old = os.environ.get("FAIRLIB_FIGURES_DIR")
        os.environ["FAIRLIB_FIGURES_DIR"] = str(figs)
        try:
            pm.execute_notebook(
                str(src),
                str(out_nb),
                parameters=params,
                cwd=tmp,
                progress_bar=False,
                kernel_name="python3",
            )
        except Exception as exc:  # a failed run is reported, the others go on
            lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
            record.update(status="failed", error=lines[-1] if lines else repr(exc))
            return record
        finally:
            if old is None:
                os.environ.pop("FAIRLIB_FIGURES_DIR", None)
            else:
                os.environ["FAIRLIB_FIGURES_DIR"] = old
        record.update(
            status="ok",
            values=glued_values(out_nb),
            notebook=out_nb.read_text(encoding="utf-8"),
            figures={p.name: p.read_bytes() for p in sorted(figs.glob("*"))},
        )
    return record


def _store(run_dir: Path, record: dict) -> dict:
    """Write a finished run (notebook, figures, JSON record); return the record."""
    rid = record["run_id"]
    notebook = record.pop("notebook", None)
    figs = record.pop("figures", {})
    if notebook is not None:
        (run_dir / f"{rid}.ipynb").write_text(notebook, encoding="utf-8")
    if figs:
        (run_dir / f"{rid}-figures").mkdir(exist_ok=True)
        for fname, blob in figs.items():
            (run_dir / f"{rid}-figures" / fname).write_bytes(blob)
    if record["status"] == "ok":
        text = json.dumps(record, sort_keys=True, indent=1)
        (run_dir / f"{rid}.json").write_text(text)
    return record


def run_sweep(
    notebook,
    runs: list[dict],
    jobs: int | None = None,
    out_dir=None,
    *,
    scheduler: str | None = None,
    progress: bool = True,
) -> Path:
    """Execute ``notebook`` once per parameter dict in ``runs``; return the CSV path.

    Parameters
    ----------
    notebook : path
        A notebook with a code cell tagged ``parameters``.
    runs : list of dict
        One dict of parameter values per run (see :func:`grid` for a product).
    jobs : int, optional
        Worker processes of the local cluster; default all cores. Ignored
        with a scheduler.
    out_dir : path, optional
        Default ``_build/sweeps/<notebook stem>``.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://HOST:PORT``); default
        ``$DASK_SCHEDULER_ADDRESS``, else a local cluster.
    progress : bool
        Show a tqdm progress bar (on stderr).

    Raises
    ------
    ValueError
        Unknown parameter names (the message lists the notebook's parameters),
        empty ``runs``, or ``jobs < 1``.
    """
    from tqdm.auto import tqdm

    notebook = Path(notebook)
    known = notebook_parameters(notebook)
    if (
        not isinstance(runs, (list, tuple))
        or not runs
        or not all(isinstance(r, dict) for r in runs)
    ):
        raise ValueError("runs must be a non-empty list of parameter dicts")
    for r in runs:
        unknown = sorted(set(r) - set(known))
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {', '.join(unknown)} for {notebook.name}; "
                f"its parameters are: {', '.join(known)}"
            )
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    out = (
        Path(out_dir)
        if out_dir is not None
        else Path("_build") / "sweeps" / notebook.stem
    )
    run_dir = out / "runs"
    run_dir.mkdir(parents=True, exist_ok=True)

    records: dict[str, dict] = {}
    todo = []
    for params in runs:
        rid = _run_id(params)
        done = run_dir / f"{rid}.json"
        if done.is_file():
            records[rid] = json.loads(done.read_text())
        else:
            todo.append(params)
    failures = []
    with tqdm(
        total=len(runs),
        initial=len(runs) - len(todo),
        desc=notebook.stem,
        disable=not progress,
        file=sys.stderr,
    ) as bar:
        if todo:
            text = notebook.read_text(encoding="utf-8")
            with dask_client(scheduler, jobs=min(jobs or len(todo), len(todo))) as cl:
                from distributed import as_completed

                futures = [
                    cl.submit(_execute, text, notebook.name, p, pure=False, retries=2)
                    for p in todo
                ]
                for fut in as_completed(futures):
                    rec = _store(run_dir, fut.result())
                    records[rec["run_id"]] = rec
                    if rec["status"] != "ok":
                        failures.append(rec)
                        bar.write(
                            "run failed: "
                            f"{json.dumps(rec['params'], sort_keys=True)}: "
                            f"{rec['error']}"
                        )
                    bar.update(1)

    csv_path = out / "results.csv"
    _write_csv(csv_path, [records[_run_id(p)] for p in runs], list(known))
    if failures:
        print(
            f"{len(failures)} of {len(runs)} runs failed; see {csv_path}",
            file=sys.stderr,
        )
    return csv_path


def _write_csv(path: Path, records: list[dict], param_order: list[str]) -> None:
    pnames = [p for p in param_order if any(p in r["params"] for r in records)]
    vnames = sorted({k for r in records for k in r.get("values", {})})
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["run_id", *pnames, "status", "error", *vnames])
        for r in records:
            vals = r.get("values", {})
            w.writerow(
                [
                    r["run_id"],
                    *(
                        json.dumps(r["params"].get(p)) if p in r["params"] else ""
                        for p in pnames
                    ),
                    r["status"],
                    r.get("error", ""),
                    *(vals.get(v, "") for v in vnames),
                ]
            )


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main(argv=None) -> int:
    """Command-line entry point (``python -m fairlib.sweep``)."""
    parser = argparse.ArgumentParser(
        prog="python -m fairlib.sweep",
        description=(
            "Run a notebook over a parameter grid with papermill and collect "
            "glued results into a CSV."
        ),
    )
    parser.add_argument("notebook", help="notebook with a cell tagged 'parameters'")
    parser.add_argument(
        "-p",
        "--param",
        nargs="+",
        action="append",
        metavar=("NAME", "VALUE"),
        default=[],
        help="a parameter and its values (Python literals); repeat for a grid",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        help="worker processes of the local cluster (default: all cores)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        help="address of a running Dask scheduler, e.g. tcp://HOST:8786 "
        "(default: $DASK_SCHEDULER_ADDRESS, else a local cluster)",
    )
    parser.add_argument(
        "--out",
        default=None,
        help="output directory (default: _build/sweeps/<notebook>)",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="hide the progress bar"
    )
    args = parser.parse_args(argv)
    try:
        spec = {}
        for entry in args.param:
            if len(entry) < 2:
                raise ValueError(f"-p {entry[0]} needs at least one value")
            spec[entry[0]] = [_literal(v) for v in entry[1:]]
        runs = grid(spec) if spec else [{}]
        csv_path = run_sweep(
            args.notebook,
            runs,
            jobs=args.jobs,
            out_dir=args.out,
            scheduler=args.scheduler,
            progress=not args.no_progress,
        )
    except ValueError as exc:
        parser.error(str(exc))
    with open(csv_path) as fh:
        rows = list(csv.DictReader(fh))
    failed = sum(r["status"] != "ok" for r in rows)
    print(f"{len(rows) - failed} of {len(rows)} runs ok -> {csv_path}")
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover - run as `python -m fairlib.sweep`
    # Re-import so workers unpickle `fairlib.sweep._execute`, not `__main__._execute`.
    from fairlib.sweep import main as _main

    sys.exit(_main())
