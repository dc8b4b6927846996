import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyConsistency } from './merkle.ts';
import {
  cosign,
  cosignerSigner,
  parseCheckpointText,
  parseNote,
  parseVerifierKey,
  verifyNoteSignature,
} from './note.ts';

/**
 * A witness (issue 6; C2SP tlog-witness semantics, pull model): it remembers the largest checkpoint
 * it cosigned, accepts a new one only when the log proves it extends that one (consistency proof),
 * and never cosigns a smaller or forked tree. Another govdx (the province's, witnessing a city's)
 * or anybody runs it with `govdx ledger witness --log <url> --key <file>`.
 */

export interface WitnessOptions {
  logUrl: string;
  keyFile: string;
  name: string;
  /** The log's verifier key; otherwise pinned in the state file at first contact. */
  logKey?: string;
  intervalMs: number;
  once: boolean;
  print(line: string): void;
}

interface WitnessState {
  logKey: string;
  origin: string;
  size: number;
  /** Base64 root hash of the last cosigned checkpoint. */
  root: string;
}

/** Exit code: 0 when every round succeeded, 1 when one found the log misbehaving or unreachable. */
export async function runWitness(options: WitnessOptions): Promise<number> {
  if (!existsSync(options.keyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(options.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
  }
  const signer = cosignerSigner(options.name, readFileSync(options.keyFile, 'utf8'));
  options.print(`witness ${signer.verifierKey}`);
  options.print('  (the log registers this key: govdx ledger witness-add <key>)');
  const stateFile = `${options.keyFile}.state.json`;
  let failed = false;
  for (;;) {
    try {
      const state = existsSync(stateFile)
        ? (JSON.parse(readFileSync(stateFile, 'utf8')) as WitnessState)
        : null;
      const next = await round(options, signer, state);
      if (next) writeFileSync(stateFile, `${JSON.stringify(next, null, 2)}\n`);
    } catch (error) {
      failed = true;
      options.print(`REFUSED ${(error as Error).message}`);
    }
    if (options.once) return failed ? 1 : 0;
    await sleep(options.intervalMs);
  }
}

async function get(url: string): Promise<string> {
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`);
  return body;
}

async function round(
  options: WitnessOptions,
  signer: ReturnType<typeof cosignerSigner>,
  state: WitnessState | null,
): Promise<WitnessState | null> {
  const logKey =
    options.logKey ??
    state?.logKey ??
    (await get(`${options.logUrl}/api/v1/ledger/verifier-key`)).trim();
  if (state && state.logKey !== logKey)
    throw new Error('the log key differs from the one this witness pinned');
  const verifier = parseVerifierKey(logKey);
  const note = parseNote(await get(`${options.logUrl}/api/v1/ledger/checkpoint`));
  if (!verifyNoteSignature(note, verifier))
    throw new Error('the checkpoint is not signed by the log key');
  const checkpoint = parseCheckpointText(note.text);
  if (checkpoint.origin !== verifier.name)
    throw new Error(`the checkpoint names origin ${checkpoint.origin}, the key ${verifier.name}`);
  if (state) {
    const oldRoot = Buffer.from(state.root, 'base64');
    if (checkpoint.size < state.size)
      throw new Error(`the log shrank from ${state.size} to ${checkpoint.size} entries`);
    if (checkpoint.size === state.size) {
      if (!checkpoint.rootHash.equals(oldRoot))
        throw new Error(`two different trees of size ${state.size}: the log forked`);
    } else if (state.size > 0) {
      const proof = (
        await get(
          `${options.logUrl}/api/v1/ledger/proofs/consistency?old=${state.size}&new=${checkpoint.size}`,
        )
      )
        .split('\n')
        .filter(Boolean)
        .map((line) => Buffer.from(line, 'base64'));
      if (!verifyConsistency(state.size, checkpoint.size, oldRoot, checkpoint.rootHash, proof))
        throw new Error(
          `the tree of size ${checkpoint.size} does not extend the cosigned one of size ${state.size}`,
        );
    }
  }
  const line = cosign(note.text, signer, Math.floor(Date.now() / 1000));
  const response = await fetch(`${options.logUrl}/api/v1/ledger/cosignatures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ checkpoint: `${note.text}\n${line}\n` }),
  });
  if (!response.ok) {
    throw new Error(
      `the log refused the cosignature of size ${checkpoint.size}: ${response.status} ${(await response.text()).slice(0, 300)}`,
    );
  }
  options.print(`cosigned ${checkpoint.origin} size ${checkpoint.size}`);
  return {
    logKey,
    origin: checkpoint.origin,
    size: checkpoint.size,
    root: checkpoint.rootHash.toString('base64'),
  };
}
