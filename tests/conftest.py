"""Shared fixtures and the CI rule: nothing may be skipped for a missing dependency."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

RECORDINGS = Path(__file__).resolve().parent.parent.parent / "shared" / "flickr-recordings"
MISSING_DEPENDENCY_MARKERS = ("could not import", "missing dependency", "not installed")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skip for a missing dependency is a failure, not a quiet pass."""
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and running_in_ci()):
        return
    reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr)
    if any(marker in reason.lower() for marker in MISSING_DEPENDENCY_MARKERS):
        report.outcome = "failed"
        report.longrepr = f"Skipped for a missing dependency under CI=true: {reason}"


@pytest.fixture(scope="session")
def recordings_dir() -> Path:
    """The real recorded Flickr responses beside the project (../shared/flickr-recordings)."""
    if not RECORDINGS.is_dir():
        pytest.skip(f"missing dependency: the Flickr recordings at {RECORDINGS}")
    return RECORDINGS
