import { useState } from "react";
import { firstError, request } from "../api";
import { instanceLabel, useOrg } from "../context";
import { ChangeButton, ChangeDialog } from "../preview";
import { href } from "../router";
import { Empty, Loading, Problems, StatusBadge } from "../ui";
import { useQuery } from "../useQuery";
import { roleName } from "../words";
import { AdminRoles, type AdminRoleEntry } from "./AdminRoles";

interface Instance { id: string; product: { key: string; name: string; roles: { key: string; name: string }[] }; site: { id: string; name: string } }
interface Access {
  role: string;
  billable: boolean;
  productInstance: Instance;
  sources: { kind: string; role: string; rule: string; adminRole: string | null; group: { id: string; name: string } | null; description: string }[];
}
export interface UserProfile {
  id: string; email: string; displayName: string; accountType: string; status: string; managed: boolean;
  viewerCan: { updateManagedAccounts: boolean; managePortalOnlyAccounts: boolean } | null;
  productAccess: Access[] | null;
  grantableProducts: Instance[] | null;
  adminRoles: AdminRoleEntry[] | null;
  groups: { totalCount: number; edges: { node: { id: string; name: string } }[] } | null;
}
interface ProfileData { node: UserProfile | null }

const SOURCE_WORDS: Record<string, string> = {
  DEFAULT_GROUP: "default group",
  GROUP: "group",
  ADMIN_ROLE: "admin role",
  SITE_ROLE: "site role",
};

