from django.urls import path

app_name = "workshop"

urlpatterns: list = [
    path("workshop/orders/<int:pk>/", lambda request, pk: None, name="order-detail"),
]
