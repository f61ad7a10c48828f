from django.urls import path

from . import views, views_public, views_reports, views_vehicles

app_name = "sales"

urlpatterns = [
    path("leads/", views.board, name="board"),
    path("leads/round-robin/", views.round_robin_set, name="round-robin"),
    path("leads/list/", views.lead_list, name="lead-list"),
    path("leads/new/", views.lead_create, name="lead-create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead-detail"),
    path("leads/<int:pk>/move/", views.lead_move, name="lead-move"),
    path("leads/<int:pk>/stage/", views.lead_stage, name="lead-stage"),
    path("leads/<int:pk>/assign/", views.lead_assign, name="lead-assign"),
    path("leads/<int:pk>/activities/", views.activity_add, name="activity-add"),
    path("leads/<int:pk>/activities/<int:activity_pk>/done/", views.activity_done, name="activity-done"),
    path("leads/<int:pk>/trade-ins/", views.trade_in_add, name="trade-in-add"),
    path("leads/<int:pk>/configurations/", views.configuration_add, name="configuration-add"),
    path("leads/<int:pk>/quotes/", views.quote_add, name="quote-add"),
    path("leads/<int:pk>/quotes/<int:quote_pk>/pdf/", views.quote_pdf, name="quote-pdf"),
    path("leads/<int:pk>/quotes/<int:quote_pk>/send/", views.quote_send, name="quote-send"),
    path("leads/<int:pk>/order/", views.order_add, name="order-add"),
    path("leads/<int:pk>/deliver/", views.lead_deliver, name="lead-deliver"),
    path("leads/adf/", views_reports.adf_list, name="adf-list"),
    path("leads/adf/<int:pk>/", views_reports.adf_detail, name="adf-detail"),
    path("leads/adf/<int:pk>/original/", views_reports.adf_original, name="adf-original"),
    path("leads/report/", views_reports.report, name="report"),
    path("vehicles/", views_vehicles.stock_list, name="stock-list"),
    path("vehicles/new/", views_vehicles.stock_create, name="stock-create"),
    path("vehicles/<int:pk>/", views_vehicles.stock_detail, name="stock-detail"),
    path("vehicles/<int:pk>/status/", views_vehicles.stock_status, name="stock-status"),
    path("vehicles/catalogue/", views_vehicles.catalogue_list, name="catalogue"),
    path("enquiry/<slug:network_slug>/", views_public.enquiry_form, name="enquiry"),
    path("enquiry/<slug:network_slug>/embed.js", views_public.enquiry_embed, name="enquiry-embed"),
    path("enquiry/<slug:network_slug>/<str:site_code>/", views_public.enquiry_form, name="enquiry-site"),
    path("enquiry/<slug:network_slug>/<str:site_code>/embed.js", views_public.enquiry_embed, name="enquiry-site-embed"),
]
