"""createOrganization, createSite, addProduct."""

from typing import Annotated

import strawberry
from strawberry.types import Info

from models.enums import Experience
from models.organization import Organization, Site
from models.product import ProductInstance
from permissions.guards import Authenticated, guard
from permissions.matrix import FeatureId
from resolvers import organizations
from resolvers.context import Context
from resolvers.receipts import row
from schema import nodes
from schema.ids import decode
from schema.mutations.common import INPUT, MutationInput, Payload, answer, run
from schema.targets import Input

Ctx = Info[Context, None]


@strawberry.input(description="A new organization, of which the caller becomes admin.")
class CreateOrganizationInput(MutationInput):
    name: str = strawberry.field(description="The organization's name.")
    experience: Experience = strawberry.field(
        default=Experience.CENTRALIZED,
        description="How its users are administered; CENTRALIZED when left out.",
    )
    government_cloud: bool = strawberry.field(
        default=False,
        description="Users come from an identity provider and products go to groups only "
        "(R-ACCESS-8); false when left out.",
    )


@strawberry.type(description="The result of createOrganization.")
class CreateOrganizationPayload(Payload):
    organization: nodes.Organization | None = strawberry.field(
        default=None, description="The new organization; null when refused."
    )


@strawberry.input(description="A new site of an organization.")
class CreateSiteInput(MutationInput):
    organization_id: strawberry.ID = strawberry.field(description="The site's organization.")
    name: str = strawberry.field(description="Host name, like acme.example.net.")


@strawberry.type(description="The result of createSite.")
class CreateSitePayload(Payload):
    site: nodes.Site | None = strawberry.field(
        default=None, description="The new site; null when refused."
    )


@strawberry.input(description="A product of the catalog to install on a site.")
class AddProductInput(MutationInput):
    site_id: strawberry.ID = strawberry.field(description="The site to install it on.")
    product_key: str = strawberry.field(description="A key of productCatalog, like jira.")


@strawberry.type(description="The result of addProduct.")
class AddProductPayload(Payload):
    product_instance: nodes.ProductInstance | None = strawberry.field(
        default=None,
        description="The installed product, with its default groups; null when refused.",
    )


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Create an organization; you become its organization "
        "admin and join org-admins (R-ROLE-1). Any signed-in account.",
        extensions=[Authenticated()],
    )
    async def create_organization(
        self, info: Ctx, input: Annotated[CreateOrganizationInput, INPUT]
    ) -> CreateOrganizationPayload:
        ctx, name = info.context, input.name
        done = await run(
            info,
            input,
            lambda: organizations.create_organization(
                ctx, name, input.experience, input.government_cloud
            ),
            row(Organization),
        )
        organization = done.then(nodes.Organization.of)
        return answer(CreateOrganizationPayload, input, done, organization=organization)

    @strawberry.mutation(
        description="Add a site. Feature: add_new_products.",
        extensions=[guard(FeatureId.ADD_NEW_PRODUCTS, on=Input("organizationId"))],
    )
    async def create_site(
        self, info: Ctx, input: Annotated[CreateSiteInput, INPUT]
    ) -> CreateSitePayload:
        ctx, org_id = info.context, decode(input.organization_id, "Organization")
        done = await run(
            info, input, lambda: organizations.create_site(ctx, org_id, input.name), row(Site)
        )
        return answer(CreateSitePayload, input, done, site=done.then(nodes.Site.of))

    @strawberry.mutation(
        description="Install a product on a site, with its default groups. "
        "Feature: add_new_products.",
        extensions=[guard(FeatureId.ADD_NEW_PRODUCTS, on=Input("siteId"))],
    )
    async def add_product(
        self, info: Ctx, input: Annotated[AddProductInput, INPUT]
    ) -> AddProductPayload:
        ctx, site_id, key = info.context, decode(input.site_id, "Site"), input.product_key
        done = await run(
            info, input, lambda: organizations.add_product(ctx, site_id, key), row(ProductInstance)
        )
        instance = done.then(nodes.ProductInstance.of)
        return answer(AddProductPayload, input, done, product_instance=instance)
