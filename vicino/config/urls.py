from django.contrib import admin
from django.urls import include, path

from vicino.api.api import api

urlpatterns = [
    path("", include("vicino.core.urls")),
    path("customers/", include("vicino.people.urls")),
    path("", include("vicino.sales.urls")),
    path("", include("vicino.bookings.urls")),
    path("", include("vicino.workshop.urls")),
    path("", include("vicino.events.urls")),
    path("portal/", include("vicino.portal.urls")),
    path("api/v1/", api.urls),
    path("tokens/", include("vicino.api.urls")),
    path("admin/", admin.site.urls),
]
