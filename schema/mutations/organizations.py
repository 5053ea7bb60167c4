"""createOrganization, createSite, addProduct."""

import strawberry
from strawberry.types import Info

from models.enums import Experience
from models.organization import Organization, Site
from models.product import ProductInstance
from permissions.guards import Authenticated, guard
from resolvers import organizations
from resolvers.context import Context
from resolvers.receipts import row
from schema import nodes, targets
from schema.ids import decode
from schema.mutations.common import MutationInput, Payload, answer, run

Ctx = Info[Context, None]


@strawberry.input
class CreateOrganizationInput(MutationInput):
    name: str
    experience: Experience = Experience.CENTRALIZED
    government_cloud: bool = False


@strawberry.type
class CreateOrganizationPayload(Payload):
    organization: nodes.Organization | None = None


@strawberry.input
class CreateSiteInput(MutationInput):
    organization_id: strawberry.ID
    name: str = strawberry.field(description="Host name, like acme.example.net.")


@strawberry.type
class CreateSitePayload(Payload):
    site: nodes.Site | None = None


@strawberry.input
class AddProductInput(MutationInput):
    site_id: strawberry.ID
    product_key: str = strawberry.field(description="A key of productCatalog, like jira.")


@strawberry.type
class AddProductPayload(Payload):
    product_instance: nodes.ProductInstance | None = None


@strawberry.type
class Mutations:
    @strawberry.mutation(
        description="Create an organization; you become its organization "
        "admin and join org-admins (R-ROLE-1). Any signed-in account.",
        extensions=[Authenticated()],
    )
    async def create_organization(
        self, info: Ctx, input: CreateOrganizationInput
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
        extensions=[guard("add_new_products", targets.input_organization)],
    )
    async def create_site(self, info: Ctx, input: CreateSiteInput) -> CreateSitePayload:
        ctx, org_id = info.context, decode(input.organization_id, "Organization")
        done = await run(
            info, input, lambda: organizations.create_site(ctx, org_id, input.name), row(Site)
        )
        return answer(CreateSitePayload, input, done, site=done.then(nodes.Site.of))

    @strawberry.mutation(
        description="Install a product on a site, with its default groups. "
        "Feature: add_new_products.",
        extensions=[guard("add_new_products", targets.input_site)],
    )
    async def add_product(self, info: Ctx, input: AddProductInput) -> AddProductPayload:
        ctx, site_id, key = info.context, decode(input.site_id, "Site"), input.product_key
        done = await run(
            info, input, lambda: organizations.add_product(ctx, site_id, key), row(ProductInstance)
        )
        instance = done.then(nodes.ProductInstance.of)
        return answer(AddProductPayload, input, done, product_instance=instance)
