from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """A task worker's last sign of life (`manage.py worker` writes it every few seconds from
    a thread of its own): the tasks of a worker that stopped beating are taken over by the
    living ones."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process"))
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last sign of life"), db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
