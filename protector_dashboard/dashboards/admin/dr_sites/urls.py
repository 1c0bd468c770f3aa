from django.urls import re_path

from protector_dashboard.dashboards.admin.dr_sites import views

SITE = r"^(?P<site_id>[^/]+)/"

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(r"^create/$", views.CreateView.as_view(), name="create"),
    re_path(SITE + r"$", views.DetailView.as_view(), name="detail"),
    re_path(SITE + r"update/$", views.UpdateView.as_view(), name="update"),
    re_path(SITE + r"validate/$", views.ValidateView.as_view(), name="validate"),
]
