from django.urls import re_path

from protector_dashboard.dashboards.project.dr_health import views

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
]
