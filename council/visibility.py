"""Who may see what: the one place that answers it.

Every model that carries a `visibility` field uses `VisibilityQuerySet` and
names, in `visibility_body_path`, the lookup from the model to the `Body` (or
bodies) whose members may see its confidential rows. Pages, search, feeds,
the API, packs and file downloads all ask through `visible_to` / `can_view`,
so a change of membership or visibility takes effect on the next query.

- anonymous users and signed-in users without a Quorum role: public only;
- Staff, Members, Clerks, Records Managers: public and internal;
- confidential: Clerks, Records Managers (custodians of every record) and
  the current members of the object's body;
- superusers: everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal (staff and members)")
    CONFIDENTIAL = "confidential", _("Confidential (closed session)")


class Role(models.TextChoices):
    """The Quorum roles, each a Django auth group of the same name."""

    CLERK = "Clerk", _("Clerk")
    MEMBER = "Member", _("Member")
    RECORDS_MANAGER = "Records Manager", _("Records Manager")
    STAFF = "Staff", _("Staff")


INTERNAL_ROLES = frozenset(Role.values)
CONFIDENTIAL_ROLES = frozenset({Role.CLERK, Role.RECORDS_MANAGER})


def visibility_field() -> models.CharField:
    return models.CharField(
        _("visibility"),
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
        db_index=True,
    )


def user_roles(user: AbstractBaseUser | AnonymousUser | None) -> frozenset[str]:
    """The user's Quorum role names, cached on the user object per request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_quorum_roles"):
        user._quorum_roles = frozenset(
            user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        )
    return user._quorum_roles


def has_role(user, role: Role) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser) or (
        role in user_roles(user)
    )


def _sees_everything(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def member_body_ids(user) -> models.QuerySet:
    """Bodies the user sits on today (a subquery, evaluated with the query)."""
    from council.models import Membership

    return (
        Membership.objects.active_on(timezone.localdate())
        .filter(person__user=user)
        .values("body_id")
    )


def visibility_q(user, body_path: str | None) -> Q | None:
    """The filter for rows `user` may see, or None when they may see all."""
    if _sees_everything(user):
        return None
    roles = user_roles(user)
    if roles & CONFIDENTIAL_ROLES:
        return None
    allowed = Q(visibility=Visibility.PUBLIC)
    if roles & INTERNAL_ROLES:
        allowed |= Q(visibility=Visibility.INTERNAL)
    if Role.MEMBER in roles and body_path:
        allowed |= Q(
            visibility=Visibility.CONFIDENTIAL,
            **{f"{body_path}__in": member_body_ids(user)},
        )
    return allowed


class VisibilityQuerySet(models.QuerySet):
    def visible_to(self, user) -> VisibilityQuerySet:
        body_path = getattr(self.model, "visibility_body_path", None)
        allowed = visibility_q(user, body_path)
        if allowed is None:
            return self.all()
        if _crosses_to_many(self.model, body_path):
            # A join across a to-many relation can repeat rows: select ids.
            allowed_ids = self.model._base_manager.filter(allowed).values("pk")
            return self.filter(pk__in=allowed_ids)
        return self.filter(allowed)

    def public(self) -> VisibilityQuerySet:
        return self.filter(visibility=Visibility.PUBLIC)


def _crosses_to_many(model, body_path: str | None) -> bool:
    """Does following `body_path` from `model` pass a to-many relation?"""
    for name in (body_path or "").split("__"):
        if not name:
            break
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


def can_view(user, obj: models.Model) -> bool:
    """May `user` see `obj`? Answered by the same filter as `visible_to`."""
    manager = type(obj)._default_manager
    return manager.visible_to(user).filter(pk=obj.pk).exists()
