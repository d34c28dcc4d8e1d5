from django.urls import path

from legal import views

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
]
