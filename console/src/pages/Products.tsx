import { useOrg } from "../context";
import { href } from "../router";
import { Empty } from "../ui";

export function ProductsPage() {
  const { organization: o, sites } = useOrg();
  const title = o.experience === "CENTRALIZED" ? "Products" : "Product access";
  return (
    <>
      <h1>{title}</h1>
      {sites.length === 0 && <Empty>No sites yet.</Empty>}
      {sites.map((site) => (
        <section key={site.id} aria-label={site.name}>
          <h2>{site.name}</h2>
          {site.products.length === 0 ? <Empty>No products on this site.</Empty> : (
            <table>
              <thead><tr><th scope="col">Product</th><th scope="col">Anonymous access</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {site.products.map((p) => (
                  <tr key={p.id}>
                    <td>{p.product?.name}</td>
                    <td>{p.product?.anonymousAccessSupported ? (p.anonymousAccess ? "On" : "Off") : "Not available"}</td>
                    <td><a href={href("o", o.id, "products", p.id)}>{o.experience === "CENTRALIZED" ? "Manage product" : "Add group"}</a></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
    </>
  );
}
