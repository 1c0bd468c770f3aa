from django.urls import re_path

from protector_dashboard.dashboards.project.protection_groups import action_views, views

PG = r"^(?P<pg_id>[^/]+)/"

urlpatterns = [
    re_path(r"^$", views.IndexView.as_view(), name="index"),
    re_path(r"^create/$", views.CreateView.as_view(), name="create"),
    re_path(PG + r"$", views.DetailView.as_view(), name="detail"),
    re_path(PG + r"update/$", views.UpdateView.as_view(), name="update"),
    re_path(PG + r"policy/$", views.PolicyView.as_view(), name="policy"),
    re_path(PG + r"add_member/$", action_views.AddMemberView.as_view(), name="add_member"),
    re_path(PG + r"members/(?P<member_id>[^/]+)/boot_order/$",
            action_views.BootOrderView.as_view(), name="member_boot_order"),
    re_path(PG + r"test_failover/$", action_views.TestFailoverView.as_view(),
            name="test_failover"),
    re_path(PG + r"test_cleanup/$", action_views.TestCleanupView.as_view(),
            name="test_cleanup"),
    re_path(PG + r"failover/$", action_views.FailoverView.as_view(), name="failover"),
    re_path(PG + r"unplanned_failover/$", action_views.UnplannedFailoverView.as_view(),
            name="unplanned_failover"),
    re_path(PG + r"reprotect/$", action_views.ReprotectView.as_view(), name="reprotect"),
    re_path(PG + r"failback/$", action_views.FailbackView.as_view(), name="failback"),
    re_path(PG + r"sync_force/$", action_views.SyncForceView.as_view(), name="sync_force"),
]
