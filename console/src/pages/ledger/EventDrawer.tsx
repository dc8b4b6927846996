import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Drawer, Skeleton, Space, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, downloadRequest } from '../../api';
import { LoadError, Mono } from '../../components/common';
import { errorText } from '../../errors';
import { downloadFile } from '../../excel';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { LedgerEventDetail } from './ledgerApi';
import { prettyBody, proofState } from './ledgerApi';
import { CodeBlock, KindTag, LeafIndexCell, OrgCell, OutcomeTag, ProofTag } from './LedgerParts';
import type { LocalCheck } from './verify';
import { canCheckLocally, checkLocally } from './verify';

function CheckTag({ ok }: { ok: boolean }) {
  const { t } = useTranslation();
  return (
    <Tag color={ok ? 'green' : 'red'}>
      {ok ? t('ledger.drawer.localOk') : t('ledger.drawer.localFail')}
    </Tag>
  );
}

/** 浏览器本地复核: the digest and the inclusion proof recomputed here with WebCrypto. */
function LocalCheckPanel({ detail }: { detail: LedgerEventDetail }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<LocalCheck | null>(null);
  const { proof, leaf, leafIndex } = detail;
  const available = canCheckLocally();

  useEffect(() => {
    setResult(null);
    if (!available || !proof || leaf === null || leafIndex === null) return;
    let live = true;
    void checkLocally({
      bodyText: detail.bodyText,
      digest: detail.digest,
      leaf,
      leafIndex,
      treeSize: proof.treeSize,
      rootHash: proof.rootHash,
      inclusion: proof.inclusion,
    })
      .then((r) => {
        if (live) setResult(r);
      })
      .catch(() => {
        if (live) setResult({ digest: false, inclusion: false });
      });
    return () => {
      live = false;
    };
  }, [available, detail.bodyText, detail.digest, leaf, leafIndex, proof]);

  if (!proof) return null;
  return (
    <div data-testid="ledger-local-check">
      <Space size={8} style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t('ledger.drawer.localCheck')}</Typography.Text>
        <Typography.Text type="secondary">{t('ledger.drawer.localCheckHint')}</Typography.Text>
      </Space>
      {!available ? (
        <Alert type="info" showIcon title={t('ledger.drawer.localUnavailable')} />
      ) : result ? (
        <Space orientation="vertical" size={4}>
          <Space size={6} data-testid="ledger-local-digest" data-ok={String(result.digest)}>
            <CheckTag ok={result.digest} />
            <span>{t('ledger.drawer.localDigest')}</span>
          </Space>
          <Space size={6} data-testid="ledger-local-inclusion" data-ok={String(result.inclusion)}>
            <CheckTag ok={result.inclusion} />
            <span>{t('ledger.drawer.localInclusion')}</span>
          </Space>
        </Space>
      ) : (
        <Skeleton active paragraph={{ rows: 1 }} title={false} />
      )}
    </div>
  );
}

