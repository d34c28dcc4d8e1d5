from django.urls import path

from commons import launch_views, views

app_name = "commons"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.member_list, name="members"),
    path("members/<str:name>/", views.member_detail, name="member"),
    path("search/", views.search, name="search"),
    path("conversations/", views.conversations, name="conversations"),
    path("statistics/", views.statistics, name="statistics"),
    path("selection/", launch_views.selection, name="selection"),
    path("selection/update/", launch_views.selection_update, name="selection_update"),
    path("launch/", launch_views.launch, name="launch"),
]
