from django.urls import re_path

from protector_dashboard.dashboards.project.protection_groups import views

PG = r"^(?P<pg_id>[^/]+)/"

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
]
