// Every change goes through here: a dry run first (the real mutation, rolled back), its
// access diff in words, then the real run on confirm. Mutations without a dry run get a
// plain confirmation that says what will happen. A refusal shows its code, message and rule.
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { firstError, request, type UserError } from "./api";
import type { DocumentName } from "./generated/documents";
import { Dialog, Problem, UserErrors } from "./ui";
import { diffSentences, type AccessDiff, type Target } from "./words";

interface Payload {
  dryRun?: boolean;
  accessDiff?: AccessDiff | null;
  errors: UserError[];
  [key: string]: unknown;
}

type Phase =
  | { kind: "previewing" }
  | { kind: "preview"; sentences: string[] }
  | { kind: "applying" }
  | { kind: "refused"; code: string; message: string; rule: string | null; userErrors?: UserError[] };

async function run(
  mutation: DocumentName, input: Record<string, unknown>,
): Promise<{ payload: Payload | null; refusal: Phase | null }> {
  const result = await request<Record<string, Payload | null>>(mutation, { input });
  const error = firstError(result.errors);
  const payload = result.data ? Object.values(result.data)[0] : null;
  if (error || !payload) {
    return {
      payload: null,
      refusal: { kind: "refused", code: error?.code ?? "ERROR", message: error?.message ?? "No answer.", rule: error?.rule ?? null },
    };
  }
  if (payload.errors.length) {
    const [first] = payload.errors;
    return { payload, refusal: { kind: "refused", code: first.code, message: first.message, rule: first.rule, userErrors: payload.errors } };
  }
  return { payload, refusal: null };
}

export interface ChangeProps {
  /** The dialog's title and the confirm button's label, in the seeds' words ("Grant access"). */
  title: string;
  mutation: DocumentName;
  input: Record<string, unknown>;
  /** Whether the mutation takes dryRun (and so can show an access diff). */
  dryRun: boolean;
  /** For mutations without a dry run: what will happen, in words. */
  summary?: ReactNode;
  through?: string;
  onDone: (payload: Payload) => void;
  onClose: () => void;
}

export function ChangeDialog({ title, mutation, input, dryRun, summary, through, onDone, onClose }: ChangeProps) {
  const [phase, setPhase] = useState<Phase>(dryRun ? { kind: "previewing" } : { kind: "preview", sentences: [] });
  const key = JSON.stringify(input);
  useEffect(() => {
    if (!dryRun) return;
    let live = true;
    run(mutation, { ...JSON.parse(key), dryRun: true }).then(
      ({ payload, refusal }) => {
        if (!live) return;
        if (refusal) setPhase(refusal);
        else {
          const { userId, productInstanceId } = JSON.parse(key) as Target;
          const sentences = payload?.accessDiff ? diffSentences(payload.accessDiff, { userId, productInstanceId }, through) : [];
          setPhase({ kind: "preview", sentences });
        }
      },
      (e: Error) => live && setPhase({ kind: "refused", code: "NETWORK", message: e.message, rule: null }),
    );
    return () => {
      live = false;
    };
  }, [mutation, key, dryRun, through]);
  const apply = useCallback(async () => {
    setPhase({ kind: "applying" });
    try {
      const { payload, refusal } = await run(mutation, JSON.parse(key));
      if (refusal) setPhase(refusal);
      else if (payload) onDone(payload);
    } catch (e) {
      setPhase({ kind: "refused", code: "NETWORK", message: (e as Error).message, rule: null });
    }
  }, [mutation, key, onDone]);
  return (
    <Dialog title={title} onClose={onClose}>
      {phase.kind === "previewing" && <p role="status">Checking what this change does…</p>}
      {phase.kind === "preview" && (
        <div className="preview" aria-label="Preview">
          {summary && <p>{summary}</p>}
          {dryRun && phase.sentences.length === 0 && <p>Nobody's product access changes.</p>}
          {phase.sentences.length > 0 && (
            <ul className="diff">
              {phase.sentences.map((s) => <li key={s}>{s}</li>)}
            </ul>
          )}
        </div>
      )}
      {phase.kind === "applying" && <p role="status">Applying…</p>}
      {phase.kind === "refused" &&
        (phase.userErrors ? <UserErrors errors={phase.userErrors} /> : <Problem code={phase.code} message={phase.message} rule={phase.rule} />)}
      <div className="actions">
        <button type="button" onClick={onClose}>Cancel</button>
        {phase.kind === "preview" && (
          <button type="button" className="primary" onClick={apply}>{title}</button>
        )}
      </div>
    </Dialog>
  );
}

/** A button that opens a ChangeDialog; hidden when `allowed` is false and no reason is given,
 *  disabled with the reason when one is. */
export function ChangeButton(props: Omit<ChangeProps, "onClose"> & { label?: string; allowed?: boolean; reason?: string; className?: string }) {
  const [open, setOpen] = useState(false);
  const { label, allowed = true, reason, className, onDone, ...change } = props;
  if (!allowed && !reason) return null;
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={!allowed}
        title={allowed ? undefined : reason}
        aria-description={allowed ? undefined : reason}
        onClick={() => setOpen(true)}
      >
        {label ?? change.title}
      </button>
      {!allowed && reason && <span className="reason">{reason}</span>}
      {open && (
        <ChangeDialog
          {...change}
          onDone={(payload) => {
            setOpen(false);
            onDone(payload);
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
