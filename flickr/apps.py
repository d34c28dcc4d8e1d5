from django.apps import AppConfig


class FlickrConfig(AppConfig):
    """Installed only for its management commands; the package has no models."""

    name = "flickr"
    verbose_name = "Flickr"
