import { Component, useEffect, useRef, type ReactNode } from "react";
import type { GraphQLErrorBody, UserError } from "./api";

export function Loading({ what }: { what: string }) {
  return <p className="muted" role="status" aria-live="polite">Loading {what}…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** What to do about a code, in words, for the codes a person can act on. */
const ADVICE: Record<string, string> = {
  FORBIDDEN: "Your admin roles don't allow this. Ask an organization admin.",
  NOT_FOUND: "It may have been removed, or it is outside what you can see.",
  UNAUTHENTICATED: "Sign in again.",
  RATE_LIMITED: "Too many requests: wait a moment and try again.",
  DATABASE_UNAVAILABLE: "The service is briefly unavailable: try again in a moment.",
  ALREADY_HAS_ACCESS: "Change their role instead.",
  LAST_ORG_ADMIN: "Make someone else an organization admin first.",
};

export function Problem({ code, message, rule }: { code: string; message: string; rule?: string | null }) {
  return (
    <div className="problem" role="alert">
      <strong>{message}</strong>
      <div className="problem-meta">
        <code>{code}</code>
        {rule && <> · rule <code>{rule}</code></>}
      </div>
      {ADVICE[code] && <div>{ADVICE[code]}</div>}
    </div>
  );
}

export function Problems({ errors, failure }: { errors?: GraphQLErrorBody[]; failure?: string | null }) {
  return (
    <>
      {failure && <Problem code="NETWORK" message={failure} />}
      {errors?.map((e, i) => (
        <Problem key={i} code={e.extensions?.code ?? "ERROR"} message={e.message} rule={e.extensions?.rule} />
      ))}
    </>
  );
}

export function UserErrors({ errors }: { errors: UserError[] }) {
  return (
    <>
      {errors.map((e, i) => (
        <Problem key={i} code={e.code} message={e.message} rule={e.rule} />
      ))}
    </>
  );
}

/** A modal dialog: focus moves in, Escape closes, focus returns where it was. */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current?.querySelector<HTMLElement>("button, select, input, textarea")?.focus();
    const key = (event: KeyboardEvent) => event.key === "Escape" && onClose();
    window.addEventListener("keydown", key);
    return () => {
      window.removeEventListener("keydown", key);
      before?.focus();
    };
  }, [onClose]);
  return (
    <div className="overlay">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" ref={box}>
        <h2 id="dialog-title">{title}</h2>
        {children}
      </div>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

/** A page that fails to draw says so, with the way back, instead of leaving a blank screen. */
export class PageBoundary extends Component<{ children: ReactNode; page: string }, { failed: string | null }> {
  state = { failed: null as string | null };

  static getDerivedStateFromError(error: Error) {
    return { failed: error.message };
  }

  componentDidUpdate(previous: { page: string }) {
    if (previous.page !== this.props.page && this.state.failed) this.setState({ failed: null });
  }

  render() {
    if (this.state.failed === null) return this.props.children;
    return (
      <div className="problem" role="alert">
        <strong>This page could not be shown.</strong>
        <div>Reload it, or choose another page. ({this.state.failed})</div>
      </div>
    );
  }
}
