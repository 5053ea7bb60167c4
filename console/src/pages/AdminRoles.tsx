import { useState } from "react";
import { instanceLabel, useOrg } from "../context";
import { ChangeButton } from "../preview";
import { Empty } from "../ui";
import { roleName } from "../words";

export interface AdminRoleEntry {
  id: string;
  role: string;
  scope:
    | null
    | { __typename: "Organization"; id: string; name: string }
    | { __typename: "Site"; id: string; name: string }
    | { __typename: "ProductInstance"; id: string; product: { name: string }; site: { name: string } };
}

const ROLES = {
  CENTRALIZED: ["ORG_ADMIN", "SITE_ADMIN", "USER_ACCESS_ADMIN", "PRODUCT_ADMIN"],
  ORIGINAL: ["ORG_ADMIN", "SITE_ADMIN", "TRUSTED_USER", "PRODUCT_ADMIN"],
} as const;

const scopeName = (scope: AdminRoleEntry["scope"]) =>
  scope === null ? "a scope you can't see" : scope.__typename === "ProductInstance" ? instanceLabel(scope) : scope.name;

/** The scopes where the viewer may give a role, from the capabilities the API reports. */
function scopesFor(role: string, org: ReturnType<typeof useOrg>): { id: string; label: string }[] {
  const { organization: o, sites, instances } = org;
  switch (role) {
    case "ORG_ADMIN": return o.viewerCan.makeOrgAdmin ? [{ id: o.id, label: o.name }] : [];
    case "SITE_ADMIN": return sites.filter((s) => s.viewerCan.makeSiteAdmin).map((s) => ({ id: s.id, label: s.name }));
    case "TRUSTED_USER": return sites.filter((s) => s.viewerCan.makeTrustedUser).map((s) => ({ id: s.id, label: s.name }));
    case "USER_ACCESS_ADMIN": return instances.filter((i) => i.viewerCan.makeUserAccessAdmin).map((i) => ({ id: i.id, label: instanceLabel(i) }));
    case "PRODUCT_ADMIN": return instances.filter((i) => i.viewerCan.makeProductAdmin).map((i) => ({ id: i.id, label: instanceLabel(i) }));
    default: return [];
  }
}

export function AdminRoles({ user, reload }: { user: { id: string; displayName: string; email: string; accountType: string; adminRoles: AdminRoleEntry[] | null }; reload: () => void }) {
  const org = useOrg();
  const [role, setRole] = useState("");
  const [scopeId, setScopeId] = useState("");
  const roles = ROLES[org.organization.experience].filter((r) => scopesFor(r, org).length > 0);
  const scopes = role ? scopesFor(role, org) : [];
  const mayRevoke = (entry: AdminRoleEntry) => entry.scope !== null && scopesFor(entry.role, org).some((s) => s.id === entry.scope?.id);
  if (user.adminRoles === null) return null;
  return (
    <section aria-labelledby="roles-heading">
      <h2 id="roles-heading">Admin roles</h2>
      {user.adminRoles.length === 0 ? <Empty>No admin roles.</Empty> : (
        <ul>
          {user.adminRoles.map((a) => (
            <li key={a.id}>
              {roleName(a.role)} of {scopeName(a.scope)}{" "}
              {mayRevoke(a) && (
                <ChangeButton title="Revoke role" className="danger" mutation="RevokeAdminRole" dryRun
                  input={{ userId: user.id, role: a.role, scopeId: a.scope?.id }} onDone={reload} />
              )}
            </li>
          ))}
        </ul>
      )}
      {roles.length > 0 && user.accountType !== "CUSTOMER" && (
        <div className="inline">
          <label>
            Role
            <select value={role} onChange={(e) => { setRole(e.target.value); setScopeId(""); }}>
              <option value="">Assign a role…</option>
              {roles.map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
            </select>
          </label>
          {role && (
            <label>
              Scope
              <select value={scopeId} onChange={(e) => setScopeId(e.target.value)}>
                <option value="">Choose…</option>
                {scopes.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
              </select>
            </label>
          )}
          {role && scopeId && (
            <ChangeButton title="Assign role" className="primary" mutation="AssignAdminRole" dryRun
              input={{ userId: user.id, role, scopeId }} onDone={() => { setRole(""); setScopeId(""); reload(); }} />
          )}
        </div>
      )}
    </section>
  );
}
