import { Collapse, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { API_BASE } from '../../api';
import { CodeBlock } from './LedgerParts';

/** 外部核验说明: how someone outside the platform checks a proof bundle and the public log. */
export function VerifyGuide({ verifierKey }: { verifierKey: string | null }) {
  const { t } = useTranslation();
  const base = `${window.location.origin}${API_BASE}/ledger`;
  const endpoints: [string, string][] = [
    [`GET ${base}/checkpoint`, t('ledger.guide.endpointCheckpoint')],
    [`GET ${base}/verifier-key`, t('ledger.guide.endpointKey')],
    [`GET ${base}/verifier-keys`, t('ledger.guide.endpointKeys')],
    [`GET ${base}/entries/{index}`, t('ledger.guide.endpointEntry')],
    [`GET ${base}/proofs/inclusion?index=<i>&size=<n>`, t('ledger.guide.endpointInclusion')],
    [`GET ${base}/proofs/consistency?old=<m>&new=<n>`, t('ledger.guide.endpointConsistency')],
  ];
  const command = `govdx ledger check-bundle govdx-ledger-<id>.json --verifier-key '${
    verifierKey ?? '<verifier key>'
  }'`;
  const fetchKey = `curl -s ${base}/verifier-key`;

  return (
    <Collapse
      data-testid="ledger-guide"
      items={[
        {
          key: 'guide',
          label: <span data-testid="ledger-guide-title">{t('ledger.guide.title')}</span>,
          children: (
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              <Typography.Text>{t('ledger.guide.intro')}</Typography.Text>
              <ol style={{ margin: 0, paddingInlineStart: 20 }}>
                <li>{t('ledger.guide.step1')}</li>
                <li>
                  {t('ledger.guide.step2')}
                  <div style={{ marginTop: 6 }}>
                    <CodeBlock>{fetchKey}</CodeBlock>
                  </div>
                </li>
                <li>
                  {t('ledger.guide.step3')}
                  <div style={{ marginTop: 6 }}>
                    <CodeBlock testId="ledger-guide-command">{command}</CodeBlock>
                  </div>
                </li>
                <li>{t('ledger.guide.step4')}</li>
              </ol>
              <Typography.Text strong>{t('ledger.guide.endpoints')}</Typography.Text>
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {endpoints.map(([path, what]) => (
                  <li key={path}>
                    <Typography.Text className="mono" copyable={{ text: path.slice(4) }}>
                      {path}
                    </Typography.Text>
                    <Typography.Text type="secondary"> — {what}</Typography.Text>
                  </li>
                ))}
              </ul>
            </Space>
          ),
        },
      ]}
    />
  );
}
