"""fairlib.paths: repository files found from any working directory."""

import os

import pytest

from fairlib.paths import REPO_ROOT, repo_path


def test_repo_path_is_independent_of_the_working_directory(tmp_path):
    here = os.getcwd()
    try:
        os.chdir(tmp_path)
        assert repo_path("data/exact_poc_atlas.csv") == (
            REPO_ROOT / "data" / "exact_poc_atlas.csv"
        )
        assert (REPO_ROOT / "pyproject.toml").is_file()
    finally:
        os.chdir(here)


def test_absolute_paths_pass_and_missing_files_are_named(tmp_path):
    assert repo_path(tmp_path) == tmp_path
    with pytest.raises(ValueError, match="'data/missing.csv' not found"):
        repo_path("data/missing.csv")
    with pytest.raises(ValueError, match="relative"):
        repo_path("")
