"""The discovery endpoints (RFC 7644 §4): what this service provider supports, its resource
types and their schemas, all derived from scim/resources.py by scim2-models."""

from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    Filter,
    Meta,
    Patch,
    Reference,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
)
from scim2_models.reference import URI

from scim.resources import Group, User

MAX_RESULTS = 1000  # a page holds at most this many resources (count is clamped)


def service_provider_config(base: str) -> ServiceProviderConfig:
    """No ETags: versions are not kept, and an ETag that is not honest is worse than none."""
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="SCIM token",
                description="Authorization: Bearer pcs_..., from createScimToken.",
                primary=True,
            )
        ],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{base}/ServiceProviderConfig"),
    )


def resource_types(base: str) -> list[ResourceType]:
    found = []
    for model, endpoint in ((User, "/Users"), (Group, "/Groups")):
        kind = model.__name__
        rt = ResourceType.from_resource(model)
        rt.endpoint = Reference[URI](endpoint)
        rt.meta = Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/{kind}")
        found.append(rt)
    return found


def schemas(base: str) -> list[Schema]:
    found = []
    for model in (User, Group):
        schema = model.to_schema()
        location = f"{base}/Schemas/{schema.id}"
        schema.meta = Meta(resource_type="Schema", location=location)
        found.append(schema)
    return found


def dump(item: Any) -> dict[str, Any]:
    from scim2_models import Context

    result: dict[str, Any] = item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    return result
