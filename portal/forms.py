"""Forms collect and check input; the services in `portal.services` do the writing."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from portal.models import Organisation, User, validate_slug_not_reserved
from portal.services import normalise_flickr_accounts


class OrganisationRegistrationForm(forms.Form):
    """The organisation half of the sign-up form."""

    name = forms.CharField(label="Organisation name", max_length=200)
    slug = forms.SlugField(
        label="Short name",
        max_length=80,
        required=False,
        help_text="Used in web addresses. Leave empty to make one from the name.",
    )
    country = forms.CharField(max_length=100, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    flickr_accounts = forms.CharField(
        label="Flickr accounts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "The Flickr accounts your organisation owns, one a line: the account id "
            "(looks like 12345678@N01) or its address, "
            "https://www.flickr.com/photos/12345678@N01/. "
            "Photos from these accounts never need their owner's consent."
        ),
    )

    ORGANISATION_FIELDS = ("name", "slug", "country", "website", "flickr_accounts")

    def organisation_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ORGANISATION_FIELDS]

    def applicant_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.ORGANISATION_FIELDS]

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("name", ""))[:80]
        if not slug:
            raise ValidationError("Give a short name of letters, numbers and hyphens.")
        validate_slug_not_reserved(slug)
        if Organisation.objects.filter(slug=slug).exists():
            raise ValidationError(
                f"Another organisation already uses the short name {slug!r}. Choose another."
            )
        return slug

    def clean_flickr_accounts(self) -> list[str]:
        lines = self.cleaned_data.get("flickr_accounts", "").splitlines()
        try:
            return normalise_flickr_accounts(lines)
        except ValidationError as error:
            raise ValidationError(error.message_dict["flickr_accounts"]) from error

    def organisation_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "slug": data["slug"],
            "country": data["country"],
            "website": data["website"],
            "flickr_accounts": data["flickr_accounts"],
        }


class ApplicantRegistrationForm(OrganisationRegistrationForm):
    """The public sign-up: the organisation plus an account for the person registering it."""

    display_name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Your email address")
    username = forms.CharField(
        max_length=150,
        help_text="What you will log in with: letters, digits and @/./+/-/_ only.",
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"The username {username!r} is taken. Choose another.")
        return username

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account already uses this email address. Log in first, then register "
                "the organisation from that account."
            )
        return email

    def clean(self) -> dict:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            candidate = User(
                username=data.get("username", ""),
                email=data.get("email", ""),
                display_name=data.get("display_name", ""),
            )
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return data

    def applicant_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "username": data["username"],
            "email": data["email"],
            "password": data["password"],
            "display_name": data["display_name"],
        }


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "email"]
        labels = {"display_name": "Display name"}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not email:
            raise ValidationError("Keep an email address: the portal writes to you there.")
        return email


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, e.g. 'ingest script'. Only you and foundation admins see it.",
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Sent to the applicant. Required when declining.",
    )
