from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.signin, name="signin"),
    path("sent/", views.signin_sent, name="signin-sent"),
    path("signin/<str:token>/", views.signin_link, name="signin-link"),
    path("signout/", views.signout, name="signout"),
    path("vehicles/", views.vehicles, name="vehicles"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/findings/<int:finding_pk>/", views.finding_answer, name="finding-answer"),
    path("media/<int:pk>/", views.media, name="media"),
    path("bookings/", views.bookings, name="bookings"),
    path("events/", views.events, name="events"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/data/", views.data_download, name="data-download"),
    path("privacy/erasure/", views.erasure, name="erasure"),
]
