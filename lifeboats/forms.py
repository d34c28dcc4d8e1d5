"""Forms for the lifeboat pages: they only tidy and check input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django import forms

MARKDOWN_HELP = "Markdown: *emphasis*, **bold**, lists with -, links as [text](https://…)."


def lines_of(text: str) -> list[str]:
    """The non-empty lines of `text`, stripped, in order."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class NewLifeboatForm(forms.Form):
    name = forms.CharField(
        label="Name of the lifeboat",
        max_length=200,
        help_text="A short name people will recognise, for example “Lighthouses of the north”.",
        error_messages={"required": "Give the lifeboat a name; you can change it later."},
    )
    urls = forms.CharField(
        label="Flickr URLs",
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "spellcheck": "false",
                "autocapitalize": "off",
                "placeholder": "https://www.flickr.com/photos/…/albums/…\n"
                "https://www.flickr.com/photos/…/12345678901/",
            }
        ),
        help_text="One per line: photos, albums, galleries, group pools, tags or whole "
        "photostreams. Photos named by more than one URL are taken once.",
        error_messages={
            "required": "Paste at least one Flickr URL (one per line) to choose the photos."
        },
    )

    def clean_urls(self) -> list[str]:
        urls = lines_of(self.cleaned_data["urls"])
        if not urls:
            raise forms.ValidationError(
                "Paste at least one Flickr URL (one per line) to choose the photos."
            )
        return urls


class ReadmeForm(forms.Form):
    """The README of the package: what the lifeboat is, and what its future readers need."""

    name = forms.CharField(
        label="Name of the lifeboat",
        max_length=200,
        error_messages={"required": "Give the lifeboat a name."},
    )
    purpose = forms.CharField(
        label="Purpose: why does this lifeboat exist?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences; it becomes the package's description. " + MARKDOWN_HELP,
        error_messages={"required": "Say in a sentence or two why this lifeboat exists."},
    )
    readme_selection = forms.CharField(
        label="Why these photos?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How and why the photos were chosen. " + MARKDOWN_HELP,
    )
    readme_future = forms.CharField(
        label="What should future readers know?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Context someone opening this lifeboat in fifty years will need. "
        + MARKDOWN_HELP,
        error_messages={
            "required": "Tell future readers what they should know; a lifeboat cannot be "
            "submitted without it."
        },
    )
    readme_usage = forms.CharField(
        label="How may the photos be used, and how not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Any limits beyond the photos' own licences. " + MARKDOWN_HELP,
    )

    # The fields shown in the README preview, in the order the package shows them.
    README_FIELDS = ("purpose", "readme_selection", "readme_future", "readme_usage")


class ReadmePreviewForm(forms.Form):
    """The README answers as typed so far, for the live preview: nothing is required."""

    purpose = forms.CharField(required=False, strip=False)
    readme_selection = forms.CharField(required=False, strip=False)
    readme_future = forms.CharField(required=False, strip=False)
    readme_usage = forms.CharField(required=False, strip=False)


class RemovePhotosForm(forms.Form):
    """Photos of the selection to take out before submitting."""

    photo = forms.MultipleChoiceField(
        error_messages={
            "required": "Tick the photos you want to remove first; nothing was removed.",
            "invalid_choice": "Photo %(value)s is not in this lifeboat; nothing was removed.",
        }
    )

    def __init__(self, *args, photo_ids: Iterable[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["photo"])
        field.choices = [(photo_id, photo_id) for photo_id in photo_ids]
