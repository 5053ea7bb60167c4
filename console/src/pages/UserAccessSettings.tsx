import { useState } from "react";
import { instanceLabel, useOrg } from "../context";
import { ChangeButton } from "../preview";
import { Empty, Loading, Problems } from "../ui";
import { useQuery } from "../useQuery";

interface SettingsData {
  organization: { userAccessSettings: { productInstance: { id: string; product: { name: string }; site: { name: string } }; approvedDomains: { domain: string; requiresApproval: boolean }[] | null }[] | null } | null;
}

export function UserAccessSettingsPage() {
  const { organization: o, instances } = useOrg();
  const settings = useQuery<SettingsData>("UserAccessSettings", { organizationId: o.id });
  const list = settings.data?.organization?.userAccessSettings ?? [];
  const configurable = instances.filter((i) => i.viewerCan.addRemoveUsersFromProducts || o.viewerCan.configureUserAccessSettings);
  if (o.governmentCloud) return (<><h1>User access settings</h1><Empty>A government cloud organization gives access through provisioned groups (R-ACCESS-8).</Empty></>);
  return (
    <>
      <h1>User access settings</h1>
      <p>Approved domains let people with those email addresses join and get a product's default access, with or without your approval.</p>
      <Problems errors={settings.errors} failure={settings.failure} />
      {settings.loading && <Loading what="settings" />}
      {configurable.map((i) => (
        <ProductDomains key={i.id} instanceId={i.id} label={instanceLabel(i)}
          domains={list.find((s) => s.productInstance?.id === i.id)?.approvedDomains ?? []} reload={settings.reload} />
      ))}
    </>
  );
}

function ProductDomains({ instanceId, label, domains, reload }: { instanceId: string; label: string; domains: { domain: string; requiresApproval: boolean }[]; reload: () => void }) {
  const [domain, setDomain] = useState("");
  const [requiresApproval, setRequiresApproval] = useState(true);
  const replace = (next: { domain: string; requiresApproval: boolean }[]) => ({ productInstanceId: instanceId, approvedDomains: next });
  return (
    <section aria-label={label} className="panel">
      <h2>{label}</h2>
      {domains.length === 0 ? <Empty>No approved domains.</Empty> : (
        <ul>
          {domains.map((d) => (
            <li key={d.domain}>
              {d.domain} · {d.requiresApproval ? "needs approval" : "joins without approval"}{" "}
              <ChangeButton title="Remove domain" className="danger" mutation="UpdateUserAccessSettings" dryRun={false}
                summary={<>People with {d.domain} addresses will no longer be able to join {label} by themselves.</>}
                input={replace(domains.filter((x) => x.domain !== d.domain))} onDone={reload} />
            </li>
          ))}
        </ul>
      )}
      <div className="inline">
        <label>Domain <input value={domain} placeholder="example.com" onChange={(e) => setDomain(e.target.value)} /></label>
        <label className="choice"><input type="checkbox" checked={requiresApproval} onChange={(e) => setRequiresApproval(e.target.checked)} />Requires admin approval</label>
        {domain.trim() && (
          <ChangeButton title="Add domain" className="primary" mutation="UpdateUserAccessSettings" dryRun={false}
            summary={<>People with {domain.trim()} addresses can {requiresApproval ? "ask for" : "get"} {label}.</>}
            input={replace([...domains, { domain: domain.trim(), requiresApproval }])} onDone={() => { setDomain(""); reload(); }} />
        )}
      </div>
    </section>
  );
}
