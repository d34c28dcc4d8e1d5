from django.urls import path

from legal import consent_views, inbox_views, photographer_views, removal_views, views

app_name = "legal"

urlpatterns = [
    path("agreement/", views.agreement_current, name="agreement_current"),
    path("versions/new/", views.agreement_publish, name="agreement_publish"),
    path("agreement/<str:label>/", views.agreement_version, name="agreement_version"),
    path("organisations/<slug:slug>/sign/", views.agreement_sign, name="agreement_sign"),
    path("organisations/<slug:slug>/history/", views.agreement_history, name="agreement_history"),
    path("signatures/", views.signature_review, name="signature_review"),
    path("signatures/<int:pk>/approve/", views.signature_approve, name="signature_approve"),
    path("signatures/<int:pk>/return/", views.signature_return, name="signature_return"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/read-all/", inbox_views.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/<int:pk>/", inbox_views.notification_detail, name="notification"),
    path("consent/", consent_views.consent_request_list, name="consent_requests"),
    path("consent/<int:pk>/", consent_views.consent_request_detail, name="consent_request"),
    path(
        "consent/<int:pk>/photos/<int:item_pk>/",
        consent_views.consent_answer,
        name="consent_answer",
    ),
    path("photographer/", photographer_views.photographer, name="photographer"),
    path("photographer/opt-outs/", photographer_views.optout_create, name="optout_create"),
    path(
        "photographer/opt-outs/<int:pk>/withdraw/",
        photographer_views.optout_withdraw,
        name="optout_withdraw",
    ),
    path("photographer/removals/", photographer_views.removal_create, name="removal_create"),
    path("removals/", removal_views.removal_review, name="removal_review"),
    path("removals/<int:pk>/decide/", removal_views.removal_decide, name="removal_decide"),
]
