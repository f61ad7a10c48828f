from django.urls import path

from . import views, views_duplicates, views_imports, views_privacy

app_name = "people"

urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("new/", views.customer_create, name="customer-create"),
    path("<int:pk>/", views.customer_detail, name="customer-detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("<int:pk>/contacts/", views.contact_point_add, name="contact-point-add"),
    path("<int:pk>/contacts/<int:point_pk>/remove/", views.contact_point_remove, name="contact-point-remove"),
    path("<int:pk>/consents/", views.consent_change, name="consent-change"),
    path("<int:pk>/links/", views.customer_link, name="customer-link"),
    path("privacy-settings/", views_privacy.privacy_settings, name="privacy-settings"),
    path("export/", views_imports.customer_export, name="customer-export"),
    path("imports/", views_imports.import_list, name="import-list"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/start/", views_imports.import_start, name="import-start"),
    path("duplicates/", views_duplicates.duplicate_list, name="duplicate-list"),
    path("merge/", views_duplicates.customer_merge, name="customer-merge"),
    path("<int:pk>/data.zip", views_privacy.customer_data_download, name="customer-data"),
    path("<int:pk>/privacy-requests/", views_privacy.privacy_request_open, name="privacy-request-open"),
    path("privacy-requests/", views_privacy.privacy_request_list, name="privacy-request-list"),
    path("privacy-requests/<int:pk>/", views_privacy.privacy_request_detail, name="privacy-request-detail"),
]
