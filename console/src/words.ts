// Access diffs and sources in words, as an administrator reads them.
export interface DiffEntry {
  role: string;
  user: { id: string; email: string; displayName: string };
  productInstance: { id: string; product: { name: string }; site: { name: string } };
}

export interface AccessDiff {
  gained: DiffEntry[];
  lost: DiffEntry[];
  billableUsers: {
    before: number;
    after: number;
    change: number;
    productInstance: { id: string; product: { name: string }; site: { name: string } };
  }[];
}

export const roleName = (role: string) =>
  role.toLowerCase().replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

const person = (entry: DiffEntry) => entry.user?.displayName || entry.user?.email || "Someone";
const product = (entry: DiffEntry) =>
  `${entry.productInstance?.product?.name ?? "a product"} (${entry.productInstance?.site?.name ?? "a site"})`;

/** What the change is about: its input's user and product instance, when it names them. */
export interface Target {
  userId?: string;
  productInstanceId?: string;
}

const isTarget = (entry: DiffEntry, target: Target) =>
  (!target.userId || entry.user?.id === target.userId) &&
  (!target.productInstanceId || entry.productInstance?.id === target.productInstanceId);

/** "Lee will get access to Jira (acme.example.net) as User." Entries of the change's own
 *  target read plainly; every other entry is what the change also does ("will also get"). */
export function diffSentences(diff: AccessDiff, target: Target = {}, through?: string): string[] {
  const via = through ? ` through ${through}` : "";
  const also = (e: DiffEntry) => (isTarget(e, target) ? "" : "also ");
  const ordered = (entries: DiffEntry[]) => [...entries.filter((e) => isTarget(e, target)), ...entries.filter((e) => !isTarget(e, target))];
  const gained = ordered(diff.gained).map(
    (e) => `${person(e)} will ${also(e)}get access to ${product(e)} as ${roleName(e.role)}${via}.`,
  );
  const lost = ordered(diff.lost).map((e) => `${person(e)} will ${also(e)}lose ${roleName(e.role)} on ${product(e)}.`);
  const bills = diff.billableUsers
    .filter((b) => b.change !== 0)
    .map(
      (b) =>
        `Billable users of ${b.productInstance?.product?.name ?? "a product"} (${b.productInstance?.site?.name ?? "a site"}): ${b.before} → ${b.after}.`,
    );
  return [...gained, ...lost, ...bills];
}
