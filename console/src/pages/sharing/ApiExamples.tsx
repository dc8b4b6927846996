/**
 * How the consumer's business system calls the data API under a grant (issue 5 data API): curl and
 * TypeScript (fetch) for key lookup, query, verification and export, with the headers the gate
 * reads: the system's API token, X-Govdx-Grant, and the end user and case the call serves (R4.8).
 */
import { Alert, Space, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Grant } from './share';
import { CopyButton } from './ShareParts';

const CODE_STYLE = {
  margin: 0,
  padding: '12px 14px',
  paddingRight: 90,
  background: '#f6f8fa',
  border: '1px solid #d0d7de',
  borderRadius: 6,
  fontSize: 12,
  lineHeight: 1.6,
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-all',
} as const;

interface Example {
  key: string;
  title: string;
  curl: string;
  ts: string;
}

function placeholderFor(column: string): string {
  if (/id_card|id_no|idcard/.test(column)) return '990102198503121234';
  if (/credit_code/.test(column)) return '91990100MA0000000X';
  if (/plate/.test(column)) return '示A12345';
  return `<${column}>`;
}

export function buildExamples(grant: Grant, origin: string, labels: Record<string, string>) {
  const base = `${origin}/api/v1/share/${grant.resourceCode}`;
  const keyItems = grant.items.filter((i) => i.key);
  const filterItem = grant.items.find((i) => i.key || i.queryable) ?? grant.items[0];
  const keyValue = keyItems.length
    ? keyItems.map((i) => placeholderFor(i.column)).join('|')
    : '<key>';
  const encodedKey =
    keyItems.length === 1 ? keyValue : `<${keyItems.map((i) => i.column).join('|')}>`;
  const curlHeaders = [
    `  -H "Authorization: Bearer $GOVDX_TOKEN" \\`,
    `  -H "X-Govdx-Grant: ${grant.id}" \\`,
    `  -H "X-Govdx-User: ${encodeURIComponent('张三')}" \\`,
    `  -H "X-Govdx-Case: SJ-2026-000123" \\`,
  ];
  const tsHeaders = `const headers = {
  Authorization: \`Bearer \${process.env.GOVDX_TOKEN}\`,
  'X-Govdx-Grant': '${grant.id}',
  // The end user and the case the call serves, percent-encoded (R4.8: purpose-bound use).
  'X-Govdx-User': encodeURIComponent('张三'),
  'X-Govdx-Case': encodeURIComponent('SJ-2026-000123'),
};`;
  const ops = new Set(grant.operations);
  const examples: Example[] = [];
  if (ops.has('lookup')) {
    examples.push({
      key: 'lookup',
      title: labels.lookup ?? 'lookup',
      curl: [`curl -sS \\`, ...curlHeaders, `  "${base}/records/${encodedKey}"`].join('\n'),
      ts: `${tsHeaders}

const key = ${JSON.stringify(keyValue)}; // ${keyItems.map((i) => i.name).join(' | ') || 'key'}
const res = await fetch(\`${base}/records/\${encodeURIComponent(key)}\`, { headers });
if (!res.ok) throw new Error(\`\${res.status} \${await res.text()}\`);
const { record, provenance } = await res.json();`,
    });
    const body = {
      filters: filterItem
        ? [{ item: filterItem.column, op: 'eq', value: placeholderFor(filterItem.column) }]
        : [],
      limit: 20,
    };
    examples.push({
      key: 'query',
      title: labels.query ?? 'query',
      curl: [
        `curl -sS -X POST \\`,
        ...curlHeaders,
        `  -H "Content-Type: application/json" \\`,
        `  -d '${JSON.stringify(body)}' \\`,
        `  "${base}/query"`,
      ].join('\n'),
      ts: `${tsHeaders}

const res = await fetch('${base}/query', {
  method: 'POST',
  headers: { ...headers, 'Content-Type': 'application/json' },
  body: JSON.stringify(${JSON.stringify(body, null, 2).replace(/\n/g, '\n  ')}),
});
const { items, nextCursor } = await res.json(); // pass nextCursor back as "cursor" for the next page`,
    });
  }
  if (ops.has('verify')) {
    const record: Record<string, string> = {};
    for (const item of grant.items.slice(0, 2)) record[item.column] = placeholderFor(item.column);
    const body = { records: [record] };
    examples.push({
      key: 'verify',
      title: labels.verify ?? 'verify',
      curl: [
        `curl -sS -X POST \\`,
        ...curlHeaders,
        `  -H "Content-Type: application/json" \\`,
        `  -d '${JSON.stringify(body)}' \\`,
        `  "${base}/verify"`,
      ].join('\n'),
      ts: `${tsHeaders}

const res = await fetch('${base}/verify', {
  method: 'POST',
  headers: { ...headers, 'Content-Type': 'application/json' },
  body: JSON.stringify(${JSON.stringify(body)}),
});
const { results } = await res.json(); // [{ index, match, fields: { column: true|false } }]`,
    });
  }
  if (ops.has('export')) {
    examples.push({
      key: 'export',
      title: labels.export ?? 'export',
      curl: [
        `curl -sS \\`,
        ...curlHeaders,
        `  -o ${grant.resourceCode}.csv \\`,
        `  "${base}/export?format=csv"`,
        ``,
        `# ${labels.changes ?? 'changes'}`,
        `curl -sS \\`,
        ...curlHeaders,
        `  "${base}/changes?since=2026-01-01T00:00:00Z&limit=1000"`,
      ].join('\n'),
      ts: `${tsHeaders}

const res = await fetch('${base}/export?format=ndjson', { headers });
for (const line of (await res.text()).split('\\n').filter(Boolean)) {
  const row = JSON.parse(line);
  // ...
}`,
    });
  }
  return examples;
}

export function ApiExamples({ grant }: { grant: Grant }) {
  const { t } = useTranslation();
  const examples = buildExamples(grant, window.location.origin, {
    lookup: t('share.api.lookup'),
    query: t('share.api.query'),
    verify: t('share.api.verify'),
    export: t('share.api.export'),
    changes: t('share.api.changes'),
  });
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="grant-api">
      <Alert
        type="info"
        showIcon
        title={t('share.api.intro')}
        description={
          <Space orientation="vertical" size={2}>
            <span>{t('share.api.headerToken')}</span>
            <span>{t('share.api.headerGrant', { id: grant.id })}</span>
            <span>{t('share.api.headerTrace')}</span>
            {grant.tokenName ? (
              <span>{t('share.api.tokenBound', { name: grant.tokenName })}</span>
            ) : null}
          </Space>
        }
      />
      {examples.length === 0 ? (
        <Typography.Text type="secondary">{t('share.api.none')}</Typography.Text>
      ) : (
        examples.map((ex) => (
          <div key={ex.key}>
            <Typography.Text strong>{ex.title}</Typography.Text>
            <Tabs
              size="small"
              items={[
                { key: 'curl', label: 'curl', code: ex.curl },
                { key: 'ts', label: 'TypeScript', code: ex.ts },
              ].map((tab) => ({
                key: tab.key,
                label: tab.label,
                children: (
                  <div style={{ position: 'relative' }}>
                    <div style={{ position: 'absolute', top: 8, right: 8 }}>
                      <CopyButton text={tab.code} testId={`api-copy-${ex.key}-${tab.key}`} />
                    </div>
                    <pre
                      className="mono"
                      style={CODE_STYLE}
                      data-testid={`api-${ex.key}-${tab.key}`}
                    >
                      {tab.code}
                    </pre>
                  </div>
                ),
              }))}
            />
          </div>
        ))
      )}
    </Space>
  );
}
