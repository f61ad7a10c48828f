from django.urls import path

from . import views_public

app_name = "bookings"

urlpatterns = [
    path("book/<slug:network_slug>/<str:site_code>/<slug:slug>/", views_public.booking_page, name="booking-page"),
]
