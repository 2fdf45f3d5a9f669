"""The rule for a machine without a browser: skip on a laptop, fail under CI.

These run everywhere, browser or not: they check the rule itself, which a
machine with Chromium never exercises.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("browser_conftest", Path(__file__).with_name("conftest.py"))
rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rules)


def test_a_missing_browser_is_named() -> None:
    reason = rules.browser_missing(Path("/nonexistent/chromium"))
    assert reason and "/nonexistent/chromium" in reason and "apt-get install chromium" in reason


@pytest.mark.parametrize("env", [{}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}])
def test_a_missing_browser_skips_on_a_laptop(env: dict[str, str]) -> None:
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        rules.require_browser("/usr/bin/chromium is missing", env)


@pytest.mark.parametrize("env", [{"CI": "true"}, {"CI": "1"}, {"CI": "yes"}])
def test_a_missing_browser_fails_under_ci(env: dict[str, str]) -> None:
    with pytest.raises(pytest.fail.Exception, match="cannot run under CI: .*chromium is missing"):
        rules.require_browser("/usr/bin/chromium is missing", env)


def test_a_present_browser_runs() -> None:
    rules.require_browser(None, {"CI": "true"})  # neither skips nor fails
    if rules.browser_missing() is None:
        assert rules.CHROMIUM == Path("/usr/bin/chromium")
