import { useEffect, useMemo, useState } from "react";
import { request, session } from "./api";
import { OrgContext, useOrg, type Org, type OrganizationInfo, type ProductInstanceInfo, type ViewerData } from "./context";
import { AccessRequestsPage } from "./pages/AccessRequests";
import { ApiKeysPage } from "./pages/ApiKeys";
import { AuditLogPage } from "./pages/AuditLog";
import { GroupPage } from "./pages/GroupPage";
import { GroupsPage } from "./pages/Groups";
import { HomePage } from "./pages/Home";
import { ManageProductPage } from "./pages/ManageProduct";
import { ProductsPage } from "./pages/Products";
import { codeFromLink, SignInPage } from "./pages/SignIn";
import { UserAccessSettingsPage } from "./pages/UserAccessSettings";
import { UserPage } from "./pages/UserPage";
import { UsersPage } from "./pages/Users";
import { href, navigate, useRoute } from "./router";
import { Loading, PageBoundary, Problems } from "./ui";
import { useQuery } from "./useQuery";

const NO_ORG_CAPABILITIES: OrganizationInfo["viewerCan"] = {
  viewUsersInOrganization: false, createOrModifyGroup: false, addRemoveUsersFromProducts: false,
  addNewProducts: false, configureUserAccessSettings: false, approveDenyAccessRequests: false,
  viewOrgAuditLog: false, updateApiKeys: false, makeOrgAdmin: false,
};
const NO_INSTANCE_CAPABILITIES: ProductInstanceInfo["viewerCan"] = {
  addRemoveUsersFromProducts: false, configureDefaultGroups: false, configureProductSettings: false,
  makeUserAccessAdmin: false, makeProductAdmin: false, approveDenyAccessRequests: false,
};

export function App() {
  // A sign-in link replaces whoever was signed in in this tab.
  const [token, setToken] = useState(() => (codeFromLink() ? null : session.token()));
  useEffect(() => {
    const out = () => setToken(null);
    window.addEventListener("portcullis:signed-out", out);
    return () => window.removeEventListener("portcullis:signed-out", out);
  }, []);
  if (!token) return <SignInPage onSignedIn={() => setToken(session.token())} />;
  return <SignedIn onSignOut={() => { session.signOut(); setToken(null); navigate("/"); }} />;
}

/** Whether the viewer may read the directory anywhere in the organization: organization-wide
 *  (`viewerCan`), or on one of its sites (a SCOPED cell, like an ORIGINAL site admin's, whose
 *  lists the API narrows): the engine is asked per site (`viewer.can`). */
function useDirectoryReach(organization: OrganizationInfo | undefined): boolean {
  const [scoped, setScoped] = useState(false);
  const wide = organization?.viewerCan?.viewUsersInOrganization ?? false;
  const siteIds = (organization?.sites?.edges ?? []).map((e) => e.node.id).join(",");
  useEffect(() => {
    setScoped(false);
    if (wide || !siteIds) return;
    let live = true;
    Promise.all(
      siteIds.split(",").map((scopeId) =>
        request<{ viewer: { can: { allowed: boolean } | null } | null }>("Can", {
          feature: "view_users_in_organization",
          scopeId,
        }),
      ),
    ).then((answers) => live && setScoped(answers.some((a) => a.data?.viewer?.can?.allowed)));
    return () => {
      live = false;
    };
  }, [wide, siteIds]);
  return wide || scoped;
}

