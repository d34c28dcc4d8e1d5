"""Provenance (DESIGN 1, 7): what the foundation keeps forever about each lifeboat.

`lifeboat_provenance(lifeboat)` gathers it as plain data: who asked, who approved, under which
agreement, what went in, how many Flickr calls it took, the package's size and checksum, who
downloaded it and when it expired. `render_provenance(lifeboat)` shows the same as an HTML
fragment for the Django admin (a read-only field):

    @admin.display(description="Provenance")
    def provenance(self, lifeboat):
        return render_provenance(lifeboat)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lifeboats import summaries
from lifeboats.models import (
    ExclusionReason,
    Lifeboat,
    LifeboatEvent,
    LifeboatStatus,
    PhotoState,
)


def lifeboat_provenance(lifeboat: Lifeboat) -> dict[str, Any]:
    """Everything the admin shows of one lifeboat's history, as plain data."""
    events = list(lifeboat.events.select_related("actor").order_by("at", "pk"))
    return {
        "requester": requester(lifeboat),
        "approvals": [
            event_summary(event) for event in events if event.status == LifeboatStatus.APPROVED
        ],
        "agreement": agreement(lifeboat),
        "photos": photo_counts(lifeboat),
        "api_calls": lifeboat.api_calls,
        "package": {
            "path": lifeboat.package_path or None,
            "size": lifeboat.package_size,
            "sha256": lifeboat.package_sha256 or None,
        },
        "downloads": downloads(lifeboat),
        "expiry": {
            "status": lifeboat.status,
            "ready_at": lifeboat.ready_at,
            "expires_at": lifeboat.expires_at,
            "expired_at": next(
                (event.at for event in events if event.status == LifeboatStatus.EXPIRED), None
            ),
        },
    }


def requester(lifeboat: Lifeboat) -> dict[str, Any]:
    user = lifeboat.created_by
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "organisation": lifeboat.organisation.name,
        "created_at": lifeboat.created_at,
        "submitted_at": lifeboat.submitted_at,
    }


def event_summary(event: LifeboatEvent) -> dict[str, Any]:
    return {
        "by": event.actor.username if event.actor else None,
        "at": event.at,
        "from_status": event.from_status,
        "note": event.note,
    }


def agreement(lifeboat: Lifeboat) -> dict[str, Any] | None:
    signature = lifeboat.agreement_signature
    if signature is None:
        return None
    return {
        "version": signature.version.label,
        "signed_by": signature.signer_name,
        "signed_at": signature.signed_at,
        "approved_at": signature.decided_at,
    }


def photo_counts(lifeboat: Lifeboat) -> dict[str, Any]:
    """Photos by state, and the excluded ones by reason: the portal's own counts
    (`lifeboats.summaries.photo_counts`), with photos waiting for consent counted as pending."""
    counts = summaries.photo_counts(lifeboat)
    by_reason = counts["excluded"]
    by_state: dict[str, int] = {
        PhotoState.PENDING: counts["pending"] + counts["pending_consent"],
        PhotoState.INCLUDED: counts["included"],
        PhotoState.EXCLUDED: sum(by_reason.values()),
    }
    return {
        **by_state,
        "total": sum(by_state.values()),
        "excluded_by_reason": dict(sorted(by_reason.items())),
    }


def downloads(lifeboat: Lifeboat) -> dict[str, Any]:
    records = lifeboat.downloads.select_related("user").order_by("-at", "-pk")
    last = records.first()
    return {
        "count": records.count(),
        "last": (
            {"user": last.user.username, "at": last.at, "size": last.size, "ip": last.ip}
            if last
            else None
        ),
    }


# --- HTML for the admin ----------------------------------------------------------------------


def render_provenance(lifeboat: Lifeboat) -> SafeString:
    """The provenance as a definition list; every value is escaped."""
    facts = provenance_facts(lifeboat_provenance(lifeboat))
    return format_html(
        '<dl class="provenance">{}</dl>',
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", facts),
    )


def provenance_facts(data: dict[str, Any]) -> Iterable[tuple[str, str]]:
    who = data["requester"]
    yield (
        "Requested by",
        f"{who['name'] or who['username']} ({who['username']}, {who['email'] or 'no email'}) "
        f"for {who['organisation']}, {_when(who['created_at'])}; "
        f"submitted {_when(who['submitted_at'])}",
    )
    approvals = data["approvals"]
    yield (
        "Approvals",
        "; ".join(
            f"{approval['by'] or 'the system'}, {_when(approval['at'])}"
            + (f": {approval['note']}" if approval["note"] else "")
            for approval in approvals
        )
        or "not approved",
    )
    signed = data["agreement"]
    yield (
        "Agreement",
        f"version {signed['version']}, signed by {signed['signed_by']} "
        f"{_when(signed['signed_at'])}, approved {_when(signed['approved_at'])}"
        if signed
        else "none recorded",
    )
    photos = data["photos"]
    reasons = ", ".join(
        f"{ExclusionReason(reason).label.lower() if reason in ExclusionReason.values else reason}: "
        f"{count}"
        for reason, count in photos["excluded_by_reason"].items()
    )
    yield (
        "Photos",
        f"{photos['total']} in all: {photos['included']} included, {photos['excluded']} excluded"
        + (f" ({reasons})" if reasons else "")
        + f", {photos['pending']} pending",
    )
    yield ("Flickr API calls", f"{data['api_calls']:,}")
    package = data["package"]
    yield (
        "Package",
        f"{package['path']}, {_size(package['size'])}, SHA-256 {package['sha256'] or 'unknown'}"
        if package["path"]
        else "not built",
    )
    got = data["downloads"]
    last = got["last"]
    yield (
        "Downloads",
        f"{got['count']}; last by {last['user']} {_when(last['at'])}"
        + (f" from {last['ip']}" if last["ip"] else "")
        if last
        else "none",
    )
    expiry = data["expiry"]
    yield (
        "Expiry",
        f"expired {_when(expiry['expired_at'])}"
        if expiry["expired_at"]
        else f"ready {_when(expiry['ready_at'])}, expires {_when(expiry['expires_at'])}"
        if expiry["expires_at"]
        else "not ready",
    )


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return f"on {timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _size(size: int | None) -> str:
    if size is None:
        return "size unknown"
    return f"{filesizeformat(size)} ({size:,} bytes)"
