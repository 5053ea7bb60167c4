// Hash routes (#/o/<org>/users/<id>): the server serves one index.html at /console and the
// browser keeps the rest, so a reload or a shared link lands on the same page.
import { useEffect, useState } from "react";

export interface Route {
  parts: string[];
  params: URLSearchParams;
}

function current(): Route {
  const [path, query = ""] = window.location.hash.replace(/^#/, "").split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = () => setRoute(current());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

export function href(...parts: string[]): string {
  return "#/" + parts.map(encodeURIComponent).join("/");
}
