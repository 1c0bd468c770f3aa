from django.urls import re_path

from protector_dashboard.dashboards.project.dr_operations import views

OP = r"^(?P<operation_id>[^/]+)/"

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(OP + r"$", views.DetailView.as_view(), name="detail"),
    re_path(OP + r"progress/$", views.ProgressView.as_view(), name="progress"),
    re_path(OP + r"report/$", views.ReportView.as_view(), name="report"),
]
