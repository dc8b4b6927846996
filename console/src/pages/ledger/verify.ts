/**
 * Checking an event in the browser, without trusting the server's word (RFC 6962 / RFC 9162,
 * SHA-256): the full event hashes to the leaf's digest, and the leaf with its inclusion proof
 * hashes up to the checkpoint's root. The checkpoint's signature is left to `govdx ledger
 * check-bundle` and other standard tools. Needs WebCrypto (a secure context: https or localhost).
 */

export interface LocalCheck {
  /** SHA-256 of the full event's canonical text equals the digest (and the leaf's digest). */
  digest: boolean;
  /** The leaf and the inclusion proof lead to the root hash. */
  inclusion: boolean;
}

const encoder = new TextEncoder();

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The root the inclusion proof of `index` in a tree of `size` leads to (RFC 9162 §2.1.3.2). */
async function rootFromInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
): Promise<Uint8Array | null> {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(concat(Uint8Array.of(1), p, r));
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(concat(Uint8Array.of(1), r, p));
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** Whether the browser can hash (crypto.subtle exists only in secure contexts). */
export function canCheckLocally(): boolean {
  return typeof crypto !== 'undefined' && typeof crypto.subtle !== 'undefined';
}

export async function checkLocally(input: {
  bodyText: string;
  digest: string;
  leaf: string;
  leafIndex: number;
  treeSize: number;
  rootHash: string;
  inclusion: string[];
}): Promise<LocalCheck> {
  const bodyDigest = toHex(await sha256(encoder.encode(input.bodyText)));
  let leafDigest: unknown = null;
  try {
    leafDigest = (JSON.parse(input.leaf) as { digest?: unknown }).digest;
  } catch {
    leafDigest = null;
  }
  const digest = bodyDigest === input.digest.toLowerCase() && leafDigest === bodyDigest;
  let inclusion = false;
  try {
    const leafHash = await sha256(concat(Uint8Array.of(0), encoder.encode(input.leaf)));
    const root = await rootFromInclusion(
      leafHash,
      input.leafIndex,
      input.treeSize,
      input.inclusion.map(fromBase64),
    );
    inclusion = root !== null && equal(root, fromBase64(input.rootHash));
  } catch {
    inclusion = false;
  }
  return { digest, inclusion };
}
