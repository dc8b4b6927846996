/**
 * The ledger's (存证) entitled API as the console reads it (docs/API-ledger.md): status, event
 * search with proofs, proof bundles and tracing a resource. The server decides every permission.
 */
import type { Me } from '../../types';

export type LedgerKind = 'audit' | 'access';
export const LEDGER_KINDS: readonly LedgerKind[] = ['audit', 'access'];

export interface LedgerCosignature {
  witness: string;
  keyId: string;
  cosignedAt: string;
}

export interface LedgerCheckpoint {
  treeSize: number;
  rootHash: string;
  createdAt: string;
  note: string;
  cosignatures: LedgerCosignature[];
}

export interface LedgerKey {
  keyId: string;
  verifierKey: string;
  firstUsedAt: string;
  retiredAt: string | null;
}

export interface LedgerWitness {
  name: string;
  verifierKey: string;
  addedAt: string;
  lastCosignedSize: number | null;
  lastCosignedAt: string | null;
}

export interface LedgerStatus {
  origin: string;
  treeSize: number;
  pending: number;
  checkpoint: LedgerCheckpoint | null;
  keys: LedgerKey[];
  witnesses: LedgerWitness[];
}

export interface LedgerEvent {
  id: number;
  leafIndex: number | null;
  kind: LedgerKind;
  type: string;
  occurredAt: string;
  target: string | null;
  orgCode: string | null;
  orgName: string | null;
  otherOrgCode: string | null;
  otherOrgName: string | null;
  actorName: string | null;
  outcome: string;
  digest: string;
}

export interface LedgerEventPage {
  items: LedgerEvent[];
  nextBefore: number | null;
}

export interface LedgerProof {
  treeSize: number;
  rootHash: string;
  inclusion: string[];
  verified: boolean;
}

export interface LedgerEventDetail extends LedgerEvent {
  body: unknown;
  bodyText: string;
  leaf: string | null;
  leafHash: string | null;
  proof: LedgerProof | null;
}

export interface LedgerBundle {
  format: 'govdx-ledger-bundle/v1';
  origin: string;
  verifierKey: string;
  witnessKeys: string[];
  event: string;
  index: number;
  leaf: string;
  treeSize: number;
  inclusionProof: string[];
  checkpoint: string;
}

export interface TraceAccess {
  eventId: number;
  leafIndex: number | null;
  occurredAt: string;
  consumerOrgCode: string | null;
  consumerOrgName: string | null;
  system: string | null;
  operation: string;
  purpose: string | null;
  grantId: string | null;
  status: number;
  rowCount: number;
}

export interface TraceChange {
  eventId: number;
  leafIndex: number | null;
  occurredAt: string;
  type: string;
  actorName: string;
  outcome: string;
  target: string | null;
}

export interface LedgerTrace {
  accesses: TraceAccess[];
  changes: TraceChange[];
  treeSize: number;
}

/** The event filters of /ledger/events (all optional). */
export interface EventFilters {
  kind?: LedgerKind;
  type?: string;
  target?: string;
  orgCode?: string;
  from?: string;
  to?: string;
}

/** Auditors, authority administrators and department administrators search the ledger. */
export function canSearchLedger(me: Me): boolean {
  return me.memberships.some(
    (m) => m.role === 'auditor' || m.role === 'authority_admin' || m.role === 'dept_admin',
  );
}

/** The state of an event's proof: in the tree and proven, sequenced but not yet signed, pending. */
export type ProofState = 'verified' | 'unverified' | 'uncovered' | 'pending';

export function proofState(event: Pick<LedgerEventDetail, 'leafIndex' | 'proof'>): ProofState {
  if (event.leafIndex === null) return 'pending';
  if (!event.proof) return 'uncovered';
  return event.proof.verified ? 'verified' : 'unverified';
}

/** A short form of a long hash for tables: the first characters and an ellipsis. */
export function shortHash(value: string, length = 12): string {
  return value.length > length ? `${value.slice(0, length)}…` : value;
}

/** The pretty-printed form of the full event; the canonical text when it is not JSON. */
export function prettyBody(detail: Pick<LedgerEventDetail, 'body' | 'bodyText'>): string {
  if (detail.body !== undefined && detail.body !== null) {
    return JSON.stringify(detail.body, null, 2);
  }
  try {
    return JSON.stringify(JSON.parse(detail.bodyText), null, 2);
  } catch {
    return detail.bodyText;
  }
}
