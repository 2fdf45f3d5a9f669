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


def outcome(reason: str | None, env: dict[str, str]) -> str:
    """What `require_browser` does: "skip", "fail" or "run" (caught here, so a skip cannot hide a failure)."""
    try:
        rules.require_browser(reason, env)
    except pytest.skip.Exception as skipped:
        return f"skip: {skipped.msg}"
    except pytest.fail.Exception as failed:
        return f"fail: {failed.msg}"
    return "run"


def test_a_missing_browser_is_named() -> None:
    reason = rules.browser_missing(Path("/nonexistent/chromium"))
    assert reason and "/nonexistent/chromium" in reason and "apt-get install chromium" in reason


@pytest.mark.parametrize("env", [{}, {"CI": ""}, {"CI": "false"}, {"CI": "0"}])
def test_a_missing_browser_skips_on_a_laptop(env: dict[str, str]) -> None:
    assert outcome("/usr/bin/chromium is missing", env) == "skip: browser tests skipped: /usr/bin/chromium is missing"


@pytest.mark.parametrize("env", [{"CI": "true"}, {"CI": "1"}, {"CI": "yes"}])
def test_a_missing_browser_fails_under_ci(env: dict[str, str]) -> None:
    assert outcome("/usr/bin/chromium is missing", env) == (
        "fail: browser tests cannot run under CI: /usr/bin/chromium is missing"
    )


def test_a_present_browser_runs() -> None:
    assert outcome(None, {"CI": "true"}) == outcome(None, {}) == "run"
    if rules.browser_missing() is None:
        assert rules.CHROMIUM == Path("/usr/bin/chromium")
