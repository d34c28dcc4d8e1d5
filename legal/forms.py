"""Forms for the legal pages; they only check input, the services decide."""

from __future__ import annotations

from django import forms


class SignForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
    signer_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Typing your name here is your signature.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    signer_title = forms.CharField(
        label="Your title or position",
        max_length=200,
        help_text="For example “Head of Collections”.",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    accept = forms.BooleanField(
        label="I have read and accept this agreement on behalf of my organisation",
        error_messages={"required": "Please tick the box to confirm you accept the agreement."},
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label="What should the organisation change?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Please write a note saying why the signature is returned."},
    )


class PublishForm(forms.Form):
    label = forms.CharField(
        label="Version label", max_length=40, help_text="For example “2026-2”; it must be new."
    )
    effective_on = forms.DateField(
        label="Takes effect on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="From this day every organisation must sign this version.",
    )
    text_markdown = forms.CharField(
        label="Agreement text",
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text="Markdown: headings with #, lists with -, links as [text](https://…).",
    )
