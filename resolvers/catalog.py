"""The product catalog: loaded from models/catalog.yaml, synced into the `product` table."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import models
from models.product import Product, ProductInstance

CATALOG_FILE = Path(models.__file__).with_name("catalog.yaml")


@dataclass(frozen=True)
class CatalogRole:
    key: str
    name: str
    billable: bool


@dataclass(frozen=True)
class CatalogProduct:
    key: str
    name: str
    family: str | None
    anonymous_access_supported: bool
    roles: tuple[CatalogRole, ...]

    @property
    def role_keys(self) -> tuple[str, ...]:
        return tuple(role.key for role in self.roles)


@cache
def catalog() -> dict[str, CatalogProduct]:
    raw: dict[str, Any] = yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
    roles = {
        key: CatalogRole(key, spec["name"], bool(spec["billable"]))
        for key, spec in raw["roles"].items()
    }
    return {
        entry["key"]: CatalogProduct(
            key=entry["key"],
            name=entry["name"],
            family=entry["family"],
            anonymous_access_supported=bool(entry["anonymous_access"]),
            roles=tuple(roles[role] for role in entry["roles"]),
        )
        for entry in raw["products"]
    }


def product_name(instance: ProductInstance) -> str:
    """The catalog name of an installed product, for messages: `Jira Service Management`."""
    return catalog()[instance.product_id].name


async def sync_catalog() -> None:
    """Upsert every catalog entry; products are never deleted (instances reference them)."""
    for entry in catalog().values():
        roles = [{"key": r.key, "name": r.name, "billable": r.billable} for r in entry.roles]
        await Product.update_or_create(
            key=entry.key,
            defaults={
                "name": entry.name,
                "family": entry.family,
                "roles": roles,
                "anonymous_access_supported": entry.anonymous_access_supported,
            },
        )
