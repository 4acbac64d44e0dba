"""Models that exist only in tests, to exercise shared mechanisms alone."""

from django.db import models

from council.visibility import VisibilityQuerySet, visibility_field


class Report(models.Model):
    """A document belonging to one body, with a visibility level."""

    title = models.CharField(max_length=100)
    body = models.ForeignKey("council.Body", on_delete=models.CASCADE)
    visibility = visibility_field()

    visibility_body_path = "body"
    objects = VisibilityQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title


class JointReport(models.Model):
    """A document shared by several bodies (like a joint meeting's)."""

    title = models.CharField(max_length=100)
    bodies = models.ManyToManyField("council.Body")
    visibility = visibility_field()

    visibility_body_path = "bodies"
    objects = VisibilityQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title
