// Reads every operation in src/documents/*.graphql (one operation or fragment per file, named
// like the file; an operation gets the fragments it spreads, transitively, appended), and writes:
//   src/generated/documents.ts  - name -> {hash, text}, imported by the app (no hashing at
//                                 run time: crypto.subtle exists only in secure contexts);
//   generated-public/persisted-documents.json - the manifest the server's trusted-documents
//                                 mode reads (copied into the bundle by Vite's publicDir).
// The hash is the SHA-256 of the exact text sent, as extensions.persistedQuery.sha256Hash.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const folder = join(root, "src", "documents");
const files = readdirSync(folder).filter((f) => f.endsWith(".graphql")).sort();
const fragments = {};
const operations = {};
for (const file of files) {
  const name = basename(file, ".graphql");
  const text = readFileSync(join(folder, file), "utf8").trim();
  const declared = text.match(/^(query|mutation|fragment)\s+(\w+)/);
  if (!declared || declared[2] !== name) {
    throw new Error(`${file}: must hold one operation or fragment named ${name}`);
  }
  (declared[1] === "fragment" ? fragments : operations)[name] = text;
}
const spreads = (text) => [...text.matchAll(/\.\.\.\s*([A-Za-z_]\w*)/g)].map((m) => m[1]);
function withFragments(text) {
  const needed = [];
  const visit = (body) => {
    for (const name of spreads(body)) {
      if (name === "on" || !(name in fragments) || needed.includes(name)) continue;
      needed.push(name);
      visit(fragments[name]);
    }
  };
  visit(text);
  return [text, ...needed.map((name) => fragments[name])].join("\n\n");
}
const documents = {};
for (const [name, body] of Object.entries(operations)) {
  const text = withFragments(body);
  documents[name] = { hash: createHash("sha256").update(text, "utf8").digest("hex"), text };
}

mkdirSync(join(root, "src", "generated"), { recursive: true });
writeFileSync(
  join(root, "src", "generated", "documents.ts"),
  "// Written by scripts/documents.mjs from src/documents/*.graphql: do not edit.\n" +
    `export const documents = ${JSON.stringify(documents, null, 2)} as const;\n` +
    "export type DocumentName = keyof typeof documents;\n",
);
mkdirSync(join(root, "generated-public"), { recursive: true });
const manifest = Object.fromEntries(
  Object.values(documents).map(({ hash, text }) => [hash, text]),
);
writeFileSync(
  join(root, "generated-public", "persisted-documents.json"),
  JSON.stringify(manifest, null, 2) + "\n",
);
console.log(`${Object.keys(documents).length} documents`);
