import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/**
 * C2SP signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and
 * cosignatures (c2sp.org/tlog-cosignature), with Ed25519 (issue 6, R6.2). The formats are fixed by
 * those specifications so that Go's golang.org/x/mod/sumdb/note and any witness read them; Node's
 * crypto does the Ed25519, the rest is string handling too small for a dependency.
 */

/** Algorithm bytes of the signed-note specification. */
const ALG_ED25519 = 0x01;
const ALG_COSIGNATURE_V1 = 0x04;

const SIGNATURE_PREFIX = '\u2014 ';
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A key name: non-empty, no spaces, no plus sign (signed-note). */
export function checkKeyName(name: string): void {
  if (name === '' || /[\s+]/u.test(name))
    throw new NoteError('LEDGER_BAD_KEY_NAME', `"${name}" cannot be a note key name`);
}

function keyId(name: string, alg: number, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, alg]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

/** A key that signs notes: the log's (alg 0x01) or a witness's (cosignature/v1, alg 0x04). */
export interface NoteSigner {
  name: string;
  /** Hex of the 4-byte key ID. */
  keyId: string;
  /** `name+hex(keyId)+base64(alg || public key)`. */
  verifierKey: string;
  privateKey: KeyObject;
}

function makeSigner(name: string, pem: string, alg: number): NoteSigner {
  checkKeyName(name);
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new NoteError('LEDGER_BAD_KEY', 'the key is not an Ed25519 private key');
  const publicKey = rawPublicKey(privateKey);
  const id = keyId(name, alg, publicKey);
  return {
    name,
    keyId: id.toString('hex'),
    verifierKey: `${name}+${id.toString('hex')}+${Buffer.concat([Buffer.from([alg]), publicKey]).toString('base64')}`,
    privateKey,
  };
}

export const logSigner = (name: string, pem: string): NoteSigner =>
  makeSigner(name, pem, ALG_ED25519);
export const cosignerSigner = (name: string, pem: string): NoteSigner =>
  makeSigner(name, pem, ALG_COSIGNATURE_V1);

export interface NoteVerifier {
  name: string;
  keyId: string;
  alg: number;
  publicKey: KeyObject;
  verifierKey: string;
}

/** Parses `name+hex8+base64(alg || key)`; accepts Ed25519 (0x01) and cosignature/v1 (0x04). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // Split at the first two plus signs only: standard base64 has plus signs of its own.
  const trimmed = vkey.trim();
  const first = trimmed.indexOf('+');
  const second = trimmed.indexOf('+', first + 1);
  if (first < 0 || second < 0)
    throw new NoteError('LEDGER_BAD_VERIFIER_KEY', 'a verifier key is name+keyid+key');
  const name = trimmed.slice(0, first);
  const hex = trimmed.slice(first + 1, second);
  const encoded = trimmed.slice(second + 1);
  if (!/^[A-Za-z0-9+/]+=*$/.test(encoded))
    throw new NoteError('LEDGER_BAD_VERIFIER_KEY', 'the key is not standard base64');
  checkKeyName(name);
  const bytes = Buffer.from(encoded, 'base64');
  const alg = bytes[0];
  if (!/^[0-9a-f]{8}$/.test(hex) || bytes.length !== 33 || (alg !== 1 && alg !== 4))
    throw new NoteError('LEDGER_BAD_VERIFIER_KEY', 'the verifier key is not an Ed25519 note key');
  const raw = bytes.subarray(1);
  if (keyId(name, alg, raw).toString('hex') !== hex)
    throw new NoteError('LEDGER_BAD_VERIFIER_KEY', 'the key ID does not match the key');
  return { name, keyId: hex, alg, publicKey: publicKeyFromRaw(raw), verifierKey: trimmed };
}

/** A signature line of a note, still unverified. */
export interface SignatureLine {
  name: string;
  keyId: string;
  /** The signature bytes after the key ID. */
  signature: Buffer;
  line: string;
}

export interface ParsedNote {
  text: string;
  signatures: SignatureLine[];
}

/** Splits a signed note into its text (with its final newline) and signature lines. */
export function parseNote(note: string): ParsedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new NoteError('LEDGER_BAD_NOTE', 'a signed note is text, a blank line and signatures');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line): SignatureLine => {
      if (!line.startsWith(SIGNATURE_PREFIX))
        throw new NoteError('LEDGER_BAD_NOTE', `not a signature line: ${line.slice(0, 40)}`);
      const [name, encoded] = line.slice(SIGNATURE_PREFIX.length).split(' ');
      const bytes = Buffer.from(encoded ?? '', 'base64');
      if (!name || bytes.length < 5)
        throw new NoteError('LEDGER_BAD_NOTE', `malformed signature line for ${name ?? '?'}`);
      return {
        name,
        keyId: bytes.subarray(0, 4).toString('hex'),
        signature: bytes.subarray(4),
        line,
      };
    });
  return { text, signatures };
}

function signatureLine(name: string, id: string, signature: Buffer): string {
  return `${SIGNATURE_PREFIX}${name} ${Buffer.concat([Buffer.from(id, 'hex'), signature]).toString('base64')}`;
}

/** Signs a note text (lines ending in newlines) with the log's key. */
export function signNote(text: string, signer: NoteSigner): string {
  const signature = sign(null, Buffer.from(text), signer.privateKey);
  return `${text}\n${signatureLine(signer.name, signer.keyId, signature)}\n`;
}

/** The signature line of the log's key in a note, checked; null if the note has none by it. */
export function verifyNoteSignature(parsed: ParsedNote, verifier: NoteVerifier): boolean {
  const line = parsed.signatures.find(
    (s) => s.name === verifier.name && s.keyId === verifier.keyId,
  );
  return (
    line !== undefined && verify(null, Buffer.from(parsed.text), verifier.publicKey, line.signature)
  );
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

export function checkpointText(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash.toString('base64')}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  const [origin, size, root] = lines;
  const rootHash = Buffer.from(root ?? '', 'base64');
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(size ?? '') || rootHash.length !== 32)
    throw new NoteError('LEDGER_BAD_CHECKPOINT', 'not a checkpoint: origin, size and root hash');
  return { origin, size: Number(size), rootHash };
}

function cosignedMessage(text: string, time: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time}\n${text}`);
}

/** A witness's cosignature/v1 line over a checkpoint text (c2sp.org/tlog-cosignature). */
export function cosign(text: string, signer: NoteSigner, time: number): string {
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(time));
  const signature = sign(null, cosignedMessage(text, time), signer.privateKey);
  return signatureLine(signer.name, signer.keyId, Buffer.concat([timestamp, signature]));
}

/** Checks a cosignature line; returns its time (seconds) or null if it does not verify. */
export function verifyCosignature(
  text: string,
  line: SignatureLine,
  verifier: NoteVerifier,
): number | null {
  if (verifier.alg !== ALG_COSIGNATURE_V1) return null;
  if (line.name !== verifier.name || line.keyId !== verifier.keyId) return null;
  if (line.signature.length !== 72) return null;
  const time = Number(line.signature.readBigUInt64BE(0));
  const ok = verify(
    null,
    cosignedMessage(text, time),
    verifier.publicKey,
    line.signature.subarray(8),
  );
  return ok ? time : null;
}