/** One ledger event: the full event, its leaf, and its inclusion proof with the bundle download. */
export function EventDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);
  const detail = useAsync(
    async (signal) =>
      id === null ? null : api.get<LedgerEventDetail>(`/ledger/events/${String(id)}`, { signal }),
    id === null ? '' : String(id),
  );
  const event = detail.data && detail.data.id === id ? detail.data : null;

  const download = async () => {
    if (!event) return;
    setDownloading(true);
    try {
      const file = await downloadRequest(`/ledger/events/${String(event.id)}/bundle`);
      downloadFile(
        file.blob,
        file.fileName ?? `govdx-ledger-${String(event.id)}.json`,
        'application/json',
      );
      message.success(t('ledger.drawer.downloaded'));
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setDownloading(false);
    }
  };

  const basics: DescriptionsProps['items'] = event
    ? [
        { key: 'kind', label: t('ledger.drawer.kind'), children: <KindTag kind={event.kind} /> },
        { key: 'type', label: t('ledger.drawer.type'), children: <Mono>{event.type}</Mono> },
        {
          key: 'time',
          label: t('ledger.drawer.time'),
          children: formatDateTime(event.occurredAt),
        },
        {
          key: 'target',
          label: t('ledger.drawer.target'),
          children: event.target ? <Mono>{event.target}</Mono> : '—',
        },
        {
          key: 'org',
          label: t('ledger.drawer.org'),
          children: <OrgCell code={event.orgCode} name={event.orgName} />,
        },
        ...(event.otherOrgCode || event.otherOrgName
          ? [
              {
                key: 'other',
                label: t('ledger.drawer.otherOrg'),
                children: <OrgCell code={event.otherOrgCode} name={event.otherOrgName} />,
              },
            ]
          : []),
        { key: 'actor', label: t('ledger.drawer.actor'), children: event.actorName ?? '—' },
        {
          key: 'outcome',
          label: t('ledger.drawer.outcome'),
          children: <OutcomeTag outcome={event.outcome} />,
        },
        {
          key: 'digest',
          label: t('ledger.drawer.digest'),
          children: (
            <Typography.Text
              className="mono"
              copyable={{ text: event.digest }}
              style={{ wordBreak: 'break-all' }}
              data-testid="ledger-digest"
            >
              {event.digest}
            </Typography.Text>
          ),
        },
      ]
    : [];

  const proof = event?.proof ?? null;
  const proofItems: DescriptionsProps['items'] = event
    ? [
        {
          key: 'state',
          label: t('ledger.drawer.proofStatus'),
          children: (
            <Space size={8}>
              <ProofTag state={proofState(event)} />
              {event.proof ? null : (
                <Button
                  size="small"
                  icon={<ReloadOutlined />}
                  loading={detail.loading}
                  onClick={detail.reload}
                  data-testid="ledger-proof-reload"
                >
                  {t('ledger.refresh')}
                </Button>
              )}
            </Space>
          ),
        },
        {
          key: 'index',
          label: t('ledger.drawer.leafIndex'),
          children: <LeafIndexCell index={event.leafIndex} />,
        },
        ...(event.leafHash
          ? [
              {
                key: 'leafHash',
                label: t('ledger.drawer.leafHash'),
                children: (
                  <Typography.Text
                    className="mono"
                    copyable={{ text: event.leafHash }}
                    style={{ wordBreak: 'break-all' }}
                  >
                    {event.leafHash}
                  </Typography.Text>
                ),
              },
            ]
          : []),
        ...(proof
          ? [
              {
                key: 'size',
                label: t('ledger.drawer.treeSize'),
                children: <Mono>{proof.treeSize}</Mono>,
              },
              {
                key: 'root',
                label: t('ledger.drawer.rootHash'),
                children: (
                  <Typography.Text
                    className="mono"
                    copyable={{ text: proof.rootHash }}
                    style={{ wordBreak: 'break-all' }}
                  >
                    {proof.rootHash}
                  </Typography.Text>
                ),
              },
            ]
          : []),
      ]
    : [];

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={820}
      destroyOnHidden
      title={id === null ? '' : t('ledger.drawer.title', { id })}
      data-testid="ledger-drawer"
      extra={
        <Button
          type="primary"
          icon={<DownloadOutlined />}
          disabled={!proof}
          loading={downloading}
          title={proof ? t('ledger.drawer.downloadHint') : t('ledger.drawer.downloadUnavailable')}
          onClick={() => {
            void download();
          }}
          data-testid="ledger-download-bundle"
        >
          {t('ledger.drawer.download')}
        </Button>
      }
    >
      {detail.error ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : !event ? (
        <Skeleton active />
      ) : (
        <Space orientation="vertical" size={20} style={{ width: '100%' }}>
          <Descriptions
            size="small"
            bordered
            column={1}
            title={t('ledger.drawer.basics')}
            styles={{ label: { width: 180 } }}
            items={basics}
          />
          <Descriptions
            size="small"
            bordered
            column={1}
            title={t('ledger.drawer.proofTitle')}
            styles={{ label: { width: 180 } }}
            items={proofItems}
            data-testid="ledger-proof"
          />
          {event.leaf !== null ? (
            <div>
              <Typography.Text strong>{t('ledger.drawer.leaf')}</Typography.Text>
              <div style={{ marginTop: 8 }}>
                <CodeBlock testId="ledger-leaf">{event.leaf}</CodeBlock>
              </div>
            </div>
          ) : null}
          {proof ? (
            <div>
              <Typography.Text strong>
                {t('ledger.drawer.inclusion', { count: proof.inclusion.length })}
              </Typography.Text>
              <div style={{ marginTop: 8 }}>
                {proof.inclusion.length === 0 ? (
                  <Typography.Text type="secondary">
                    {t('ledger.drawer.inclusionEmpty')}
                  </Typography.Text>
                ) : (
                  <CodeBlock testId="ledger-inclusion" maxHeight={240}>
                    {proof.inclusion.map((h, i) => `${String(i + 1).padStart(2)}  ${h}`).join('\n')}
                  </CodeBlock>
                )}
              </div>
            </div>
          ) : null}
          <LocalCheckPanel detail={event} />
          <div>
            <Space size={8}>
              <Typography.Text strong>{t('ledger.drawer.body')}</Typography.Text>
              <Typography.Text type="secondary">{t('ledger.drawer.bodyHint')}</Typography.Text>
            </Space>
            <div style={{ marginTop: 8 }}>
              <CodeBlock testId="ledger-body" maxHeight={480}>
                {prettyBody(event)}
              </CodeBlock>
            </div>
          </div>
        </Space>
      )}
    </Drawer>
  );
}
