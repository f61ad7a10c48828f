from django.urls import path

from . import views, views_public, views_setup

app_name = "bookings"

urlpatterns = [
    path("diary/", views.calendar, name="calendar"),
    path("diary/new/", views.booking_create, name="booking-create"),
    path("diary/bookings/<int:pk>/", views.booking_detail, name="booking-detail"),
    path("diary/bookings/<int:pk>/move/", views.booking_move, name="booking-move"),
    path("diary/bookings/<int:pk>/reschedule/", views.booking_reschedule, name="booking-reschedule"),
    path("diary/bookings/<int:pk>/checks/<int:check_pk>/", views.booking_check, name="booking-check"),
    path("diary/bookings/<int:pk>/<slug:action>/", views.booking_action, name="booking-action"),
    path("diary/setup/", views_setup.setup_page, name="setup"),
    path("diary/setup/closures/", views_setup.closure_add, name="closure-add"),
    path("diary/setup/closures/<int:pk>/remove/", views_setup.closure_remove, name="closure-remove"),
    path("diary/setup/days/", views_setup.exception_add, name="exception-add"),
    path("diary/setup/days/<int:pk>/remove/", views_setup.exception_remove, name="exception-remove"),
    path("diary/setup/patron/", views_setup.patron_set, name="patron-set"),
    path("diary/setup/resources/new/", views_setup.resource_edit, name="resource-create"),
    path("diary/setup/resources/<int:pk>/", views_setup.resource_edit, name="resource-edit"),
    path("diary/setup/offerings/new/", views_setup.offering_edit, name="offering-create"),
    path("diary/setup/offerings/<int:pk>/", views_setup.offering_edit, name="offering-edit"),
    path("book/<slug:network_slug>/<str:site_code>/<slug:slug>/", views_public.booking_page, name="booking-page"),
    path("booking/<str:token>/", views_public.booking_manage, name="manage"),
]
