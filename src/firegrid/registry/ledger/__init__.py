"""Excel ledgers (台账) of the registry: templates, all-or-nothing imports, exports."""

from .columns import BUILDINGS, FIRE_RESOURCES, KIND_CHOICES, PLACES, RESIDENTS, SPECS, spec_for
from .filters import place_filters_from_query
from .jobs import (
    ImportOutcome,
    ledger_fail_stale,
    ledger_import_file,
    ledger_import_run,
    ledger_import_start,
    ledger_may_import,
)
from .reader import LedgerFileError, read_ledger
from .writer import (
    XLSX_TYPE,
    error_report,
    ledger_export,
    ledger_export_places,
    ledger_template,
    write_ledger,
)

__all__ = [
    "BUILDINGS",
    "FIRE_RESOURCES",
    "KIND_CHOICES",
    "PLACES",
    "RESIDENTS",
    "SPECS",
    "XLSX_TYPE",
    "ImportOutcome",
    "LedgerFileError",
    "error_report",
    "ledger_fail_stale",
    "ledger_export",
    "ledger_export_places",
    "ledger_import_file",
    "ledger_import_run",
    "ledger_import_start",
    "ledger_may_import",
    "ledger_template",
    "place_filters_from_query",
    "read_ledger",
    "spec_for",
    "write_ledger",
]
