import { useState } from "react";
import { useOrg } from "../context";
import { ChangeButton } from "../preview";
import { Empty, Loading, Problems } from "../ui";
import { useQuery } from "../useQuery";

interface KeysData {
  organization: { apiKeys: { edges: { node: { id: string; name: string; prefix: string; readOnly: boolean; createdAt: string; expiresAt: string | null; revokedAt: string | null } }[] } | null } | null;
}

export function ApiKeysPage() {
  const { organization: o } = useOrg();
  const keys = useQuery<KeysData>("ApiKeys", { organizationId: o.id });
  const [name, setName] = useState("");
  const [readOnly, setReadOnly] = useState(true);
  const [secret, setSecret] = useState<string | null>(null);
  const list = keys.data?.organization?.apiKeys?.edges.map((e) => e.node) ?? [];
  return (
    <>
      <h1>API keys</h1>
      {secret && (
        <div className="secret" role="alert">
          <strong>Copy this key now: it is shown once.</strong>
          <code data-testid="api-key-secret">{secret}</code>
          <button type="button" onClick={() => setSecret(null)}>I have copied it</button>
        </div>
      )}
      <details className="panel">
        <summary>Create API key</summary>
        <label>Name <input value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label className="choice"><input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />Read only</label>
        {name.trim() && (
          <ChangeButton title="Create API key" className="primary" mutation="CreateApiKey" dryRun={false}
            summary={<>A key named {name.trim()} that acts in {o.name} {readOnly ? "and only reads" : "with an organization admin's rights"}.</>}
            input={{ organizationId: o.id, name: name.trim(), readOnly }}
            onDone={(payload) => { setSecret(String(payload.secret ?? "")); setName(""); keys.reload(); }} />
        )}
      </details>
      <Problems errors={keys.errors} failure={keys.failure} />
      {keys.loading && <Loading what="API keys" />}
      {!keys.loading && list.length === 0 && <Empty>No API keys.</Empty>}
      {list.length > 0 && (
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Access</th><th scope="col">State</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {list.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td><td><code>{k.prefix}</code></td><td>{k.readOnly ? "read only" : "read and write"}</td>
                <td>{k.revokedAt ? "revoked" : k.expiresAt && new Date(k.expiresAt) < new Date() ? "expired" : "active"}</td>
                <td>{!k.revokedAt && (
                  <ChangeButton title="Revoke" className="danger" mutation="RevokeApiKey" dryRun={false}
                    summary={<>The key {k.name} will be refused from its next request on.</>} input={{ apiKeyId: k.id }} onDone={keys.reload} />
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
