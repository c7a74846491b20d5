"""URLs of the Excel ledger (台账) pages: upload, job progress, error report, template, export."""

from django.urls import path

from .views import ledger as views_ledger

urlpatterns: list = [
    path("import/", views_ledger.ledger_import, name="ledger_import"),
    path("jobs/<int:job_id>/", views_ledger.ledger_job, name="ledger_job"),
    path("jobs/<int:job_id>/errors.xlsx", views_ledger.ledger_errors, name="ledger_errors"),
    path(
        "template/<slug:kind>.xlsx", views_ledger.ledger_template_download, name="ledger_template"
    ),
    path("export/<slug:kind>/", views_ledger.ledger_export, name="ledger_export"),
]
