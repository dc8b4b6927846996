import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { ResponseSigner } from './runtime.ts';
import { MASKING_RULES, maskValue } from './masking.ts';

/** Checks an audit path and the root's signature the way docs/API-sharing.md describes. */
function rootOf(digest: string, proof: string[]): string {
  const sha = (...parts: Buffer[]) => {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  let node = sha(Buffer.from([0]), Buffer.from(digest, 'hex'));
  for (const step of proof) {
    const [side, hex] = step.split(':');
    const sibling = Buffer.from(hex ?? '', 'hex');
    node =
      side === 'L' ? sha(Buffer.from([1]), sibling, node) : sha(Buffer.from([1]), node, sibling);
  }
  return node.toString('hex');
}

describe('response signer (issue 5: signed provenance)', () => {
  const pem = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const signer = new ResponseSigner(pem);
  const publicKey = createPublicKey(signer.publicKeyPem);

  it('signs responses of one event-loop turn under one Merkle root, each with its own audit path', async () => {
    const bodies = Array.from({ length: 7 }, (_, i) => `{"record":${i}}`);
    const signed = await Promise.all(bodies.map((body) => signer.signBody(body)));
    assert.equal(new Set(signed.map((s) => s.root)).size, 1, 'one batch');
    for (const [i, s] of signed.entries()) {
      assert.equal(
        s.digest,
        createHash('sha256')
          .update(bodies[i] ?? '')
          .digest('hex'),
      );
      assert.equal(rootOf(s.digest, s.proof), s.root);
      assert.ok(
        verify(
          null,
          Buffer.from(`govdx-share-v1:${s.root}`),
          publicKey,
          Buffer.from(s.signature, 'base64'),
        ),
      );
    }
    // Seven leaves: three levels of path for most, fewer for the promoted last leaf.
    assert.equal(signed[0]?.proof.length, 3);
    // A path does not prove another body.
    const other = createHash('sha256').update('{"record":99}').digest('hex');
    assert.notEqual(rootOf(other, signed[0]?.proof ?? []), signed[0]?.root);
  });

  it('a lone response is a batch of one: the root is its leaf', async () => {
    const s = await signer.signBody('{"alone":true}');
    assert.deepEqual(s.proof, []);
    assert.equal(rootOf(s.digest, []), s.root);
  });

  it('publishes a key id derived from the public key', () => {
    assert.match(signer.keyId, /^[0-9a-f]{16}$/);
    assert.equal(signer.publicKeyRaw.length, 32);
  });
});

describe('masking rules (issue 5)', () => {
  const key = 'k';
  it('keeps what each rule allows and no more', () => {
    assert.equal(maskValue('11010519491231002X', 'id_number', key), '110105********002X');
    assert.equal(maskValue('13812345678', 'mobile', key), '138****5678');
    assert.equal(maskValue('张三丰', 'name', key), '张**');
    assert.equal(maskValue('欧阳娜娜', 'name', key), '欧阳**');
    assert.equal(maskValue('示范市中心区人民路88号1栋101室', 'address', key), '示范市中心区****');
    assert.equal(maskValue('6222021234567890123', 'bank_card', key), '622202*********0123');
    assert.equal(maskValue('secret', 'drop', key), undefined);
    assert.equal(maskValue(null, 'id_number', key), null);
    assert.equal(maskValue('abc', 'none', key), 'abc');
  });

  it('hashes into a pseudonym that differs per grant key', () => {
    const a = maskValue('11010519491231002X', 'hash', 'grant-a');
    const b = maskValue('11010519491231002X', 'hash', 'grant-b');
    assert.match(String(a), /^[0-9a-f]{32}$/);
    assert.notEqual(a, b);
    assert.equal(a, maskValue('11010519491231002X', 'hash', 'grant-a'));
  });

  it('every rule has Chinese and English names for the console', () => {
    for (const [name, rule] of Object.entries(MASKING_RULES)) {
      assert.ok(rule.zh.length > 0 && rule.en.length > 0, name);
    }
  });
});
