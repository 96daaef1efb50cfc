"""The examples in the library's docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
from pathlib import Path

import pytest

import govrules

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(govrules.__path__, "govrules.")
    if not m.name.startswith("govrules.api")  # the API modules carry no doctests
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    here = os.getcwd()
    os.chdir(ROOT)  # examples refer to files of the checkout, e.g. examples/northshire.yaml
    try:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    finally:
        os.chdir(here)
    assert result.failed == 0
