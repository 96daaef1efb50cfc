"""A wrong scenario fails with a message a policy reviewer understands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

FEATURE = """Feature: deliberately wrong
  Scenario: a wrong expectation
    Given a place that meets every national expectation
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-4 is not met

  Scenario: a misspelt step
    Given a place that meets every nationl expectation
    When its arrangements are assessed on 30 September 2023
"""

RUNNER = """
import sys
sys.path.insert(0, {tests!r})
sys.path.insert(0, {bdd!r})
from pytest_bdd import scenarios
from steps import *  # noqa
scenarios("wrong.feature")
"""


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> str:
    work = tmp_path_factory.mktemp("wrong")
    (work / "wrong.feature").write_text(FEATURE)
    (work / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(HERE.parent)!r})\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        "from reviewer_hooks import pytest_bdd_step_func_lookup_error  # noqa\n"
        "from reviewer_hooks import pytest_bdd_apply_tag  # noqa\n"
    )
    (work / "test_wrong.py").write_text(RUNNER.format(bdd=str(HERE), tests=str(HERE.parent)))
    # An empty configuration of its own, so the project's (strict markers, warnings as errors)
    # does not apply to this throwaway run; pytest 9 refuses -c /dev/null where /dev/null is
    # not a character device.
    config = work / "pytest.ini"
    config.write_text("")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(work),
            "-c",
            str(config),
            str(work),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout


def test_a_wrong_expectation_says_what_the_criterion_really_is(output: str) -> None:
    assert "criterion SAP-4 is met here, but the scenario expects it to be not met" in output
    assert "Explanation:" in output


def test_an_unknown_step_lists_the_closest_known_steps(output: str) -> None:
    assert "no step is defined for" in output
    assert "Given a place that meets every national expectation" in output
    assert "features/README.md" in output
