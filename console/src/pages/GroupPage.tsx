import { useState } from "react";
import { instanceLabel, useOrg } from "../context";
import { ChangeButton } from "../preview";
import { href } from "../router";
import { Empty, Loading, Problems, StatusBadge } from "../ui";
import { useQuery } from "../useQuery";
import { roleName } from "../words";

interface Instance { id: string; product: { name: string }; site: { name: string } }
interface GroupData {
  node: {
    id: string; name: string; description: string; protected: boolean; site: { id: string; name: string } | null;
    viewerCan: { createOrModifyGroup: boolean; addRemoveUsersFromGroup: boolean } | null;
    members: { totalCount: number; edges: { node: { id: string; email: string; displayName: string; status: string } }[] } | null;
    productRoles: { role: string; productInstance: Instance }[] | null;
    isDefaultFor: { role: string; productInstance: Instance }[] | null;
    grantableProducts: (Instance & { product: { key: string; name: string; roles: { key: string; name: string }[] } })[] | null;
  } | null;
}

interface DirectoryData { organization: { users: { edges: { node: { id: string; email: string; displayName: string } }[] } | null } | null }

export function GroupPage({ groupId }: { groupId: string }) {
  const { organization: o } = useOrg();
  const group = useQuery<GroupData>("GroupProfile", { groupId });
  const g = group.data?.node;
  const [name, setName] = useState<string | null>(null);
  if (group.loading && !g) return <Loading what="the group" />;
  if (!g) return <Problems errors={group.errors} failure={group.failure} />;
  const canModify = !!g.viewerCan?.createOrModifyGroup && !g.protected;
  const canMembers = !!g.viewerCan?.addRemoveUsersFromGroup && !g.protected;
  return (
    <>
      <p className="breadcrumb"><a href={href("o", o.id, "groups")}>{o.experience === "CENTRALIZED" ? "Directory" : "Product site"} &gt; Groups</a> &gt; {g.name}</p>
      <h1>{g.name}</h1>
      {g.protected && <p className="note">This group always holds the organization admins; its members follow the organization admin role (R-ROLE-15).</p>}
      <p>{g.description || <span className="muted">No description</span>}{g.site && <> · {g.site.name}</>}</p>
      {canModify && (
        <div className="inline">
          <label>Rename <input value={name ?? g.name} onChange={(e) => setName(e.target.value)} /></label>
          {name !== null && name.trim() && name !== g.name && (
            <ChangeButton title="Rename group" mutation="UpdateGroup" dryRun={false}
              summary={<>The group {g.name} will be called {name.trim()}.</>}
              input={{ groupId: g.id, name: name.trim() }} onDone={() => { setName(null); group.reload(); }} />
          )}
          <ChangeButton title="Delete group" className="danger" mutation="DeleteGroup" dryRun
            input={{ groupId: g.id }} onDone={() => { window.location.hash = href("o", o.id, "groups"); }} />
        </div>
      )}
      <section aria-labelledby="group-access-heading">
        <h2 id="group-access-heading">Group product access</h2>
        {g.productRoles === null ? <Empty>You can't see this group's product access.</Empty> : g.productRoles.length === 0 ? <Empty>This group gives no product access.</Empty> : (
          <ul>
            {g.productRoles.filter((r) => r.productInstance).map((r) => (
              <li key={`${r.productInstance.id}:${r.role}`}>
                {instanceLabel(r.productInstance)}: {roleName(r.role)}{" "}
                {canModify && (
                  <ChangeButton title="Remove" label={`Remove ${roleName(r.role)}`} className="danger" mutation="RevokeGroupProductAccess" dryRun through={g.name}
                    input={{ groupIds: [g.id], productInstanceId: r.productInstance.id, roles: [r.role] }} onDone={group.reload} />
                )}
              </li>
            ))}
          </ul>
        )}
        {g.isDefaultFor && g.isDefaultFor.length > 0 && (
          <p>Default group for {g.isDefaultFor.map((d) => `${instanceLabel(d.productInstance)} (${roleName(d.role)})`).join(", ")}.</p>
        )}
        {canModify && <AddProduct group={g} reload={group.reload} />}
      </section>
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {canMembers && <AddMembers groupId={g.id} groupName={g.name} reload={group.reload} />}
        {!g.members ? <Empty>You can't see this group's members.</Empty> : g.members.edges.length === 0 ? <Empty>No members.</Empty> : (
          <table>
            <thead><tr><th scope="col">Member</th><th scope="col">Status</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {g.members.edges.map(({ node: m }) => (
                <tr key={m.id}>
                  <td><a href={href("o", o.id, "users", m.id)}>{m.displayName || m.email}</a><div className="muted">{m.email}</div></td>
                  <td><StatusBadge status={m.status} /></td>
                  <td>{canMembers && (
                    <ChangeButton title="Remove from group" className="danger" mutation="RemoveGroupMembers" dryRun
                      input={{ groupId: g.id, userIds: [m.id] }} onDone={group.reload} />
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function AddProduct({ group, reload }: { group: NonNullable<GroupData["node"]>; reload: () => void }) {
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState("");
  const [role, setRole] = useState("USER");
  const grantable = group.grantableProducts ?? [];
  const instance = grantable.find((g) => g.id === chosen);
  return (
    <div>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>Add product</button>
      {open && (
        <div className="panel">
          {grantable.length === 0 ? <Empty>There is no product you can add to this group.</Empty> : (
            <>
              <label>Product
                <select value={chosen} onChange={(e) => { setChosen(e.target.value); setRole("USER"); }}>
                  <option value="">Choose a product…</option>
                  {grantable.map((p) => <option key={p.id} value={p.id}>{instanceLabel(p)}</option>)}
                </select>
              </label>
              {instance && (
                <label>Role
                  <select value={role} onChange={(e) => setRole(e.target.value)}>
                    {instance.product.roles.map((r) => <option key={r.key} value={r.key}>{r.name}</option>)}
                  </select>
                </label>
              )}
              {instance && (
                <ChangeButton title="Add" className="primary" mutation="GrantGroupProductAccess" dryRun through={group.name}
                  input={{ groupIds: [group.id], productInstanceId: instance.id, roles: [role] }}
                  onDone={() => { setOpen(false); setChosen(""); reload(); }} />
              )}
            </>
          )}
        </div>
      )}
    </div>
  );
}

function AddMembers({ groupId, groupName, reload }: { groupId: string; groupName: string; reload: () => void }) {
  const { organization: o } = useOrg();
  const [query, setQuery] = useState("");
  const [userId, setUserId] = useState("");
  const found = useQuery<DirectoryData>("DirectoryUsers", { organizationId: o.id, query: query.trim() || null, first: 10 }, query.trim().length < 1);
  return (
    <div className="inline">
      <label>Add members <input type="search" placeholder="Name or email" value={query} onChange={(e) => { setQuery(e.target.value); setUserId(""); }} /></label>
      {query.trim() && (
        <label><span className="visually-hidden">User</span>
          <select value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">Choose a user…</option>
            {(found.data?.organization?.users?.edges ?? []).map(({ node: u }) => <option key={u.id} value={u.id}>{u.displayName} ({u.email})</option>)}
          </select>
        </label>
      )}
      {userId && (
        <ChangeButton title="Add to group" className="primary" mutation="AddGroupMembers" dryRun through={groupName}
          input={{ groupId, userIds: [userId] }} onDone={() => { setQuery(""); setUserId(""); reload(); }} />
      )}
    </div>
  );
}
