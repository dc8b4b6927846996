import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Row,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { LoadError, Mono } from '../../components/common';
import { formatDateTime } from '../../format';
import type { AsyncState } from '../../hooks';
import { formatNumber } from '../sharing/adminApi';
import { CopyButton } from '../sharing/ShareParts';
import type { LedgerCosignature, LedgerStatus, LedgerWitness } from './ledgerApi';
import { CodeBlock } from './LedgerParts';

export const STATUS_REFRESH_SECONDS = 10;

/** 最新检查点: tree size, root, the signed note, the log's key, cosignatures and witnesses. */
export function CheckpointCard({ status }: { status: AsyncState<LedgerStatus> }) {
  const { t, i18n } = useTranslation();
  const data = status.data;
  const checkpoint = data?.checkpoint ?? null;
  const currentKey = data?.keys.find((k) => k.retiredAt === null) ?? data?.keys[0];
  const num = (n: number | null | undefined) => formatNumber(n, i18n.language);

  const cosignColumns: TableColumnsType<LedgerCosignature> = [
    {
      title: t('ledger.status.witness'),
      dataIndex: 'witness',
      render: (v: string) => (
        <Space size={4}>
          <Tag color="green">{t('ledger.status.cosigned')}</Tag>
          <Mono>{v}</Mono>
        </Space>
      ),
    },
    {
      title: t('ledger.status.keyId'),
      dataIndex: 'keyId',
      width: 120,
      render: (v: string) => <Mono>{v}</Mono>,
    },
    {
      title: t('ledger.status.cosignedAt'),
      dataIndex: 'cosignedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];

  const witnessColumns: TableColumnsType<LedgerWitness> = [
    {
      title: t('ledger.status.witness'),
      dataIndex: 'name',
      render: (v: string, w) => (
        <Tooltip title={<span className="mono">{w.verifierKey}</span>}>
          <span className="mono">{v}</span>
        </Tooltip>
      ),
    },
    {
      title: t('ledger.status.lastCosignedSize'),
      dataIndex: 'lastCosignedSize',
      width: 150,
      render: (v: number | null) =>
        v === null ? (
          <Tag>{t('ledger.status.notCosigned')}</Tag>
        ) : (
          <Tag color="green">
            {t('ledger.status.cosigned')} · {num(v)}
          </Tag>
        ),
    },
    {
      title: t('ledger.status.lastCosignedAt'),
      dataIndex: 'lastCosignedAt',
      width: 170,
      render: (v: string | null) => formatDateTime(v),
    },
  ];

  const body = (() => {
    if (!data) {
      return status.error ? (
        <LoadError error={status.error} onRetry={status.reload} />
      ) : (
        <Skeleton active />
      );
    }
    return (
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Statistic
              title={t('ledger.status.treeSize')}
              value={checkpoint?.treeSize ?? data.treeSize}
              formatter={(v) => (
                <span data-testid="ledger-tree-size" data-value={String(v)}>
                  {num(Number(v))}
                </span>
              )}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={
                <Tooltip title={t('ledger.status.pendingHint')}>
                  <span className="dotted">{t('ledger.status.pending')}</span>
                </Tooltip>
              }
              value={data.pending}
              formatter={(v) => <span data-testid="ledger-pending">{num(Number(v))}</span>}
            />
          </Col>
          <Col xs={24} md={12}>
            <Statistic
              title={t('ledger.status.checkpointAt')}
              value={checkpoint ? formatDateTime(checkpoint.createdAt) : '—'}
            />
          </Col>
        </Row>
        {checkpoint ? null : (
          <Alert
            type="info"
            showIcon
            title={t('ledger.status.noCheckpoint')}
            description={t('ledger.status.noCheckpointHint')}
            data-testid="ledger-no-checkpoint"
          />
        )}
        <Descriptions
          size="small"
          column={1}
          bordered
          styles={{ label: { width: 200 } }}
          items={[
            {
              key: 'origin',
              label: t('ledger.status.origin'),
              children: <Mono>{data.origin}</Mono>,
            },
            ...(checkpoint
              ? [
                  {
                    key: 'root',
                    label: t('ledger.status.rootHash'),
                    children: (
                      <Typography.Text
                        className="mono"
                        copyable={{ text: checkpoint.rootHash }}
                        data-testid="ledger-root-hash"
                      >
                        {checkpoint.rootHash}
                      </Typography.Text>
                    ),
                  },
                ]
              : []),
            {
              key: 'key',
              label: (
                <Tooltip title={t('ledger.status.verifierKeyHint')}>
                  <span className="dotted">{t('ledger.status.verifierKey')}</span>
                </Tooltip>
              ),
              children: currentKey ? (
                <Typography.Text
                  className="mono"
                  copyable={{ text: currentKey.verifierKey }}
                  style={{ wordBreak: 'break-all' }}
                  data-testid="ledger-verifier-key"
                >
                  {currentKey.verifierKey}
                </Typography.Text>
              ) : (
                '—'
              ),
            },
            ...(data.keys.length > 1
              ? [
                  {
                    key: 'keys',
                    label: t('ledger.status.keys'),
                    children: (
                      <Space orientation="vertical" size={2}>
                        {data.keys.map((k) => (
                          <Space key={k.keyId} size={6} wrap>
                            <Mono>{k.keyId}</Mono>
                            {k.retiredAt ? (
                              <Tag>
                                {t('ledger.status.keyRetired', {
                                  time: formatDateTime(k.retiredAt),
                                })}
                              </Tag>
                            ) : (
                              <Tag color="blue">{t('ledger.status.keyCurrent')}</Tag>
                            )}
                          </Space>
                        ))}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
        {checkpoint ? (
          <div>
            <div className="table-toolbar" style={{ marginBottom: 8 }}>
              <Space size={8}>
                <Typography.Text strong>{t('ledger.status.note')}</Typography.Text>
                <Typography.Text type="secondary">{t('ledger.status.noteHint')}</Typography.Text>
              </Space>
              <CopyButton text={checkpoint.note} testId="ledger-note-copy" />
            </div>
            <CodeBlock testId="ledger-note">{checkpoint.note}</CodeBlock>
          </div>
        ) : null}
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={12}>
            <Typography.Text strong>{t('ledger.status.cosignatures')}</Typography.Text>
            <Table<LedgerCosignature>
              rowKey={(c) => `${c.witness}|${c.keyId}`}
              size="small"
              pagination={false}
              style={{ marginTop: 8 }}
              columns={cosignColumns}
              dataSource={checkpoint?.cosignatures ?? []}
              locale={{ emptyText: t('ledger.status.noCosignatures') }}
              data-testid="ledger-cosignatures"
            />
          </Col>
          <Col xs={24} xl={12}>
            <Typography.Text strong>{t('ledger.status.witnesses')}</Typography.Text>
            <Table<LedgerWitness>
              rowKey="name"
              size="small"
              pagination={false}
              style={{ marginTop: 8 }}
              columns={witnessColumns}
              dataSource={data.witnesses}
              locale={{ emptyText: t('ledger.status.noWitnesses') }}
              data-testid="ledger-witnesses"
            />
          </Col>
        </Row>
      </Space>
    );
  })();

  return (
    <Card
      title={t('ledger.status.title')}
      data-testid="ledger-checkpoint"
      extra={
        <Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('ledger.status.autoRefresh', { seconds: STATUS_REFRESH_SECONDS })}
          </Typography.Text>
          <Button
            size="small"
            icon={<ReloadOutlined />}
            loading={status.loading && data !== undefined}
            onClick={status.reload}
            data-testid="ledger-status-refresh"
          >
            {t('ledger.refresh')}
          </Button>
        </Space>
      }
    >
      {body}
    </Card>
  );
}
