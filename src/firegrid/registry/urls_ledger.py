"""URLs of the Excel ledger (台账) pages: upload, job progress, error report, template, export."""


urlpatterns: list = []