function SignedIn({ onSignOut }: { onSignOut: () => void }) {
  const viewer = useQuery<ViewerData>("Viewer", {});
  const route = useRoute();
  const organizations = viewer.data?.viewer?.organizations ?? [];
  const [, orgId, section, id] = route.parts[0] === "o" ? route.parts : [];
  const organization = organizations.find((o) => o.id === orgId) ?? organizations[0];
  const directory = useDirectoryReach(organization);
  const org: Org | null = useMemo(() => {
    if (!organization) return null;
    // A partial answer nulls what the viewer may not read: read as "not allowed", "none".
    const capabilities = organization.viewerCan ?? NO_ORG_CAPABILITIES;
    const normalized = {
      ...organization,
      viewerCan: { ...capabilities, viewUsersInOrganization: directory },
    };
    const sites = (organization.sites?.edges ?? []).map(({ node }) => ({
      ...node,
      viewerCan: node.viewerCan ?? { makeSiteAdmin: false, makeTrustedUser: false },
      products: (node.products ?? [])
        .filter((p) => p.product !== null)
        .map((p) => ({ ...p, viewerCan: p.viewerCan ?? NO_INSTANCE_CAPABILITIES })),
    }));
    const instances = sites.flatMap((site) => site.products.map((p) => ({ ...p, site })));
    return { organization: normalized, sites, instances, reloadViewer: viewer.reload };
  }, [organization, directory, viewer.reload]);
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">Portcullis administration</span>
        {organizations.length > 1 && (
          <label className="org-switch">
            <span className="visually-hidden">Organization</span>
            <select value={organization?.id} onChange={(e) => navigate(`/o/${e.target.value}`)}>
              {organizations.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
            </select>
          </label>
        )}
        {organizations.length === 1 && <span className="org-name">{organization?.name}</span>}
        <span className="who">{viewer.data?.viewer?.email}</span>
        <button type="button" onClick={onSignOut}>Sign out</button>
      </header>
      {viewer.loading && !viewer.data && <main><Loading what="your organizations" /></main>}
      {!viewer.loading && <Problems errors={viewer.errors} failure={viewer.failure} />}
      {org && (
        <OrgContext.Provider value={org}>
          <div className="body">
            <Nav section={section ?? ""} />
            <main id="main">
              <PageBoundary page={`${section}/${id}`}>
                <Page section={section ?? ""} id={id} />
              </PageBoundary>
            </main>
          </div>
        </OrgContext.Provider>
      )}
      {!viewer.loading && viewer.data && !organization && (
        <main><p className="empty">You are not a member of any organization yet.</p></main>
      )}
    </div>
  );
}

function Page({ section, id }: { section: string; id?: string }) {
  switch (section) {
    case "users": return id ? <UserPage userId={id} /> : <UsersPage />;
    case "groups": return id ? <GroupPage groupId={id} /> : <GroupsPage />;
    case "products": return id ? <ManageProductPage instanceId={id} /> : <ProductsPage />;
    case "access-requests": return <AccessRequestsPage />;
    case "user-access-settings": return <UserAccessSettingsPage />;
    case "audit-log": return <AuditLogPage />;
    case "api-keys": return <ApiKeysPage />;
    default: return <HomePage />;
  }
}


function Nav({ section }: { section: string }) {
  const { organization: o } = useOrg();
  const can = o.viewerCan;
  const item = (key: string, label: string, shown: boolean) =>
    shown && (
      <li key={key}>
        <a href={href("o", o.id, key)} aria-current={section === key ? "page" : undefined}>{label}</a>
      </li>
    );
  const directory = o.experience === "CENTRALIZED" ? "Directory" : "Product site";
  return (
    <nav className="side" aria-label="Administration">
      <a className="skip" href="#main">Skip to content</a>
      <ul>
        {item("", "Overview", true)}
      </ul>
      {can.viewUsersInOrganization && (
        <>
          <h2>{directory}</h2>
          <ul>
            {item("users", "Users", true)}
            {item("groups", "Groups", true)}
          </ul>
        </>
      )}
      <h2>{o.experience === "CENTRALIZED" ? "Products" : "Product access"}</h2>
      <ul>{item("products", o.experience === "CENTRALIZED" ? "Products" : "Product access", true)}</ul>
      {(can.approveDenyAccessRequests || can.configureUserAccessSettings) && (
        <>
          <h2>Settings</h2>
          <ul>
            {item("user-access-settings", "User access settings", can.configureUserAccessSettings)}
            {item("access-requests", "Access requests", can.approveDenyAccessRequests)}
          </ul>
        </>
      )}
      {(can.viewOrgAuditLog || can.updateApiKeys) && (
        <>
          <h2>Security</h2>
          <ul>
            {item("audit-log", "Audit log", can.viewOrgAuditLog)}
            {item("api-keys", "API keys", can.updateApiKeys)}
          </ul>
        </>
      )}
    </nav>
  );
}
