import { useState } from "react";
import { useOrg } from "../context";
import { Empty, Loading, Problems } from "../ui";
import { useQuery } from "../useQuery";

interface Actor { kind: "ACCOUNT" | "API_KEY"; id: string | null; displayName: string }
interface AuditData {
  organization: { auditLog: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { id: string; action: string; actor: Actor; targetType: string; rule: string; createdAt: string } }[] } | null } | null;
}

const actorName = (actor: Actor) => (actor.kind === "API_KEY" ? `API key ${actor.displayName}` : actor.displayName);

export function AuditLogPage() {
  const { organization: o } = useOrg();
  const [action, setAction] = useState("");
  const [actor, setActor] = useState<Actor | null>(null);
  const [after, setAfter] = useState<string | null>(null);
  const log = useQuery<AuditData>("AuditLog", { organizationId: o.id, action: action.trim() || null, actorId: actor?.id ?? null, after });
  const events = log.data?.organization?.auditLog;
  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>Action <input value={action} placeholder="group. or user.suspend" onChange={(e) => { setAction(e.target.value); setAfter(null); }} /></label>
        {actor && (
          <p>
            Only changes by {actorName(actor)}{" "}
            <button type="button" onClick={() => { setActor(null); setAfter(null); }}>Show everyone's</button>
          </p>
        )}
      </form>
      <Problems errors={log.errors} failure={log.failure} />
      {log.loading && <Loading what="the audit log" />}
      {events && (events.edges.length === 0 ? <Empty>No events match.</Empty> : (
        <table>
          <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">On</th><th scope="col">Rule</th></tr></thead>
          <tbody>
            {events.edges.map(({ node: e }) => (
              <tr key={e.id}>
                <td>{new Date(e.createdAt).toLocaleString()}</td>
                <td>
                  {e.actor.id ? (
                    <button type="button" className="link" title="Only this actor's changes" onClick={() => { setActor(e.actor); setAfter(null); }}>{actorName(e.actor)}</button>
                  ) : actorName(e.actor)}
                </td>
                <td><code>{e.action}</code></td><td>{e.targetType}</td><td><code>{e.rule}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {events?.pageInfo.hasNextPage && <button type="button" onClick={() => setAfter(events.pageInfo.endCursor)}>Older</button>}
    </>
  );
}
