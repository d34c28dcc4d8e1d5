"""Shared fixtures and the CI rule: nothing may be skipped for a missing dependency."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

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


def pytest_collectreport(report):
    """The same rule for a whole module skipped at collection (`pytest.importorskip`)."""
    if report.skipped and running_in_ci():
        reason = str(report.longrepr)
        if any(marker in reason.lower() for marker in MISSING_DEPENDENCY_MARKERS):
            report.outcome = "failed"


@pytest.fixture(scope="session")
def recordings_dir() -> Path:
    """The real recorded Flickr responses beside the project (../shared/flickr-recordings)."""
    if not RECORDINGS.is_dir():
        pytest.skip(f"missing dependency: the Flickr recordings at {RECORDINGS}")
    return RECORDINGS


@pytest.fixture(scope="session", autouse=True)
def close_stray_database_sessions(django_db_setup, django_db_blocker):
    """On PostgreSQL, end any session still connected to the test database (a child process
    or a server thread a test started) before the database is dropped, saying which it was."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql" or not uses_test_database(connection):
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 120) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for pid, application, state, query in cursor.fetchall():
            sys.stderr.write(
                f"\nEnding a stray test database session {pid} "
                f"({application or 'no name'}, {state}): {query}\n"
            )
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def uses_test_database(connection) -> bool:
    """False when this session never switched to a test database (no test needed one), so
    there is nothing to clean up, and the configured database may not even exist."""
    return str(connection.settings_dict["NAME"]).startswith(TEST_DATABASE_PREFIX)
