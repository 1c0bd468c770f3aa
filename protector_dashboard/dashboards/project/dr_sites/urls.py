from django.urls import re_path

from protector_dashboard.dashboards.project.dr_sites import views

SITE = r"^(?P<site>[^/]+)/"

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(SITE + r"sign_in/$", views.SignInView.as_view(), name="sign_in"),
    re_path(SITE + r"sign_out/$", views.SignOutView.as_view(), name="sign_out"),
]
