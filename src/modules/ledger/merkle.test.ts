import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson, leafBytes } from './events.ts';
import {
  appendLeaves,
  EMPTY_ROOT,
  foldSubtrees,
  leafHash,
  memoryReader,
  proveConsistency,
  proveInclusion,
  rangeSubtrees,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle.ts';
import {
  checkpointText,
  cosign,
  cosignerSigner,
  logSigner,
  parseCheckpointText,
  parseNote,
  parseVerifierKey,
  signNote,
  verifyCosignature,
  verifyNoteSignature,
} from './note.ts';

// RFC 6962 reference vectors (Certificate Transparency's test data): the leaves, the root of every
// tree size 1..8, and proofs in the 8-leaf tree.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((hex) => leafHash(Buffer.from(hex, 'hex')));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hex = (hashes: Hash[]) => hashes.map((h) => h.toString('hex'));

describe('Merkle tree (RFC 6962)', () => {
  it('matches the reference roots, the empty tree included', async () => {
    assert.equal(
      EMPTY_ROOT.toString('hex'),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    for (let n = 1; n <= 8; n++) {
      assert.equal((await treeHash(n, memoryReader(LEAVES))).toString('hex'), ROOTS[n - 1]);
    }
  });

  it('gives the reference inclusion and consistency proofs', async () => {
    const read = memoryReader(LEAVES);
    assert.deepEqual(hex(await proveInclusion(0, 8, read)), [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    assert.deepEqual(hex(await proveInclusion(5, 8, read)), [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    assert.deepEqual(hex(await proveConsistency(2, 8, read)), [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    assert.deepEqual(hex(await proveConsistency(6, 8, read)), [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    assert.deepEqual(hex(await proveConsistency(2, 5, read)), [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  // Every shape of the recursion: each proof of every size up to 40 verifies, and fails when
  // anything about it is changed.
  const many = Array.from({ length: 40 }, (_, i) => leafHash(Buffer.from([i, i * 7])));

  it('proves and verifies inclusion for every leaf of every size, and nothing else', async () => {
    const read = memoryReader(many);
    for (let n = 1; n <= many.length; n++) {
      const root = await treeHash(n, read);
      for (let i = 0; i < n; i++) {
        const proof = await proveInclusion(i, n, read);
        assert.ok(verifyInclusion(many[i] as Hash, i, n, proof, root), `${i} in ${n}`);
        assert.ok(!verifyInclusion(many[i] as Hash, i, n, proof, EMPTY_ROOT));
        if (n > 1) {
          assert.ok(!verifyInclusion(many[(i + 1) % n] as Hash, i, n, proof, root));
          assert.ok(!verifyInclusion(many[i] as Hash, (i + 1) % n, n, proof, root));
          assert.ok(!verifyInclusion(many[i] as Hash, i, n, proof.slice(1), root));
        }
      }
      assert.ok(!verifyInclusion(many[0] as Hash, n, n, [], root), 'index out of range');
    }
  });

  it('proves and verifies consistency between every pair of sizes', async () => {
    const read = memoryReader(many);
    const roots = [EMPTY_ROOT];
    for (let n = 1; n <= many.length; n++) roots.push(await treeHash(n, read));
    for (let n = 1; n <= many.length; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await proveConsistency(m, n, read);
        assert.ok(verifyConsistency(m, n, roots[m] as Hash, roots[n] as Hash, proof), `${m}->${n}`);
        if (m < n) {
          assert.ok(!verifyConsistency(m, n, roots[m] as Hash, roots[n - 1] as Hash, proof));
          assert.ok(!verifyConsistency(m, n, roots[m - 1] as Hash, roots[n] as Hash, proof));
        }
      }
    }
    assert.ok(!verifyConsistency(5, 3, roots[5] as Hash, roots[3] as Hash, []));
  });

  it('appends leaves in batches to the same subtree hashes as a whole-tree computation', async () => {
    const stored = new Map<string, Hash>();
    let edge: Hash[] = [];
    let size = 0;
    for (const batch of [1, 2, 5, 8, 3, 21]) {
      const result = appendLeaves(size, edge, many.slice(size, size + batch));
      for (const entry of result.stored)
        stored.set(`${entry.ref.level}/${entry.ref.index}`, entry.hash);
      edge = result.edge;
      size += batch;
      assert.equal(
        foldSubtrees(edge).toString('hex'),
        (await treeHash(size, memoryReader(many))).toString('hex'),
      );
    }
    const whole = memoryReader(many);
    for (const [key, hash] of stored) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      assert.deepEqual(await whole([{ level, index }]), [hash], key);
    }
    assert.deepEqual(rangeSubtrees(0, 13), [
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
  });
});

describe('ledger leaves (RFC 8785)', () => {
  it('writes the same bytes as the canonicalizer, escapes included', () => {
    for (const leaf of [
      { seq: 0, time: '2026-11-24T08:00:00.000Z', type: 'org.create', digest: 'ab'.repeat(32) },
      { seq: 123456789, time: 't"\\\u0001\u2028é', type: '共享.\n', digest: '' },
    ]) {
      assert.equal(leafBytes(leaf).toString(), canonicalJson(leaf));
    }
  });
});

describe('signed notes (C2SP signed-note, checkpoint, cosignature)', () => {
  // The example of golang.org/x/mod/sumdb/note: same key, same text, the same signature byte for
  // byte (Ed25519 is deterministic), so Go's note.Open reads our notes and we read Go's.
  const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);
  const pem = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const text =
    'If you think cryptography is the answer to your problem,\n' +
    "then you don't know what your problem is.\n";

  it('produces the verifier key and signature of the Go reference example', () => {
    const signer = logSigner('PeterNeumann', pem);
    assert.equal(
      signer.verifierKey,
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    );
    assert.equal(
      signNote(text, signer),
      `${text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
    );
    const verifier = parseVerifierKey(signer.verifierKey);
    assert.ok(verifyNoteSignature(parseNote(signNote(text, signer)), verifier));
    assert.ok(
      !verifyNoteSignature(
        parseNote(signNote(text.replace('think', 'thunk'), signer).replace('thunk', 'think')),
        verifier,
      ),
    );
  });

  it('rejects malformed verifier keys and notes', () => {
    assert.throws(
      () => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
      /key ID/,
    );
    assert.throws(() => parseVerifierKey('no-plus-signs'), /name\+keyid\+key/);
    assert.throws(() => parseNote('no signature\n'), /signed note/);
    assert.throws(() => parseCheckpointText('origin\n-1\nAAAA\n'), /not a checkpoint/);
  });

  it('cosigns checkpoints per cosignature/v1 and rejects other texts or keys', () => {
    const checkpoint = checkpointText({ origin: 'example.com/log', size: 8, rootHash: EMPTY_ROOT });
    assert.deepEqual(parseCheckpointText(checkpoint), {
      origin: 'example.com/log',
      size: 8,
      rootHash: EMPTY_ROOT,
    });
    const witness = cosignerSigner('witness.example/w1', pem);
    assert.match(witness.verifierKey, /^witness\.example\/w1\+[0-9a-f]{8}\+BB/);
    const verifier = parseVerifierKey(witness.verifierKey);
    const line = parseNote(`${checkpoint}\n${cosign(checkpoint, witness, 1_700_000_000)}\n`)
      .signatures[0];
    assert.ok(line);
    assert.equal(verifyCosignature(checkpoint, line, verifier), 1_700_000_000);
    assert.equal(verifyCosignature(checkpoint.replace('8', '9'), line, verifier), null);
    assert.equal(
      verifyCosignature(
        checkpoint,
        line,
        parseVerifierKey(logSigner('witness.example/w1', pem).verifierKey),
      ),
      null,
    );
  });
});
