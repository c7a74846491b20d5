"""A django-tasks backend that hands tasks to huey.

Code enqueues through the standard django-tasks API (`my_task.enqueue(...)`); huey stores the
call (SQLite file or Redis) and its consumer (`firegrid run_huey`) executes it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.utils import timezone
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from huey.contrib.djhuey import task as huey_task
from typing_extensions import ParamSpec

T = TypeVar("T")
P = ParamSpec("P")


@huey_task()
def run_django_task(module_path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Executed by the huey consumer: import the django-tasks Task and call its function."""
    from django.utils.module_loading import import_string

    task = import_string(module_path)
    return task.call(*args, **kwargs)


class HueyTaskBackend(BaseTaskBackend):
    supports_defer = True

    def enqueue(
        self,
        task: Task[P, T],
        args: P.args,  # type: ignore[valid-type]
        kwargs: P.kwargs,  # type: ignore[valid-type]
    ) -> TaskResult[T]:
        self.validate_task(task)
        result_id = get_random_id()
        call_args = (task.module_path, list(args), dict(kwargs))
        if task.run_after is not None:
            run_django_task.schedule(args=call_args, eta=task.run_after)
        else:
            run_django_task(*call_args)
        return TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
