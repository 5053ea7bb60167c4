// The console's one way to the API: POST /graphql on its own origin, by persisted document.
// A document goes by its SHA-256 first (extensions.persistedQuery); only a server that does
// not know it (PERSISTED_QUERY_NOT_FOUND, or no persisted documents at all) gets the text. The token lives in the
// tab's sessionStorage: closing the tab signs out.
import { documents, type DocumentName } from "./generated/documents";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Variables = Record<string, unknown>;

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; rule?: string; [key: string]: unknown };
}

export interface UserError {
  code: string;
  message: string;
  field: string | null;
  rule: string | null;
}

/** A refusal or failure, in the words the console shows: what, which code, which rule. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly rule: string | null = null,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "portcullis.token";
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

export interface Result<T> {
  data: T | null;
  errors: GraphQLErrorBody[];
  status?: number;
}

async function post(body: object): Promise<Result<unknown>> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json, application/json",
  };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError("The service cannot be reached. Check that it is running.", "NETWORK");
  }
  let payload: { data?: unknown; errors?: GraphQLErrorBody[] };
  try {
    payload = await response.json();
  } catch {
    const message = `The service answered ${response.status} without a GraphQL body.`;
    payload = { errors: [{ message, extensions: { code: `HTTP_${response.status}` } }] };
  }
  return { data: payload.data ?? null, errors: payload.errors ?? [], status: response.status };
}

/** Runs a persisted document; answers data and errors as GraphQL gives them (partial data). */
export async function request<T>(name: DocumentName, variables: Variables = {}): Promise<Result<T>> {
  const { hash, text } = documents[name];
  const persistedQuery = { version: 1, sha256Hash: hash };
  let result = await post({ operationName: name, variables, extensions: { persistedQuery } });
  // The text goes once when the server does not know the hash, or (a server that speaks no
  // persisted documents) refused a body without a query.
  const unknown = result.errors.some((e) => e.extensions?.code === "PERSISTED_QUERY_NOT_FOUND");
  if (unknown || (result.status === 400 && result.data === null)) {
    result = await post({ query: text, operationName: name, variables, extensions: { persistedQuery } });
  }
  const unauthenticated = result.errors.find((e) => e.extensions?.code === "UNAUTHENTICATED");
  if (unauthenticated) {
    session.signOut();
    window.dispatchEvent(new Event("portcullis:signed-out"));
  }
  return result as Result<T>;
}

/** The first error as an ApiError, or null. */
export function firstError(errors: GraphQLErrorBody[]): ApiError | null {
  const [error] = errors;
  if (!error) return null;
  return new ApiError(error.message, error.extensions?.code ?? "ERROR", error.extensions?.rule ?? null);
}
