import { createContext, useContext } from "react";

export interface ProductInstanceInfo {
  id: string;
  anonymousAccess: boolean;
  product: { key: string; name: string; anonymousAccessSupported: boolean };
  viewerCan: {
    addRemoveUsersFromProducts: boolean;
    configureDefaultGroups: boolean;
    configureProductSettings: boolean;
    makeUserAccessAdmin: boolean;
    makeProductAdmin: boolean;
    approveDenyAccessRequests: boolean;
  };
}

export interface SiteInfo {
  id: string;
  name: string;
  viewerCan: { makeSiteAdmin: boolean; makeTrustedUser: boolean };
  products: ProductInstanceInfo[];
}

export interface OrganizationInfo {
  id: string;
  name: string;
  experience: "ORIGINAL" | "CENTRALIZED";
  governmentCloud: boolean;
  viewerCan: {
    viewUsersInOrganization: boolean;
    createOrModifyGroup: boolean;
    addRemoveUsersFromProducts: boolean;
    addNewProducts: boolean;
    configureUserAccessSettings: boolean;
    approveDenyAccessRequests: boolean;
    viewOrgAuditLog: boolean;
    updateApiKeys: boolean;
    makeOrgAdmin: boolean;
  };
  sites: { edges: { node: SiteInfo }[] } | null;
}

export interface ViewerData {
  viewer: { email: string | null; displayName: string | null; organizations: OrganizationInfo[] | null } | null;
}

export interface Org {
  organization: OrganizationInfo;
  sites: SiteInfo[];
  instances: (ProductInstanceInfo & { site: SiteInfo })[];
  reloadViewer: () => void;
}

export const OrgContext = createContext<Org | null>(null);

export function useOrg(): Org {
  const org = useContext(OrgContext);
  if (!org) throw new Error("useOrg outside an organization page");
  return org;
}

/** "Jira (acme.example.net)"; a part the viewer may not read (null in a partial answer) is
 *  named plainly rather than breaking the page. */
export function instanceLabel(instance: { product?: { name: string } | null; site?: { name: string } | null }): string {
  return `${instance.product?.name ?? "A product"} (${instance.site?.name ?? "a site"})`;
}
