"""The metrics layer (指标): every figure defined once, read by pages, API, exports and reports.

Other apps and the dashboard import only the names below. They are loaded on first use (PEP 562
`__getattr__`): the package is also the Django app, imported before the models are ready.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .definitions import Metric, MetricFilters
    from .periods import Period, period_from_params
    from .selectors import (
        Figure,
        MetricTable,
        TrendPoint,
        metric_breakdown,
        metric_definitions,
        metric_figure,
        metric_get,
        metric_records,
        metric_status,
        metric_table,
        metric_trend,
    )

_WHERE = {
    "Metric": "definitions",
    "MetricFilters": "definitions",
    "Period": "periods",
    "period_from_params": "periods",
    "Figure": "selectors",
    "MetricTable": "selectors",
    "TrendPoint": "selectors",
    "metric_breakdown": "selectors",
    "metric_definitions": "selectors",
    "metric_figure": "selectors",
    "metric_get": "selectors",
    "metric_records": "selectors",
    "metric_status": "selectors",
    "metric_table": "selectors",
    "metric_trend": "selectors",
}

__all__ = [
    "Figure",
    "Metric",
    "MetricFilters",
    "MetricTable",
    "Period",
    "TrendPoint",
    "metric_breakdown",
    "metric_definitions",
    "metric_figure",
    "metric_get",
    "metric_records",
    "metric_status",
    "metric_table",
    "metric_trend",
    "period_from_params",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
