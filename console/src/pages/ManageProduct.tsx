import { useState } from "react";
import { instanceLabel, useOrg } from "../context";
import { ChangeButton } from "../preview";
import { href } from "../router";
import { Empty, Loading, Problems } from "../ui";
import { useQuery } from "../useQuery";
import { roleName } from "../words";

interface ManageData {
  node: {
    id: string; anonymousAccess: boolean; billableUserCount: number | null;
    product: { key: string; name: string; anonymousAccessSupported: boolean; roles: { key: string; name: string; billable: boolean }[] };
    site: { id: string; name: string };
    viewerCan: { addRemoveUsersFromProducts: boolean; configureDefaultGroups: boolean; configureProductSettings: boolean } | null;
    defaultGroups: { id: string; name: string }[] | null;
    groups: { edges: { node: { id: string; name: string; productRoles: { role: string; productInstance: { id: string } }[] | null } }[] } | null;
  } | null;
  organization: { groups: { edges: { node: { id: string; name: string; protected: boolean; site: { id: string } | null } }[] } | null } | null;
}

export function ManageProductPage({ instanceId }: { instanceId: string }) {
  const { organization: o } = useOrg();
  const data = useQuery<ManageData>("ManageProduct", { productInstanceId: instanceId, organizationId: o.id });
  const p = data.data?.node;
  if (data.loading && !p) return <Loading what="the product" />;
  if (!p) return <Problems errors={data.errors} failure={data.failure} />;
  const title = instanceLabel(p);
  return (
    <>
      <p className="breadcrumb"><a href={href("o", o.id, "products")}>{o.experience === "CENTRALIZED" ? "Products" : "Product access"}</a> &gt; {title}</p>
      <h1>{title}</h1>
      {p.billableUserCount !== null && <p>{p.billableUserCount} billable users</p>}
      {p.product?.anonymousAccessSupported && (
        <p>
          Anonymous access is {p.anonymousAccess ? "on" : "off"}.{" "}
          <ChangeButton title={p.anonymousAccess ? "Turn off anonymous access" : "Turn on anonymous access"} mutation="SetAnonymousAccess" dryRun={false}
            allowed={!!p.viewerCan?.configureProductSettings}
            summary={p.anonymousAccess ? "People who aren't logged in will no longer see this product." : "People who aren't logged in will see this product. They don't count towards your plan."}
            input={{ productInstanceId: p.id, enabled: !p.anonymousAccess }} onDone={data.reload} />
        </p>
      )}
      <section aria-labelledby="default-heading">
        <h2 id="default-heading">Default groups</h2>
        <p className="muted">Users granted this product join its default groups (R-ACCESS-3).</p>
        {p.defaultGroups ? (
          <ul>
            {p.defaultGroups.map((g) => (
              <li key={g.id}>
                <a href={href("o", o.id, "groups", g.id)}>{g.name}</a>{" "}
                {p.viewerCan?.configureDefaultGroups && (
                  <ChangeButton title="Stop being a default group" label="Remove as default" className="danger" mutation="SetDefaultGroup" dryRun={false}
                    summary={<>Users granted {p.product?.name ?? "this product"} will no longer join {g.name}; its members keep their access. Each role keeps at least one default group.</>}
                    input={{ productInstanceId: p.id, groupId: g.id, enabled: false }} onDone={data.reload} />
                )}
              </li>
            ))}
          </ul>
        ) : <Empty>You can't see the default groups.</Empty>}
      </section>
      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">Groups with access</h2>
        {p.groups === null ? <Empty>You can't see the groups.</Empty> : p.groups.edges.length === 0 ? <Empty>No group gives this product.</Empty> : (
          <ul>
            {p.groups.edges.map(({ node: g }) => (
              <li key={g.id}>
                <a href={href("o", o.id, "groups", g.id)}>{g.name}</a>:{" "}
                {(g.productRoles ?? []).filter((r) => r.productInstance?.id === p.id).map((r) => roleName(r.role)).join(", ")}{" "}
                {p.viewerCan?.configureDefaultGroups && !(p.defaultGroups ?? []).some((d) => d.id === g.id) && (
                  <ChangeButton title="Make default group" mutation="SetDefaultGroup" dryRun={false}
                    summary={<>Users granted {p.product?.name ?? "this product"} will also join {g.name}, and get every product it gives.</>}
                    input={{ productInstanceId: p.id, groupId: g.id, role: "USER", enabled: true }} onDone={data.reload} />
                )}
              </li>
            ))}
          </ul>
        )}
        {p.viewerCan?.addRemoveUsersFromProducts && <AddGroups product={p} groups={data.data?.organization?.groups?.edges.map((e) => e.node) ?? []} reload={data.reload} />}
      </section>
    </>
  );
}

/** Several groups, one or more roles, in one change (R-ACCESS-5). */
function AddGroups({ product, groups, reload }: { product: NonNullable<ManageData["node"]>; groups: { id: string; name: string; protected: boolean; site: { id: string } | null }[]; reload: () => void }) {
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [roles, setRoles] = useState<string[]>(["USER"]);
  const candidates = groups.filter((g) => !g.protected && (!g.site || g.site.id === product.site.id) && g.name.toLowerCase().includes(search.toLowerCase()));
  const toggle = (list: string[], value: string) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  return (
    <div>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>Add groups</button>
      {open && (
        <div className="panel">
          <label>Search for groups <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} /></label>
          <fieldset>
            <legend>Groups</legend>
            {candidates.length === 0 && <Empty>No group matches.</Empty>}
            {candidates.map((g) => (
              <label key={g.id} className="choice"><input type="checkbox" checked={chosen.includes(g.id)} onChange={() => setChosen(toggle(chosen, g.id))} />{g.name}</label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Product roles</legend>
            {(product.product?.roles ?? []).map((r) => (
              <label key={r.key} className="choice"><input type="checkbox" checked={roles.includes(r.key)} onChange={() => setRoles(toggle(roles, r.key))} />{r.name}</label>
            ))}
          </fieldset>
          {chosen.length > 0 && roles.length > 0 && (
            <ChangeButton title="Add" className="primary" mutation="GrantGroupProductAccess" dryRun
              input={{ groupIds: chosen, productInstanceId: product.id, roles }}
              onDone={() => { setOpen(false); setChosen([]); reload(); }} />
          )}
        </div>
      )}
    </div>
  );
}
