"""User access settings (R-ACCESS-10): the email domains whose accounts may join an organization
and get a product's default access, with or without an admin's approval.

The settings of a product instance are replaced as a whole (updateUserAccessSettings), all or
nothing: every bad entry is reported at its path (`approvedDomains.2.domain`). A government
cloud organization has none: access there comes from groups its identity provider provisions
(R-ACCESS-8).
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from models.access_settings import UserAccessSetting
from models.directory import Account
from models.enums import AccountType
from models.organization import Organization
from models.product import ProductInstance
from permissions.matrix import FeatureId
from resolvers import scopes
from resolvers.audit import record
from resolvers.context import Context
from resolvers.errors import DomainError, ErrorCode, Problem, refuse
from resolvers.pages import rows
from resolvers.scopes import Scope

MAX_DOMAINS = 100
# Two labels at least, the last one starting with a letter: an email domain, not a bare host
# name or an IP address. Lower-case: the input is lower-cased first, as emails are.
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)


@dataclass(frozen=True)
class ApprovedDomain:
    """One entry of the input, as the client sent it."""

    domain: str
    requires_approval: bool = True


@dataclass(frozen=True)
class InstanceSettings:
    """The settings of one product instance: its approved domains, by domain."""

    instance: ProductInstance
    domains: list[UserAccessSetting]


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


async def update_user_access_settings(
    ctx: Context,
    organization: Organization,
    instance: ProductInstance,
    wanted: list[ApprovedDomain],
) -> InstanceSettings:
    """Replace the approved domains of `instance`. Unchanged entries keep their rows; nothing
    changed, no audit event."""
    _refuse_government_cloud(organization)
    cleaned = clean_domains(wanted)
    # Serializes updates of one product instance on PostgreSQL (SQLite has one writer).
    await ProductInstance.select_for_update().get(id=instance.id)
    current = await _settings(instance.id)
    before = {s.domain: s.requires_approval for s in current}
    if before == cleaned:
        return InstanceSettings(instance, current)  # no change: nothing to record
    await _apply(instance, current, cleaned)
    await _record_update(ctx, instance, before, cleaned)
    return await instance_settings(instance.id)


async def instance_settings(product_instance_id: int) -> InstanceSettings:
    instance = await ProductInstance.get(id=product_instance_id)
    return InstanceSettings(instance, await _settings(product_instance_id))


def _refuse_government_cloud(organization: Organization) -> None:
    if organization.government_cloud:
        raise refuse(
            ErrorCode.GROUPS_ONLY_IN_GOVERNMENT_CLOUD,
            "In a government cloud organization users come from the identity provider and get "
            "product access through groups: there are no user access settings.",
            field="approvedDomains",
            rule="R-ACCESS-8",
        )


def clean_domains(wanted: list[ApprovedDomain]) -> dict[str, bool]:
    """Lower-cased domains -> requires approval, in input order; every problem at its path."""
    if len(wanted) > MAX_DOMAINS:
        raise refuse(
            ErrorCode.INVALID_INPUT,
            f"At most {MAX_DOMAINS} approved domains per product.",
            field="approvedDomains",
        )
    cleaned: dict[str, bool] = {}
    problems: list[Problem] = []
    for index, entry in enumerate(wanted):
        domain, where = entry.domain.strip().lower(), f"approvedDomains.{index}.domain"
        if not _DOMAIN.match(domain):
            message = f"'{entry.domain[:80]}' is not an email domain (like example.com)."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, where))
        elif domain in cleaned:
            message = f"{domain} is listed twice; each domain may appear once."
            problems.append(Problem(ErrorCode.DUPLICATE, message, where))
        else:
            cleaned[domain] = entry.requires_approval
    if problems:
        raise DomainError(*problems)
    return cleaned


async def _apply(
    instance: ProductInstance, current: list[UserAccessSetting], wanted: dict[str, bool]
) -> None:
    for setting in current:
        if setting.domain not in wanted:
            await setting.delete()
        elif setting.requires_approval != wanted[setting.domain]:
            setting.requires_approval = wanted[setting.domain]
            await setting.save(update_fields=["requires_approval"])
    kept = {s.domain for s in current}
    for domain, requires_approval in wanted.items():
        if domain not in kept:
            await UserAccessSetting.create(
                organization_id=instance.organization_id,
                product_instance_id=instance.id,
                domain=domain,
                requires_approval=requires_approval,
            )


async def _record_update(
    ctx: Context, instance: ProductInstance, before: dict[str, bool], after: dict[str, bool]
) -> None:
    await record(
        ctx,
        organization_id=instance.organization_id,
        action="user_access_settings.update",
        target_type="ProductInstance",
        target_id=instance.id,
        rule=FeatureId.CONFIGURE_USER_ACCESS_SETTINGS,
        before={"approvedDomains": _described(before)},
        after={"approvedDomains": _described(after)},
    )


def _described(domains: dict[str, bool]) -> list[dict[str, Any]]:
    return [{"domain": d, "requiresApproval": a} for d, a in sorted(domains.items())]


async def _settings(product_instance_id: int) -> list[UserAccessSetting]:
    return await UserAccessSetting.filter(product_instance_id=product_instance_id).order_by(
        "domain"
    )


# Reading them


async def settings_of_organization(
    organization_id: int, scope: Scope | None
) -> list[InstanceSettings]:
    """Every product instance with approved domains, by id; narrowed in the query for a
    SCOPED role (a user access admin: their products)."""
    sql, params = "SELECT id FROM user_access_setting WHERE organization_id = ?", [organization_id]
    if scope is not None:
        condition, scope_params = scopes.bind(scopes.PRODUCT_ROWS_IN_SCOPE, scope)
        sql, params = f"{sql} AND {condition}", [*params, *scope_params]
    ids = [int(row["id"]) for row in await rows(sql, params)]
    found = await UserAccessSetting.filter(id__in=ids).order_by("product_instance_id", "domain")
    by_instance: dict[int, list[UserAccessSetting]] = defaultdict(list)
    for setting in found:
        by_instance[setting.product_instance_id].append(setting)
    instances = await ProductInstance.filter(id__in=list(by_instance)).order_by("id")
    return [InstanceSettings(i, by_instance[i.id]) for i in instances]


async def joinable_settings(account: Account | None) -> list[UserAccessSetting]:
    """The settings that approve the account's email domain, in every organization. Portal-only
    customers never get product access (R-ACCESS-6): none for them."""
    if account is None or account.account_type is AccountType.CUSTOMER:
        return []
    domain = email_domain(account.email)
    return await UserAccessSetting.filter(domain=domain).order_by("product_instance_id")
