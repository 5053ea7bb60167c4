import { useState } from "react";
import { instanceLabel, useOrg } from "../context";
import { ChangeButton } from "../preview";
import { href } from "../router";
import { Empty, Loading, Problems } from "../ui";
import { useQuery } from "../useQuery";
import { roleName } from "../words";

interface GroupsData {
  organization: {
    groups: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: { id: string; name: string; description: string; protected: boolean; site: { name: string } | null;
        members: { totalCount: number } | null;
        productRoles: { role: string; productInstance: { id: string; product: { name: string }; site: { name: string } } }[] | null } }[];
    } | null;
  } | null;
}

export function GroupsPage() {
  const { organization: o } = useOrg();
  const [after, setAfter] = useState<string | null>(null);
  const groups = useQuery<GroupsData>("Groups", { organizationId: o.id, first: 50, after });
  const connection = groups.data?.organization?.groups;
  return (
    <>
      <h1>Groups</h1>
      <p className="breadcrumb">{o.experience === "CENTRALIZED" ? "Directory" : "Product site"} &gt; Groups</p>
      <CreateGroup onCreated={groups.reload} />
      <Problems errors={groups.errors} failure={groups.failure} />
      {groups.loading && <Loading what="groups" />}
      {connection && (connection.edges.length === 0 ? <Empty>No groups yet.</Empty> : (
        <table>
          <thead><tr><th scope="col">Group</th><th scope="col">Members</th><th scope="col">Product access</th></tr></thead>
          <tbody>
            {connection.edges.map(({ node: g }) => (
              <tr key={g.id}>
                <td>
                  <a href={href("o", o.id, "groups", g.id)}>{g.name}</a>
                  {g.protected && <span className="badge">protected</span>}
                  {g.site && <div className="muted">{g.site.name}</div>}
                </td>
                <td>{g.members?.totalCount ?? "—"}</td>
                <td>{(g.productRoles ?? []).map((r) => `${instanceLabel(r.productInstance)}: ${roleName(r.role)}`).join(", ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {connection?.pageInfo.hasNextPage && <button type="button" onClick={() => setAfter(connection.pageInfo.endCursor)}>Next</button>}
    </>
  );
}

function CreateGroup({ onCreated }: { onCreated: () => void }) {
  const { organization: o, sites } = useOrg();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [siteId, setSiteId] = useState(sites[0]?.id ?? "");
  if (!o.viewerCan.createOrModifyGroup) return null;
  const original = o.experience === "ORIGINAL";
  return (
    <details className="panel">
      <summary>Create group</summary>
      <label>Group name <input value={name} onChange={(e) => setName(e.target.value)} /></label>
      <label>Description <input value={description} onChange={(e) => setDescription(e.target.value)} /></label>
      {original && (
        <label>Site
          <select value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
      )}
      {name.trim() && (
        <ChangeButton title="Create group" className="primary" mutation="CreateGroup" dryRun={false}
          summary={<>A new group {name} with no members and no product access.</>}
          input={{ organizationId: o.id, name: name.trim(), description, ...(original ? { siteId } : {}) }}
          onDone={() => { setName(""); setDescription(""); onCreated(); }} />
      )}
    </details>
  );
}
