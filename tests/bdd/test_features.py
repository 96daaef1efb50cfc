"""Runs every feature file in features/ (policy reviewers own them; see features/README.md)."""

from __future__ import annotations

import pytest
from pytest_bdd import scenarios

from steps import *  # noqa: F403 - the step vocabulary is registered by import

pytestmark = pytest.mark.bdd

scenarios(".")
