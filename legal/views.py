"""The legal pages: the agreement itself, signing, review by the foundation, history."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from legal import services
from legal.access import (
    foundation_admin_or_forbidden,
    get_organisation_for,
    get_signature_for,
)
from legal.errors import AgreementError
from legal.forms import PublishForm, ReturnForm, SignForm
from legal.markdown import render_markdown
from legal.models import AgreementEvent, AgreementSignature, AgreementVersion
from portal.models import User


@login_not_required
@require_GET
def agreement_current(request: HttpRequest) -> HttpResponse:
    """The agreement in effect today, for anyone to read."""
    version = AgreementVersion.objects.current()
    return _render_version(request, version, is_current=True)


@login_not_required
@require_GET
def agreement_version(request: HttpRequest, label: str) -> HttpResponse:
    """Any published version, so that signatures of older versions can be read later."""
    version = get_object_or_404(AgreementVersion.objects.published(), label=label)
    current = AgreementVersion.objects.current()
    return _render_version(
        request, version, is_current=current is not None and current.pk == version.pk
    )


def _render_version(
    request: HttpRequest, version: AgreementVersion | None, *, is_current: bool
) -> HttpResponse:
    return render(
        request,
        "legal/agreementversion_detail.html",
        {
            "version": version,
            "is_current": is_current,
            "today": timezone.localdate(),
            "text_html": render_markdown(version.text_markdown) if version else "",
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_sign(request: HttpRequest, slug: str) -> HttpResponse:
    """Managers sign the current version; everyone else who may see the page is told why not."""
    organisation = get_organisation_for(_logged_in(request), slug)
    status = services.agreement_status_for(organisation)
    is_manager = _logged_in(request).is_manager_of(organisation)
    form = SignForm(initial={"version": status.version.label if status.version else ""})
    http_status = 200
    if request.method == "POST":
        form = SignForm(request.POST)
        if not is_manager:
            http_status = 403
            messages.error(
                request,
                f"Only a manager of {organisation} can sign the agreement; nothing was signed.",
            )
        elif form.is_valid():
            try:
                services.agreement_sign(
                    organisation,
                    version=_version_by_label(form.cleaned_data["version"]),
                    by=_logged_in(request),
                    signer_name=form.cleaned_data["signer_name"],
                    signer_title=form.cleaned_data["signer_title"],
                    ip=_client_ip(request),
                )
            except AgreementError as error:
                form.add_error(None, str(error))
                http_status = 400
            else:
                messages.success(
                    request,
                    "Thank you: the agreement is signed. The foundation will review it and "
                    "you will hear by email.",
                )
                return redirect("legal:agreement_history", slug=organisation.slug)
        else:
            http_status = 400
    version = status.version
    return render(
        request,
        "legal/agreementsignature_form.html",
        {
            "organisation": organisation,
            "status": status,
            "version": version,
            "text_html": render_markdown(version.text_markdown) if version else "",
            "is_manager": is_manager,
            "form": form,
            "ip": _client_ip(request),
        },
        status=http_status,
    )


@require_GET
def agreement_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every version the organisation signed, who signed, and what the foundation decided."""
    organisation = get_organisation_for(_logged_in(request), slug)
    return render(
        request,
        "legal/agreement_history.html",
        {
            "organisation": organisation,
            "status": services.agreement_status_for(organisation),
            "is_manager": _logged_in(request).is_manager_of(organisation),
            "signatures": AgreementSignature.objects.for_organisation(organisation)
            .select_related("version", "signed_by", "decided_by")
            .newest_first(),
            "events": AgreementEvent.objects.history_of(organisation).chronological(),
        },
    )


@require_GET
def signature_review(request: HttpRequest) -> HttpResponse:
    """Foundation admins: the signatures awaiting a decision, oldest first."""
    if denied := foundation_admin_or_forbidden(request):
        return denied
    return render(
        request,
        "legal/agreementsignature_review.html",
        {
            "signatures": AgreementSignature.objects.awaiting_review(),
            "current": AgreementVersion.objects.current(),
        },
    )


@require_POST
def signature_approve(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := foundation_admin_or_forbidden(request):
        return denied
    signature = get_signature_for(request.user, pk)
    try:
        services.signature_approve(
            signature, by=_logged_in(request), note=request.POST.get("note", "")
        )
    except AgreementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Approved: {signature.organisation} may now request lifeboats.")
    return redirect("legal:signature_review")


@require_POST
def signature_return(request: HttpRequest, pk: int) -> HttpResponse:
    if denied := foundation_admin_or_forbidden(request):
        return denied
    signature = get_signature_for(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(error) for error in form.errors["note"]) + " Nothing was changed."
        )
        return redirect("legal:signature_review")
    try:
        services.signature_return(signature, by=_logged_in(request), note=form.cleaned_data["note"])
    except AgreementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Returned to {signature.organisation} with your note.")
    return redirect("legal:signature_review")


@require_http_methods(["GET", "POST"])
def agreement_publish(request: HttpRequest) -> HttpResponse:
    """Foundation admins publish a new version; organisations must then sign it again."""
    if denied := foundation_admin_or_forbidden(request):
        return denied
    current = AgreementVersion.objects.current()
    form = PublishForm(request.POST or None, initial=_publish_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.agreement_publish(by=_logged_in(request), **form.cleaned_data)
        except AgreementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Published agreement {version.label}; it takes effect on "
                f"{version.effective_on:%d %B %Y} and managers have been told to sign it.",
            )
            return redirect(version.get_absolute_url())
    return render(
        request,
        "legal/agreementversion_form.html",
        {"form": form, "current": current},
        status=400 if form.is_bound else 200,
    )


def _logged_in(request: HttpRequest) -> User:
    """The user of a page behind LoginRequiredMiddleware, which never lets anonymous through."""
    return cast(User, request.user)


def _publish_initial(current: AgreementVersion | None) -> dict:
    return {"text_markdown": current.text_markdown} if current else {}


def _version_by_label(label: str) -> AgreementVersion:
    try:
        return AgreementVersion.objects.published().get(label=label)
    except AgreementVersion.DoesNotExist:
        raise Http404(f"There is no published agreement version {label!r}.") from None


def _client_ip(request: HttpRequest) -> str:
    """The address the request came from, as the web server saw it (not X-Forwarded-For,
    which the client can forge)."""
    return request.META.get("REMOTE_ADDR", "")
