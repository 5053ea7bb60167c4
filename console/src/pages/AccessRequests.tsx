import { useState } from "react";
import { instanceLabel, useOrg } from "../context";
import { ChangeButton } from "../preview";
import { Empty, Loading, Problems } from "../ui";
import { useQuery } from "../useQuery";

interface RequestsData {
  organization: { accessRequests: { totalCount: number; edges: { node: {
    id: string; status: string; createdAt: string; requester: { email: string; displayName: string };
    productInstance: { id: string; product: { name: string }; site: { name: string } } | null;
  } }[] } | null } | null;
}

export function AccessRequestsPage() {
  const { organization: o } = useOrg();
  const [status, setStatus] = useState("PENDING");
  const requests = useQuery<RequestsData>("AccessRequests", { organizationId: o.id, status: status || null });
  const list = requests.data?.organization?.accessRequests;
  return (
    <>
      <h1>Access requests</h1>
      <label>Status
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="PENDING">Pending</option><option value="APPROVED">Approved</option><option value="DENIED">Denied</option><option value="">All</option>
        </select>
      </label>
      <Problems errors={requests.errors} failure={requests.failure} />
      {requests.loading && <Loading what="requests" />}
      {list && (list.edges.length === 0 ? <Empty>No {status.toLowerCase()} requests.</Empty> : (
        <table>
          <thead><tr><th scope="col">Requester</th><th scope="col">Product</th><th scope="col">Asked</th><th scope="col">Status</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {list.edges.map(({ node: r }) => (
              <tr key={r.id}>
                <td>{r.requester.displayName}<div className="muted">{r.requester.email}</div></td>
                <td>{r.productInstance ? instanceLabel(r.productInstance) : "—"}</td>
                <td>{new Date(r.createdAt).toLocaleString()}</td>
                <td>{r.status.toLowerCase()}</td>
                <td className="row-actions">{r.status === "PENDING" && (
                  <>
                    <ChangeButton title="Approve" className="primary" mutation="ApproveAccessRequest" dryRun={false}
                      summary={<>{r.requester.displayName} joins the default group of {r.productInstance ? instanceLabel(r.productInstance) : "the product"} and gets its default access.</>}
                      input={{ requestId: r.id }} onDone={requests.reload} />
                    <ChangeButton title="Deny" className="danger" mutation="DenyAccessRequest" dryRun={false}
                      summary={<>{r.requester.displayName} gets no access; they may ask again.</>}
                      input={{ requestId: r.id }} onDone={requests.reload} />
                  </>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}
