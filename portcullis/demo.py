"""`portcullis demo`: a small believable data set in both experiences, and tokens to try it.

Built through the same resolver functions the API uses, so it carries an audit trail. Running
it again keeps the data and prints fresh tokens (tokens are shown once, stored hashed).
"""

from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from models.credentials import ApiKey
from models.directory import Account, OrgUser
from models.enums import AccountType, ActorKind, AdminRole, Experience
from models.organization import Organization, Site
from models.product import ProductInstance
from permissions.auth import API_KEY_KIND, issue_personal_token, new_secret
from permissions.principal import Actor, Principal
from resolvers import admin_roles, directory, groups, organizations
from resolvers.context import Context

DEMO_SITE = "acme.example.net"
DEMO_RULE = "demo"


@dataclass(frozen=True)
class DemoToken:
    email: str
    holds: str
    token: str


async def load_demo(lifetime: timedelta | None) -> tuple[list[DemoToken], str]:
    """Create the demo data unless present; return personal tokens valid for `lifetime`
    (PORTCULLIS_TOKEN_LIFETIME) and an API key."""
    if not await Site.exists(name=DEMO_SITE):
        # One transaction, as a mutation's (resolvers/runner.py): the resolvers open none.
        async with in_transaction():
            await _build_acme()
            await _build_globex()
    tokens = []
    for email, holds in HOLDERS:
        account = await Account.get(email=email, owner_ref=0)
        tokens.append(
            DemoToken(email, holds, await issue_personal_token(account, "demo", lifetime=lifetime))
        )
    acme = await Organization.get(name="Acme Corp")
    credential, prefix, digest = new_secret(API_KEY_KIND)
    await ApiKey.create(
        organization=acme, name="demo-integration", prefix=prefix, secret_hash=digest
    )
    return tokens, credential


HOLDERS = [
    ("alice@acme.example", "ORG_ADMIN of Acme Corp (CENTRALIZED)"),
    ("sam@acme.example", "SITE_ADMIN of acme-labs.example.net"),
    ("uma@acme.example", "USER_ACCESS_ADMIN of Confluence on acme.example.net"),
    ("pat@acme.example", "PRODUCT_ADMIN of Jira on acme.example.net"),
    ("dana@acme.example", "member of engineering and support (no admin role)"),
    ("olivia@globex.example", "ORG_ADMIN of Globex (ORIGINAL)"),
    ("stan@globex.example", "SITE_ADMIN of globex.example.net"),
    ("tina@globex.example", "TRUSTED_USER of globex.example.net"),
    ("paul@globex.example", "PRODUCT_ADMIN of Confluence on globex.example.net"),
]


async def _founder(email: str, name: str) -> Context:
    account = await directory.create_account(email, name)
    actor = Actor(ActorKind.ACCOUNT, account.id, account.email)
    return Context(principal=Principal(actor=actor, account_id=account.id), request_id="demo")


async def _invite(
    ctx: Context,
    org: Organization,
    email: str,
    name: str,
    grants: list[tuple[ProductInstance, str]] = (),  # type: ignore[assignment]
    kind: AccountType = AccountType.ATLASSIAN,
) -> OrgUser:
    product_grants = [directory.ProductGrant(i.id, role) for i, role in grants]
    return await directory.invite_user(ctx, org, email, name, kind, product_grants)


async def _build_acme() -> None:
    ctx = await _founder("alice@acme.example", "Alice Admin")
    org = await organizations.create_organization(ctx, "Acme Corp", Experience.CENTRALIZED, False)
    main = await organizations.create_site(ctx, org.id, DEMO_SITE)
    labs = await organizations.create_site(ctx, org.id, "acme-labs.example.net")
    jira = await organizations.add_product(ctx, main.id, "jira")
    confluence = await organizations.add_product(ctx, main.id, "confluence")
    jsm = await organizations.add_product(ctx, main.id, "jira-service-management")
    await organizations.add_product(ctx, labs.id, "jira-product-discovery")
    await organizations.add_product(ctx, labs.id, "bitbucket")
    sam = await _invite(ctx, org, "sam@acme.example", "Sam Site")
    uma = await _invite(ctx, org, "uma@acme.example", "Uma Access")
    pat = await _invite(ctx, org, "pat@acme.example", "Pat Product", [(jira, "USER")])
    dana = await _invite(ctx, org, "dana@acme.example", "Dana Developer", [(jsm, "AGENT")])
    eli = await _invite(ctx, org, "eli@acme.example", "Eli Guest", [(confluence, "GUEST")])
    await _invite(ctx, org, "carl@customer.example", "Carl Customer", kind=AccountType.CUSTOMER)
    await admin_roles.assign_role(ctx, sam, AdminRole.SITE_ADMIN, labs.id, DEMO_RULE)
    await admin_roles.assign_role(ctx, uma, AdminRole.USER_ACCESS_ADMIN, confluence.id, DEMO_RULE)
    await admin_roles.assign_role(ctx, pat, AdminRole.PRODUCT_ADMIN, jira.id, DEMO_RULE)
    engineering = await groups.create_group(ctx, org, None, "engineering", "Builds the product.")
    await groups.grant_group_role(ctx, engineering, jira, "USER", DEMO_RULE)
    await groups.grant_group_role(ctx, engineering, confluence, "USER", DEMO_RULE)
    await groups.add_members(ctx, engineering, [dana, eli, pat])
    support = await groups.create_group(ctx, org, None, "support", "Answers customers.")
    await groups.grant_group_role(ctx, support, jsm, "AGENT", DEMO_RULE)
    await groups.add_members(ctx, support, [dana])


async def _build_globex() -> None:
    ctx = await _founder("olivia@globex.example", "Olivia Owner")
    org = await organizations.create_organization(ctx, "Globex", Experience.ORIGINAL, False)
    site = await organizations.create_site(ctx, org.id, "globex.example.net")
    jira = await organizations.add_product(ctx, site.id, "jira")
    confluence = await organizations.add_product(ctx, site.id, "confluence")
    stan = await _invite(ctx, org, "stan@globex.example", "Stan Site")
    tina = await _invite(ctx, org, "tina@globex.example", "Tina Trusted")
    paul = await _invite(ctx, org, "paul@globex.example", "Paul Product")
    gus = await _invite(ctx, org, "gus@globex.example", "Gus User", [(jira, "USER")])
    await admin_roles.assign_role(ctx, stan, AdminRole.SITE_ADMIN, site.id, DEMO_RULE)
    await admin_roles.assign_role(ctx, tina, AdminRole.TRUSTED_USER, site.id, DEMO_RULE)
    await admin_roles.assign_role(ctx, paul, AdminRole.PRODUCT_ADMIN, confluence.id, DEMO_RULE)
    design = await groups.create_group(ctx, org, site.id, "design", "Designers of globex.")
    await groups.grant_group_role(ctx, design, confluence, "USER", DEMO_RULE)
    await groups.add_members(ctx, design, [gus, tina])
