"""Dashboard panels: each app contributes callables listed in `settings.DASHBOARD_PANELS`.

A panel callable takes the request and returns a `Panel`, or None when it has nothing to show
to this user. The dashboard renders `Panel.template` with `Panel.context`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from portal.models import Organisation, User

logger = logging.getLogger(__name__)

PanelFunction = Callable[[HttpRequest], "Panel | None"]


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    title: str = ""


def _is_not_written_yet(path: str, error: ImportError) -> bool:
    """True when the panel's own module or function is missing (not a broken import in it)."""
    if isinstance(error.__cause__, AttributeError):
        return True  # import_string: the module exists but does not define the function yet
    module_path = path.rpartition(".")[0]
    missing = error.name or ""
    return bool(missing) and (module_path == missing or module_path.startswith(f"{missing}."))


@cache
def _import_panel(path: str) -> PanelFunction | None:
    """The callable at `path`, or None while its module or function does not exist yet."""
    try:
        return import_string(path)
    except ImportError as error:
        if not _is_not_written_yet(path, error):
            raise
    # An app may list a panel before it ships it; the dashboard goes on without it.
    logger.warning("Dashboard panel %r does not exist yet; it is skipped.", path)
    return None


def panel_functions(paths: list[str] | None = None) -> list[PanelFunction]:
    """The importable panel callables, in the order the setting lists them."""
    paths = settings.DASHBOARD_PANELS if paths is None else paths
    functions = (_import_panel(path) for path in paths)
    return [function for function in functions if function is not None]


def panels_for(request: HttpRequest) -> list[Panel]:
    """Every panel that has something to show to this request's user."""
    panels = (function(request) for function in panel_functions())
    return [panel for panel in panels if panel is not None]


def pending_organisations(request: HttpRequest) -> Panel | None:
    """For foundation admins: the organisations waiting for review."""
    if not cast(User, request.user).is_foundation_admin:
        return None
    pending = list(Organisation.objects.pending().order_by("created_at"))
    return Panel(
        template="portal/panels/pending_organisations.html",
        context={"organisations": pending, "count": len(pending)},
        title="Organisations to review",
    )


def my_organisation(request: HttpRequest) -> Panel:
    """The user's organisations with their status, or what to do when they have none."""
    memberships = list(
        cast(User, request.user)
        .memberships.select_related("organisation")
        .order_by("organisation__name")
    )
    return Panel(
        template="portal/panels/my_organisation.html",
        context={"memberships": memberships},
        title="Your organisation" if len(memberships) <= 1 else "Your organisations",
    )
