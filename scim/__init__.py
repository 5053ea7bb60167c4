"""SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2: identity providers keep an organization's
directory and groups in step. The resources and filters are scim2-models'; every change goes
through the domain functions of resolvers/, with the SCIM token as the audit actor."""
