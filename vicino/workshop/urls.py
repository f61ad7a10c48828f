from django.urls import path

from . import views, views_public

app_name = "workshop"

urlpatterns = [
    path("workshop/", views.board, name="board"),
    path("workshop/orders/new/", views.order_create, name="order-create"),
    path("workshop/orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("workshop/orders/<int:pk>/update/", views.order_update, name="order-update"),
    path("workshop/orders/<int:pk>/status/", views.order_status, name="order-status"),
    path("workshop/orders/<int:pk>/assign/", views.order_assign, name="order-assign"),
    path("workshop/orders/<int:pk>/deliver/", views.order_deliver, name="order-deliver"),
    path("workshop/orders/<int:pk>/lines/", views.line_add, name="line-add"),
    path("workshop/orders/<int:pk>/findings/<int:finding_pk>/answer/", views.finding_answer, name="finding-answer"),
    path("workshop/media/updates/<int:pk>/", views.update_media, name="update-media"),
    path("workshop/media/loans/<int:pk>/", views.loan_photo, name="loan-photo"),
    path("workshop/courtesy/", views.courtesy_list, name="courtesy-list"),
    path("workshop/courtesy/lend/", views.loan_out, name="loan-out"),
    path("workshop/loans/<int:pk>/back/", views.loan_back, name="loan-back"),
    path("workshop/emergency/<slug:network_slug>/<str:site_code>/", views_public.emergency_page, name="emergency"),
    path("workshop/emergency/<slug:network_slug>/<str:site_code>/sent/", views_public.emergency_sent, name="emergency-sent"),
]
