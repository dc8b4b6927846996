import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { DEMO_CATALOG_ENTRIES } from './demo-entries.ts';
import {
  BASE_KINDS,
  CLASSIFICATIONS,
  DOMAINS,
  FORMAT_CATEGORIES,
  OPEN_CLASSES,
  ResourceContent,
  SHARE_CLASSES,
  UPDATE_CYCLES,
} from './model.ts';
import { checkResourceRules } from './rules.ts';

// The demo's organisation list (src/demo/demo.ts) is not exported; these are its department, utility
// and public-organisation codes, the ones that compile catalog entries.
const DEMO_ORG_CODES = [
  'GAJ',
  'SCJGJ',
  'RSJ',
  'WJW',
  'JYJ',
  'JTJ',
  'SHJJ',
  'QXJ',
  'MZJ',
  'ZRZYJ',
  'ZJJ',
  'SWJ',
  'SWJT',
  'GDGS',
  'RQGS',
  'GJJ',
];

const contents = DEMO_CATALOG_ENTRIES.map((entry) => entry.content);
const label = (index: number) =>
  `#${index} ${DEMO_CATALOG_ENTRIES[index]?.orgCode ?? ''} ${contents[index]?.name ?? ''}`;

function assertCovers(what: string, expected: readonly string[], actual: Iterable<string>) {
  const seen = new Set(actual);
  const missing = expected.filter((value) => !seen.has(value));
  assert.deepEqual(missing, [], `${what} not covered: ${missing.join(', ')}`);
}

describe('demo catalog entries', () => {
  it('holds at least 60 entries', () => {
    assert.ok(contents.length >= 60, `only ${contents.length} entries`);
  });

  it('every entry validates against the ResourceContent schema', () => {
    const failures = contents.flatMap((content, index) =>
      [...Value.Errors(ResourceContent, content)].map(
        (error) => `${label(index)}: ${error.path} ${error.message}`,
      ),
    );
    assert.deepEqual(failures, []);
  });

  it('every entry passes the submit rules', () => {
    const failures = contents.flatMap((content, index) =>
      Object.entries(checkResourceRules(content)).map(
        ([field, message]) => `${label(index)}: ${field} ${JSON.stringify(message)}`,
      ),
    );
    assert.deepEqual(failures, []);
  });

  it('covers every classification, base kind, class, cycle and format', () => {
    assertCovers(
      'classification',
      CLASSIFICATIONS,
      contents.map((content) => content.classification),
    );
    assertCovers(
      'base kind',
      BASE_KINDS,
      contents.flatMap((content) => (content.baseKind ? [content.baseKind] : [])),
    );
    assertCovers(
      'share class',
      SHARE_CLASSES,
      contents.map((content) => content.share.class),
    );
    assertCovers(
      'open class',
      OPEN_CLASSES,
      contents.map((content) => content.open.class),
    );
    assertCovers(
      'update cycle',
      UPDATE_CYCLES,
      contents.map((content) => content.updateCycle),
    );
    assertCovers(
      'format category',
      FORMAT_CATEGORIES,
      contents.map((content) => content.formatCategory),
    );
    // R5.2's priority open domains (all but "other").
    assertCovers(
      'priority domain',
      DOMAINS.filter((domain) => domain !== 'other'),
      contents.flatMap((content) => content.domains),
    );
  });

  it('covers every data type, validator kind, sensitivity and masking rule', () => {
    const items = contents.flatMap((content) => content.items);
    assertCovers(
      'data type',
      ['C', 'N', 'Y', 'D', 'T', 'L', 'M', 'G', 'B', 'I', 'F'],
      items.map((item) => item.type),
    );
    assertCovers(
      'validator',
      ['id_card', 'credit_code', 'mobile', 'region_code', 'date', 'enum', 'regex'],
      items.flatMap((item) => (item.validator ? [item.validator.kind] : [])),
    );
    assertCovers(
      'sensitivity',
      ['none', 'personal', 'sensitive_personal'],
      items.map((item) => item.sensitivity),
    );
    assertCovers(
      'masking',
      ['none', 'partial', 'hash', 'full'],
      items.map((item) => item.masking),
    );
  });

  it('names only organisations of the demo jurisdiction', () => {
    const unknown = DEMO_CATALOG_ENTRIES.filter((entry) => !DEMO_ORG_CODES.includes(entry.orgCode));
    assert.deepEqual(
      unknown.map((entry) => `${entry.orgCode} ${entry.content.name}`),
      [],
    );
  });

  it('has unique resource names', () => {
    const names = contents.map((content) => content.name);
    const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
    assert.deepEqual(duplicates, []);
  });

  it('declares each authoritative datum in exactly one resource (一数一源 material)', () => {
    const sources = new Map<string, string[]>();
    for (const [index, content] of contents.entries()) {
      for (const item of content.items.filter((candidate) => candidate.authoritative)) {
        sources.set(item.name, [...(sources.get(item.name) ?? []), label(index)]);
      }
    }
    const conflicts = [...sources].filter(([, resources]) => resources.length > 1);
    assert.deepEqual(conflicts, []);
    const expected: [string, string, string][] = [
      ['公民身份号码', 'GAJ', '户籍人口信息'],
      ['姓名', 'GAJ', '户籍人口信息'],
      ['统一社会信用代码', 'SCJGJ', '企业法人登记信息'],
    ];
    for (const [itemName, orgCode, resourceName] of expected) {
      const index = contents.findIndex((content) => content.name === resourceName);
      assert.equal(DEMO_CATALOG_ENTRIES[index]?.orgCode, orgCode);
      assert.deepEqual(sources.get(itemName), [label(index)]);
      // The same datum appears in other departments' resources, but not as their own source.
      const others = DEMO_CATALOG_ENTRIES.filter(
        (entry) =>
          entry.orgCode !== orgCode && entry.content.items.some((item) => item.name === itemName),
      );
      assert.ok(others.length >= 2, `${itemName} appears in too few other departments`);
    }
  });

  it('uses contact numbers that cannot be dialled', () => {
    // A Chinese local number never begins with 0 (the trunk prefix).
    for (const [index, content] of contents.entries()) {
      assert.match(content.contact.phone, /^0999-0\d{7}$/, label(index));
    }
  });
});
