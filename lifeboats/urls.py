from django.urls import path

from lifeboats import downloads, lookup_views, review_views, views

app_name = "lifeboats"

urlpatterns: list = [
    # The staff flow: new request, preview, README, review and submit, then the lifeboat's page.
    path("organisations/<slug:slug>/lifeboats/", views.lifeboat_list, name="list"),
    path("organisations/<slug:slug>/lifeboats/new/", views.lifeboat_new, name="new"),
    path("lifeboats/<uuid:pk>/", views.lifeboat_detail, name="detail"),
    path("lifeboats/<uuid:pk>/progress/", views.lifeboat_progress, name="progress"),
    path("lifeboats/<uuid:pk>/photos/", views.lifeboat_preview, name="preview"),
    path("lifeboats/<uuid:pk>/photos/remove/", views.lifeboat_remove_photos, name="remove_photos"),
    path("lifeboats/<uuid:pk>/readme/", views.lifeboat_readme, name="readme"),
    path("lifeboats/<uuid:pk>/readme/preview/", views.readme_preview, name="readme_preview"),
    path("lifeboats/<uuid:pk>/submit/", views.lifeboat_submit, name="submit"),
    path("lifeboats/<uuid:pk>/withdraw/", views.lifeboat_withdraw, name="withdraw"),
    path("lifeboats/<uuid:pk>/retry/", views.lifeboat_retry, name="retry"),
    # Downloads (signed, logged) and the public photo index.
    path("lifeboats/<uuid:pk>/download/", downloads.download, name="download"),
    path(
        "lifeboats/<uuid:pk>/download/<str:token>/",
        downloads.download_file,
        name="download_file",
    ),
    path("photos/lookup/", lookup_views.photo_lookup, name="photo_lookup"),
    # The foundation's review of submitted requests.
    path("lifeboats/review/", review_views.review_queue, name="review_queue"),
    path("lifeboats/review/<uuid:pk>/", review_views.review, name="review"),
    path("lifeboats/review/<uuid:pk>/approve/", review_views.review_approve, name="review_approve"),
    path("lifeboats/review/<uuid:pk>/return/", review_views.review_return, name="review_return"),
    path("lifeboats/review/<uuid:pk>/reject/", review_views.review_reject, name="review_reject"),
]