export function UserPage({ userId }: { userId: string }) {
  const { organization: o } = useOrg();
  const profile = useQuery<ProfileData>("UserProfile", { userId });
  const user = profile.data?.node;
  if (profile.loading && !user) return <Loading what="the user" />;
  if (!user) return <Problems errors={profile.errors} failure={profile.failure} />;
  const name = user.displayName || user.email;
  const manage = user.accountType === "CUSTOMER" ? user.viewerCan?.managePortalOnlyAccounts : user.viewerCan?.updateManagedAccounts;
  return (
    <>
      <p className="breadcrumb">
        <a href={href("o", o.id, "users")}>{o.experience === "CENTRALIZED" ? "Directory" : "Product site"} &gt; Users</a> &gt; {name}
      </p>
      <h1>{name}</h1>
      <p>
        {user.email} · <StatusBadge status={user.status} />
        {user.accountType === "CUSTOMER" && " · portal-only customer: never given product access"}
      </p>
      <div className="actions">
        {user.status === "ACTIVE" && (
          <ChangeButton title="Suspend access" mutation="SuspendUser" dryRun={false} allowed={!!manage}
            summary={<>{name} keeps their groups and roles but can't use any product until restored.</>}
            input={{ organizationId: o.id, userId: user.id }} onDone={profile.reload} />
        )}
        {user.status === "SUSPENDED" && (
          <ChangeButton title="Restore access" mutation="RestoreUser" dryRun={false} allowed={!!manage}
            summary={<>{name} gets back the access of their groups and roles.</>}
            input={{ organizationId: o.id, userId: user.id }} onDone={profile.reload} />
        )}
        <ChangeButton title="Remove user" className="danger" mutation="RemoveUserFromOrganization" dryRun={false}
          allowed={o.viewerCan.addRemoveUsersFromProducts}
          summary={<>{name} leaves {o.name} with all their groups and admin roles. Their account stays.</>}
          input={{ organizationId: o.id, userId: user.id }} onDone={() => { window.location.hash = href("o", o.id, "users"); }} />
      </div>
      <Problems errors={profile.errors.filter((e) => e.path?.length && e.path.length > 1)} />
      <ProductAccessSection user={user} reload={profile.reload} />
      {o.experience === "ORIGINAL" ? <ProductToggles user={user} reload={profile.reload} /> : <GrantAccess user={user} reload={profile.reload} />}
      <AdminRoles user={user} reload={profile.reload} />
      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">Groups</h2>
        {user.groups && user.groups.edges.length > 0 ? (
          <ul>{user.groups.edges.map(({ node: g }) => <li key={g.id}><a href={href("o", o.id, "groups", g.id)}>{g.name}</a></li>)}</ul>
        ) : <Empty>Not a member of any group.</Empty>}
      </section>
    </>
  );
}

function ProductAccessSection({ user, reload }: { user: UserProfile; reload: () => void }) {
  const { instances } = useOrg();
  const [why, setWhy] = useState<string | null>(null);
  const access = user.productAccess?.filter((a) => a.productInstance?.product) ?? null;
  const can = (id: string) => instances.find((i) => i.id === id)?.viewerCan.addRemoveUsersFromProducts ?? false;
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">Product access</h2>
      {access === null ? <Empty>You can't see this user's product access.</Empty> : access.length === 0 ? (
        <Empty>{user.displayName || user.email} has no product access{user.status !== "ACTIVE" ? " while not active" : ""}.</Empty>
      ) : (
        <table>
          <thead><tr><th scope="col">Product</th><th scope="col">Role</th><th scope="col">Sources</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {access.map((a) => (
              <tr key={`${a.productInstance.id}:${a.role}`}>
                <td>{instanceLabel(a.productInstance)}</td>
                <td>{roleName(a.role)}{a.billable ? "" : " (not billable)"}</td>
                <td>
                  <ul className="sources">
                    {(a.sources ?? []).map((s, i) => (
                      <li key={i}>{SOURCE_WORDS[s.kind] ?? s.kind}{s.group ? `: ${s.group.name}` : s.adminRole ? `: ${roleName(s.adminRole)}` : ""} <code>{s.rule}</code></li>
                    ))}
                  </ul>
                </td>
                <td className="row-actions">
                  <button type="button" onClick={() => setWhy(why === a.productInstance.id ? null : a.productInstance.id)} aria-expanded={why === a.productInstance.id}>Why?</button>
                  {can(a.productInstance.id) && (a.sources ?? []).some((s) => s.kind === "DEFAULT_GROUP") && (
                    <ChangeRole user={user} access={a} reload={reload} />
                  )}
                  {can(a.productInstance.id) && (a.sources ?? []).some((s) => s.kind === "DEFAULT_GROUP" || s.kind === "GROUP") && (
                    <ChangeButton title="Remove access" className="danger" mutation="RevokeProductAccess" dryRun
                      input={{ userId: user.id, productInstanceId: a.productInstance.id }} onDone={reload} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {why && <Explain userId={user.id} productInstanceId={why} />}
    </section>
  );
}

function ChangeRole({ user, access, reload }: { user: UserProfile; access: Access; reload: () => void }) {
  const [role, setRole] = useState("");
  const others = access.productInstance.product.roles.filter((r) => r.key !== access.role);
  if (others.length === 0) return null;
  return (
    <span className="inline">
      <label>
        <span className="visually-hidden">New role for {access.productInstance.product.name}</span>
        <select value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">Change role…</option>
          {others.map((r) => <option key={r.key} value={r.key}>{r.name}</option>)}
        </select>
      </label>
      {role && (
        <ChangeButton title="Change role" mutation="ChangeProductRole" dryRun
          input={{ userId: user.id, productInstanceId: access.productInstance.id, role }}
          onDone={() => { setRole(""); reload(); }} />
      )}
    </span>
  );
}

interface ExplainData {
  explainAccess: {
    hasAccess: boolean; roles: string[]; billable: boolean; reason: string; rule: string | null;
    paths: { kind: string; role: string; rule: string; description: string }[];
    ignoredAdminRoles: { adminRole: string; rule: string; reason: string }[];
  } | null;
}

function Explain({ userId, productInstanceId }: { userId: string; productInstanceId: string }) {
  const explained = useQuery<ExplainData>("ExplainAccess", { userId, productInstanceId });
  const e = explained.data?.explainAccess;
  return (
    <div className="panel" aria-live="polite">
      <h3>Why?</h3>
      {explained.loading && <Loading what="the explanation" />}
      <Problems errors={explained.errors} failure={explained.failure} />
      {e && (
        <>
          <p>{e.reason}{e.rule && <> <code>{e.rule}</code></>}</p>
          <ul>{e.paths.map((p, i) => <li key={i}>{p.description} <code>{p.rule}</code></li>)}</ul>
          {e.ignoredAdminRoles.map((r) => <p key={r.adminRole} className="muted">{roleName(r.adminRole)}: {r.reason} <code>{r.rule}</code></p>)}
        </>
      )}
    </div>
  );
}

/** CENTRALIZED: Grant access lists the products the user doesn't have that you may grant. */
function GrantAccess({ user, reload }: { user: UserProfile; reload: () => void }) {
  const { instances } = useOrg();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string>("");
  const [role, setRole] = useState("USER");
  const grantable = (user.grantableProducts ?? []).filter((g) => g.product);
  const held = new Set((user.productAccess ?? []).map((a) => a.productInstance?.id));
  const grantableIds = new Set(grantable.map((g) => g.id));
  // Products the user lacks that you may not grant: shown disabled, never offered.
  const blocked = instances.filter((i) => !held.has(i.id) && !grantableIds.has(i.id));
  if (user.grantableProducts === null || (grantable.length === 0 && blocked.length === 0)) return null;
  const instance = grantable.find((g) => g.id === chosen);
  return (
    <section aria-labelledby="grant-heading">
      <h2 id="grant-heading" className="visually-hidden">Grant access</h2>
      <button type="button" className="primary" aria-expanded={open} onClick={() => setOpen(!open)}>Grant access</button>
      {open && (
        <div className="panel">
          {grantable.length === 0 && <Empty>There is no product you can grant {user.displayName || user.email}.</Empty>}
          <fieldset>
            <legend>Products {user.displayName || user.email} doesn't have access to</legend>
            {grantable.map((g) => (
              <label key={g.id} className="choice">
                <input type="radio" name="grant-product" value={g.id} checked={chosen === g.id} onChange={() => { setChosen(g.id); setRole("USER"); }} />
                {instanceLabel(g)}
              </label>
            ))}
            {blocked.map((b) => <BlockedProduct key={b.id} instance={b} />)}
          </fieldset>
          {instance && (
            <>
              <label>
                Role
                <select value={role} aria-label={`Role for ${instanceLabel(instance)}`} onChange={(e) => setRole(e.target.value)}>
                  {instance.product.roles.map((r) => <option key={r.key} value={r.key}>{r.name}</option>)}
                </select>
              </label>
              <ChangeButton title="Grant access" className="primary" mutation="GrantProductAccess" dryRun
                input={{ userId: user.id, productInstanceId: instance.id, role }}
                onDone={() => { setOpen(false); setChosen(""); reload(); }} />
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** A product the viewer may not grant this user: disabled; "Why not?" asks the engine
 *  (`viewer.can`) and shows its reason and rule, such as the default-group trap (R-ROLE-10). */
function BlockedProduct({ instance }: { instance: { id: string; product: { name: string }; site: { name: string } } }) {
  const [reason, setReason] = useState<string | null>(null);
  const ask = async () => {
    const result = await request<{ viewer: { can: { allowed: boolean; rule: string | null; reason: string } | null } | null }>(
      "Can", { feature: "add_remove_users_from_products", scopeId: instance.id },
    );
    const can = result.data?.viewer?.can;
    const error = firstError(result.errors);
    setReason(can ? `${can.reason}${can.rule ? ` (${can.rule})` : ""}` : error ? `${error.message} (${error.code})` : "No answer.");
  };
  return (
    <div className="choice disabled">
      <label>
        <input type="radio" name="grant-product" disabled aria-describedby={`why-not-${instance.id}`} />
        {instanceLabel(instance)}
      </label>{" "}
      <button type="button" aria-label={`Why not? ${instanceLabel(instance)}`} onClick={ask}>Why not?</button>
      {reason && <span id={`why-not-${instance.id}`} className="reason" role="note">{reason}</span>}
    </div>
  );
}

/** ORIGINAL: a toggle per product of the site, with the product's default role (R-ACCESS-9). */
function ProductToggles({ user, reload }: { user: UserProfile; reload: () => void }) {
  const { instances } = useOrg();
  const [target, setTarget] = useState<{ id: string; enabled: boolean } | null>(null);
  const held = new Set((user.productAccess ?? []).map((a) => a.productInstance?.id));
  const manageable = instances.filter((i) => i.viewerCan.addRemoveUsersFromProducts);
  if (manageable.length === 0 || user.accountType === "CUSTOMER") return null;
  return (
    <section aria-labelledby="toggles-heading">
      <h2 id="toggles-heading">Product access toggles</h2>
      <ul className="toggles">
        {manageable.map((i) => (
          <li key={i.id}>
            <label className="switch">
              <input type="checkbox" role="switch" checked={held.has(i.id)} onChange={(e) => setTarget({ id: i.id, enabled: e.target.checked })} />
              {instanceLabel(i)}
            </label>
            {target?.id === i.id && (
              <ChangeDialog title={target.enabled ? "Give access" : "Remove access"}
                mutation="SetProductAccess" dryRun input={{ userId: user.id, productInstanceId: i.id, enabled: target.enabled }}
                onClose={() => setTarget(null)}
                onDone={() => { setTarget(null); reload(); }} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
