"""Pages for accounts and organisations: fetch through `portal.access`, write through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import services
from portal.access import AuthenticatedRequest, get_api_token_for, get_organisation_for
from portal.errors import PortalError
from portal.forms import (
    ApiTokenForm,
    ApplicantRegistrationForm,
    DecisionForm,
    OrganisationRegistrationForm,
    ProfileForm,
)
from portal.models import Membership, Organisation, User
from portal.panels import panels_for

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "portal/forbidden.html", {"reason": reason}, status=403)


def _show_errors(request: HttpRequest, error: ValidationError | PortalError) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [error.message]
    for text in texts:
        messages.error(request, text)


# --- Public pages --------------------------------------------------------------------------------


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def organisation_register(request: HttpRequest) -> HttpResponse:
    """Anyone registers an organisation; a visitor gets an account with it, and is logged in."""
    signed_in = request.user.is_authenticated
    form_class = OrganisationRegistrationForm if signed_in else ApplicantRegistrationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, ApplicantRegistrationForm):
                organisation = services.organisation_register_with_applicant(
                    **form.organisation_fields(), **form.applicant_fields()
                )
                login(request, organisation.registered_by, backend=MODEL_BACKEND)
            else:
                services.organisation_register(
                    **form.organisation_fields(), registered_by=cast(User, request.user)
                )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            return redirect("organisation_register_done")
    return render(request, "portal/organisation_register.html", {"form": form})


def _add_service_errors(form: OrganisationRegistrationForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


@login_not_required
@require_GET
def organisation_register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/organisation_register_done.html")


# --- Signed-in pages -----------------------------------------------------------------------------


@require_GET
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    rendered = [
        (panel, render_to_string(panel.template, panel.context, request=request))
        for panel in panels_for(request)
    ]
    return render(request, "portal/dashboard.html", {"panels": rendered})


@require_GET
def profile(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "portal/profile.html", _profile_context(request))


def _profile_context(request: AuthenticatedRequest, **extra) -> dict:
    return {
        "memberships": request.user.memberships.select_related("organisation"),
        "tokens": request.user.api_tokens.all(),
        "token_form": ApiTokenForm(),
        **extra,
    }


@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "portal/profile_edit.html", {"form": form})


@never_cache
@require_POST
def api_token_create(request: AuthenticatedRequest) -> HttpResponse:
    """Create a token and show its secret on this response only: it is never stored."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        context = _profile_context(request, token_form=form)
        return render(request, "portal/profile.html", context, status=400)
    token, secret = services.api_token_create(request.user, name=form.cleaned_data["name"])
    return render(request, "portal/api_token_created.html", {"token": token, "secret": secret})


@require_POST
def api_token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_api_token_for(request.user, pk)
    try:
        services.api_token_revoke(token, by=request.user)
    except PortalError as error:
        _show_errors(request, error)
    else:
        messages.success(request, f"The token {token.name!r} is revoked: it no longer works.")
    return redirect("profile")


@require_GET
def organisation_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for(request.user, slug)
    memberships = organisation.memberships.select_related("user").order_by(
        "-role", "user__username"
    )
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "events": organisation.events.select_related("actor"),
        "my_role": request.user.role_in(organisation),
        "is_reviewer": request.user.has_perm(services.REVIEW_PERMISSION),
        "decision_form": DecisionForm(),
        "roles": Membership.Role,
    }
    return render(request, "portal/organisation_detail.html", context)


# --- Foundation admins ---------------------------------------------------------------------------


def _reviewer_or_none(request: AuthenticatedRequest) -> HttpResponse | None:
    if request.user.has_perm(services.REVIEW_PERMISSION):
        return None
    return _forbidden(request, "Only foundation admins review organisations.")


@require_GET
def organisation_review(request: AuthenticatedRequest) -> HttpResponse:
    if denied := _reviewer_or_none(request):
        return denied
    pending = Organisation.objects.pending().select_related("registered_by").order_by("created_at")
    recent = Organisation.objects.exclude(status=Organisation.Status.PENDING).filter(
        decided_at__isnull=False
    )
    context = {
        "pending": pending.prefetch_related("flickr_accounts"),
        "recent": recent.select_related("decided_by").order_by("-decided_at")[:10],
        "decision_form": DecisionForm(),
    }
    return render(request, "portal/organisation_review.html", context)


DECISIONS: dict[str, tuple[Callable[..., Organisation], str]] = {
    "approve": (services.organisation_approve, "approved"),
    "decline": (services.organisation_decline, "declined"),
    "suspend": (services.organisation_suspend, "suspended"),
}


@require_POST
def organisation_decide(request: AuthenticatedRequest, slug: str, decision: str) -> HttpResponse:
    """Approve, decline or suspend an organisation (foundation admins, POST only)."""
    if denied := _reviewer_or_none(request):
        return denied
    organisation = get_organisation_for(request.user, slug)
    service, done = DECISIONS[decision]
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        service(organisation, by=request.user, note=form.cleaned_data.get("note", ""))
    except (ValidationError, PortalError) as error:
        _show_errors(request, error)
    else:
        messages.success(request, f"{organisation.name} is {done}; the applicant is emailed.")
    if request.POST.get("return_to") == "detail":
        return redirect(organisation)
    return redirect("organisation_review")
