from django.urls import path

from . import views, views_public

app_name = "events"

urlpatterns = [
    path("staff/events/", views.event_list, name="list"),
    path("staff/events/new/", views.event_edit, name="create"),
    path("staff/events/partners/", views.partner_list, name="partners"),
    path("staff/events/partners/new/", views.partner_edit, name="partner-create"),
    path("staff/events/partners/<int:pk>/", views.partner_edit, name="partner-edit"),
    path("staff/events/documents/<int:pk>/", views.sponsorship_document, name="document"),
    path("staff/events/<int:pk>/", views.event_detail, name="detail"),
    path("staff/events/<int:pk>/edit/", views.event_edit, name="edit"),
    path("staff/events/<int:pk>/guests.csv", views.guest_list_export, name="guests-export"),
    path("staff/events/<int:pk>/sponsorships/", views.sponsorship_add, name="sponsorship-add"),
    path("staff/events/<int:pk>/door/", views.door, name="door"),
    path("staff/events/<int:pk>/door/scan/", views.door_scan, name="door-scan"),
    path("staff/events/<int:pk>/door/walk-in/", views.door_walk_in, name="door-walk-in"),
    path("staff/events/<int:pk>/door/<int:registration_pk>/", views.door_check_in, name="door-check-in"),
    path("staff/events/<int:pk>/guests/<int:registration_pk>/<slug:action>/", views.registration_action, name="registration-action"),
    path("staff/events/<int:pk>/<slug:action>/", views.event_action, name="action"),
    path("events/ticket/<str:token>/", views_public.registration_manage, name="manage"),
    path("events/<slug:network_slug>/", views_public.event_list_public, name="public-list"),
    path("events/<slug:network_slug>/<slug:slug>/", views_public.event_page, name="public-event"),
]
