import { useOrg } from "../context";
import { href } from "../router";

export function HomePage() {
  const { organization: o, instances } = useOrg();
  const admin = Object.values(o.viewerCan).some(Boolean);
  return (
    <>
      <h1>{o.name}</h1>
      <p>
        {o.experience === "CENTRALIZED" ? "Centralized user management" : "Original user management"}
        {o.governmentCloud && " · Government cloud: product access is given to groups"}
      </p>
      {!admin && <p>You have no admin role in this organization. Here are its products.</p>}
      <h2>Products</h2>
      <ul className="cards">
        {instances.map((i) => (
          <li key={i.id} className="card">
            <strong>{i.product?.name}</strong>
            <span className="muted">{i.site.name}</span>
            {admin && <a href={href("o", o.id, "products", i.id)}>Manage product</a>}
          </li>
        ))}
      </ul>
      {o.viewerCan.viewUsersInOrganization && (
        <p><a href={href("o", o.id, "users")}>Go to {o.experience === "CENTRALIZED" ? "Directory" : "Product site"} &gt; Users</a></p>
      )}
    </>
  );
}
