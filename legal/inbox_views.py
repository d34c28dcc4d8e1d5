"""The inbox: every notification the portal sent to the signed-in user."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from legal.inbox import notification_mark_all_read, notification_mark_read
from legal.models import Notification
from portal.models import User

PAGE_SIZE = 25


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, unread first, then newest first."""
    user = cast(User, request.user)
    notifications = Notification.objects.for_user(user).unread_first()
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "legal/inbox.html",
        {
            "page": page,
            "unread": Notification.objects.unread_for(user).count(),
            "total": page.paginator.count,
        },
    )


@require_GET
def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One notification, in full; opening it marks it read."""
    user = cast(User, request.user)
    notification = get_object_or_404(Notification.objects.for_user(user), pk=pk)
    notification_mark_read(notification, by=user)
    link_is_local = url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    )
    return render(
        request,
        "legal/inbox_detail.html",
        {"notification": notification, "link": notification.url if link_is_local else ""},
    )


@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notification_mark_all_read(by=cast(User, request.user))
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    else:
        messages.info(request, "Every notification was already read.")
    return redirect("legal:inbox")
