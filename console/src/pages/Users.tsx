import { useState } from "react";
import { useOrg } from "../context";
import { href } from "../router";
import { ChangeButton } from "../preview";
import { Empty, Loading, Problems, StatusBadge } from "../ui";
import { errorsAt, useQuery } from "../useQuery";

interface UsersData {
  organization: {
    users: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
      edges: {
        node: {
          id: string; email: string; displayName: string; accountType: string; status: string;
          productAccess: { role: string; productInstance: { id: string; product: { name: string }; site: { name: string } } }[] | null;
        };
      }[];
    } | null;
  } | null;
}

const PAGE = 20;

export function UsersPage() {
  const { organization: o } = useOrg();
  const [query, setQuery] = useState("");
  const [status, setStatus] = useState("");
  const [accountType, setAccountType] = useState("");
  const [page, setPage] = useState<{ after?: string; before?: string }>({});
  const variables = {
    organizationId: o.id,
    query: query.trim() || null,
    status: status || null,
    accountType: accountType || null,
    ...(page.before ? { last: PAGE, before: page.before } : { first: PAGE, after: page.after ?? null }),
  };
  const users = useQuery<UsersData>("DirectoryUsers", variables);
  const connection = users.data?.organization?.users;
  const filter = (set: (v: string) => void) => (value: string) => { set(value); setPage({}); };
  return (
    <>
      <h1>Users</h1>
      <p className="breadcrumb">{o.experience === "CENTRALIZED" ? "Directory" : "Product site"} &gt; Users</p>
      <InviteUser onInvited={users.reload} />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={query} placeholder="Name or email" onChange={(e) => filter(setQuery)(e.target.value)} />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => filter(setStatus)(e.target.value)}>
            <option value="">Any</option>
            <option value="ACTIVE">Active</option>
            <option value="SUSPENDED">Suspended</option>
            <option value="DEACTIVATED">Deactivated</option>
          </select>
        </label>
        <label>
          Account type
          <select value={accountType} onChange={(e) => filter(setAccountType)(e.target.value)}>
            <option value="">Any</option>
            <option value="ATLASSIAN">Atlassian account</option>
            <option value="CUSTOMER">Portal-only customer</option>
            <option value="APP">App</option>
          </select>
        </label>
      </form>
      <Problems errors={errorsAt(users.errors, "organization")} failure={users.failure} />
      {users.loading && <Loading what="users" />}
      {connection && (
        <>
          <p className="muted">{connection.totalCount} users</p>
          {connection.edges.length === 0 ? (
            <Empty>No users match.</Empty>
          ) : (
            <table>
              <thead>
                <tr><th scope="col">User</th><th scope="col">Status</th><th scope="col">Product access</th></tr>
              </thead>
              <tbody>
                {connection.edges.map(({ node: u }) => (
                  <tr key={u.id}>
                    <td>
                      <a href={href("o", o.id, "users", u.id)}>{u.displayName || u.email}</a>
                      <div className="muted">{u.email}{u.accountType === "CUSTOMER" && " · portal-only customer"}</div>
                    </td>
                    <td><StatusBadge status={u.status} /></td>
                    <td>{(u.productAccess ?? []).map((a) => a.productInstance?.product?.name).filter((n, i, all) => all.indexOf(n) === i).join(", ") || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="pager">
            <button type="button" disabled={!connection.pageInfo.hasPreviousPage} onClick={() => setPage({ before: connection.pageInfo.startCursor ?? undefined })}>Previous</button>
            <button type="button" disabled={!connection.pageInfo.hasNextPage} onClick={() => setPage({ after: connection.pageInfo.endCursor ?? undefined })}>Next</button>
          </div>
        </>
      )}
    </>
  );
}

function InviteUser({ onInvited }: { onInvited: () => void }) {
  const { organization: o } = useOrg();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  if (!o.viewerCan.addRemoveUsersFromProducts) return null;
  return (
    <details className="panel">
      <summary>Invite users</summary>
      <label>Email <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} /></label>
      <label>Name <input value={name} onChange={(e) => setName(e.target.value)} /></label>
      {email.includes("@") && (
        <ChangeButton
          title="Invite user"
          mutation="InviteUser"
          dryRun={false}
          summary={<>{email} will join {o.name}, with no product access until you grant some.</>}
          input={{ organizationId: o.id, email, displayName: name || null }}
          onDone={() => { setEmail(""); setName(""); onInvited(); }}
        />
      )}
    </details>
  );
}
