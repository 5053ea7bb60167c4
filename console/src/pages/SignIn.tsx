import { useEffect, useState, type FormEvent } from "react";
import { firstError, request, session, type UserError } from "../api";
import { useRoute } from "../router";
import { Problem } from "../ui";

interface SignInData {
  signIn: { token: string | null; errors: UserError[] } | null;
}

/** The one-time code of a sign-in link (`portcullis demo`, `portcullis token create --link`):
 *  /console/#sign-in=<code>. The code travels in the fragment, which browsers never send to a
 *  server, so it stays out of access logs and Referer headers. */
export function codeFromLink(): string | null {
  return new URLSearchParams(window.location.hash.replace(/^#/, "")).get("sign-in");
}

function forgetCode(): void {
  window.history.replaceState(null, "", window.location.pathname + "#/");
}

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<{ code: string; message: string; rule: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const route = useRoute(); // a link opened in this tab later changes only the fragment
  useEffect(() => {
    const code = codeFromLink();
    if (!code) return;
    forgetCode(); // a code is good once: keep it out of history and reloads
    setBusy(true);
    request<SignInData>("SignIn", { input: { code } })
      .then((result) => {
        const error = firstError(result.errors);
        const payload = result.data?.signIn;
        const userError = payload?.errors[0];
        if (payload?.token) {
          session.signIn(payload.token);
          onSignedIn();
        } else if (userError) setProblem({ code: userError.code, message: userError.message, rule: userError.rule });
        else if (error) setProblem({ code: error.code, message: error.message, rule: error.rule });
      })
      .catch((e: Error) => setProblem({ code: "NETWORK", message: e.message, rule: null }))
      .finally(() => setBusy(false));
  }, [onSignedIn, route]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim()) return;
    session.signIn(token.trim());
    onSignedIn();
  };
  return (
    <main className="sign-in">
      <h1>Sign in to Portcullis administration</h1>
      {busy && <p role="status">Signing you in…</p>}
      {problem && <Problem {...problem} />}
      <p>
        Open the sign-in link that <code>portcullis demo</code> or{" "}
        <code>portcullis token create --email you@example.com --link</code> prints, or paste a
        personal token.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token">Personal token</label>
        <input id="token" autoFocus type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="pct_…" />
        <button type="submit" className="primary">Sign in</button>
      </form>
    </main>
  );
}
