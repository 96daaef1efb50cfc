"""pytest-bdd wiring: every scenario is marked ``bdd``; an unknown step names the closest ones."""

from reviewer_hooks import pytest_bdd_apply_tag as pytest_bdd_apply_tag
from reviewer_hooks import pytest_bdd_step_func_lookup_error as pytest_bdd_step_func_lookup_error
