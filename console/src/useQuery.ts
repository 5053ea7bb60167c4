import { useCallback, useEffect, useState } from "react";
import { request, type GraphQLErrorBody, type Variables } from "./api";
import type { DocumentName } from "./generated/documents";

export interface QueryState<T> {
  data: T | null;
  errors: GraphQLErrorBody[];
  loading: boolean;
  failure: string | null;
  reload: () => void;
}

/** Runs a query document when its variables change; keeps the partial data GraphQL returns. */
export function useQuery<T>(name: DocumentName, variables: Variables, skip = false): QueryState<T> {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<Omit<QueryState<T>, "reload">>({
    data: null, errors: [], loading: !skip, failure: null,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (skip) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    request<T>(name, JSON.parse(key) as Variables).then(
      (result) => live && setState({ data: result.data, errors: result.errors, loading: false, failure: null }),
      (error: Error) => live && setState({ data: null, errors: [], loading: false, failure: error.message }),
    );
    return () => {
      live = false;
    };
  }, [name, key, skip, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** The errors at (or below) a path of the answer, e.g. ["organization", "users"], and those
 *  of the whole request (no path: the document was refused). */
export function errorsAt(errors: GraphQLErrorBody[], ...path: (string | number)[]): GraphQLErrorBody[] {
  return errors.filter((e) => !e.path || path.every((p, i) => e.path?.[i] === p));
}
