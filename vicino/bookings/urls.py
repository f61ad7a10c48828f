from django.urls import path

from . import views, views_public

app_name = "bookings"

urlpatterns = [
    path("diary/", views.calendar, name="calendar"),
    path("diary/new/", views.booking_create, name="booking-create"),
    path("diary/bookings/<int:pk>/", views.booking_detail, name="booking-detail"),
    path("diary/bookings/<int:pk>/move/", views.booking_move, name="booking-move"),
    path("diary/bookings/<int:pk>/reschedule/", views.booking_reschedule, name="booking-reschedule"),
    path("diary/bookings/<int:pk>/checks/<int:check_pk>/", views.booking_check, name="booking-check"),
    path("diary/bookings/<int:pk>/<slug:action>/", views.booking_action, name="booking-action"),
    path("book/<slug:network_slug>/<str:site_code>/<slug:slug>/", views_public.booking_page, name="booking-page"),
    path("booking/<str:token>/", views_public.booking_manage, name="manage"),
]
