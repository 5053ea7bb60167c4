import { useState } from "react";
import { useOrg } from "../context";
import { Empty, Loading, Problems } from "../ui";
import { useQuery } from "../useQuery";

interface AuditData {
  organization: { auditLog: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { id: string; action: string; actor: unknown; targetType: string; rule: string; createdAt: string } }[] } | null } | null;
}

/** The actor as the API gives it: a typed object (kind and name) or, from older servers, text. */
function actorText(actor: unknown): string {
  if (typeof actor === "string") return actor;
  if (actor && typeof actor === "object") {
    const a = actor as Record<string, unknown>;
    return String(a.displayName ?? a.email ?? a.name ?? a.id ?? "");
  }
  return "";
}

export function AuditLogPage() {
  const { organization: o } = useOrg();
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const log = useQuery<AuditData>("AuditLog", { organizationId: o.id, action: action.trim() || null, actor: actor.trim() || null, after });
  const events = log.data?.organization?.auditLog;
  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>Action <input value={action} placeholder="group. or user.suspend" onChange={(e) => { setAction(e.target.value); setAfter(null); }} /></label>
        <label>Actor <input value={actor} placeholder="email" onChange={(e) => { setActor(e.target.value); setAfter(null); }} /></label>
      </form>
      <Problems errors={log.errors} failure={log.failure} />
      {log.loading && <Loading what="the audit log" />}
      {events && (events.edges.length === 0 ? <Empty>No events match.</Empty> : (
        <table>
          <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">On</th><th scope="col">Rule</th></tr></thead>
          <tbody>
            {events.edges.map(({ node: e }) => (
              <tr key={e.id}><td>{new Date(e.createdAt).toLocaleString()}</td><td>{actorText(e.actor)}</td><td><code>{e.action}</code></td><td>{e.targetType}</td><td><code>{e.rule}</code></td></tr>
            ))}
          </tbody>
        </table>
      ))}
      {events?.pageInfo.hasNextPage && <button type="button" onClick={() => setAfter(events.pageInfo.endCursor)}>Older</button>}
    </>
  );
}
