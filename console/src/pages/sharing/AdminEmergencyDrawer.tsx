import { DownloadOutlined, PoweroffOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { DescriptionsProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, downloadRequest } from '../../api';
import { LoadError, Mono } from '../../components/common';
import { errorText } from '../../errors';
import { downloadFile } from '../../excel';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { EmergencyGrant, EmergencyReport, ShareEmergency } from './adminApi';
import { formatNumber } from './adminApi';
import { loadLiveItems } from './AdminResourceRows';
import { EmergencyCountdown, EmergencyStatusTag, EmergencyTypeTag } from './AdminParts';

const GRANT_STATUS_COLORS: Record<string, string> = {
  active: 'success',
  scheduled: 'processing',
  expired: 'default',
  revoked: 'error',
};

function GrantStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = ['active', 'scheduled', 'expired', 'revoked'] as const;
  const label = (known as readonly string[]).includes(status)
    ? t(`shareAdmin.grantStatus.${status as (typeof known)[number]}`)
    : status;
  return <Tag color={GRANT_STATUS_COLORS[status] ?? 'default'}>{label}</Tag>;
}

type SummaryRow = EmergencyReport['summary'][number];

/** The items of an emergency resource by name (the API gives columns), from the catalog entry. */
function ItemNames({ resourceCode, columns }: { resourceCode: string; columns: string[] }) {
  const [names, setNames] = useState<Map<string, string> | null>(null);
  useEffect(() => {
    let active = true;
    loadLiveItems(resourceCode)
      .then((items) => {
        if (active) setNames(new Map(items.map((i) => [i.column, i.name])));
      })
      .catch(() => {
        if (active) setNames(new Map());
      });
    return () => {
      active = false;
    };
  }, [resourceCode]);
  return (
    <Space size={[2, 2]} wrap>
      {columns.map((column) => (
        <Tooltip key={column} title={column}>
          <Tag>{names?.get(column) ?? column}</Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

/** 结束应急: a note and a confirmation; the grants end at once. */
function EndModal({
  emergency,
  open,
  onClose,
  onEnded,
}: {
  emergency: ShareEmergency;
  open: boolean;
  onClose: () => void;
  onEnded: (ended: ShareEmergency) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const values = form.getFieldsValue();
    setBusy(true);
    setError(null);
    try {
      onEnded(
        await api.post<ShareEmergency>(
          `/share/emergencies/${encodeURIComponent(emergency.code)}/end`,
          values.note?.trim() ? { note: values.note.trim() } : {},
        ),
      );
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('shareAdmin.emergencies.endTitle', { title: emergency.title })}
      okText={t('shareAdmin.emergencies.end')}
      okButtonProps={{ danger: true, 'data-testid': 'emergency-end-ok' }}
      confirmLoading={busy}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title={t('shareAdmin.emergencies.endConfirm', {
          count: emergency.grants.filter((g) => g.status === 'active').length,
        })}
        style={{ marginBottom: 16 }}
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item name="note" label={t('shareAdmin.emergencies.endNote')}>
          <Input.TextArea
            rows={3}
            maxLength={2000}
            showCount
            placeholder={t('shareAdmin.emergencies.endNotePlaceholder')}
            data-testid="emergency-end-note"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 应急详情: the declaration, the time-boxed grants it issued, the accesses made under it per
 * responder and resource, the report download, and 结束应急 for the authority.
 */
export function AdminEmergencyDrawer({
  code,
  canEnd,
  canReport,
  onClose,
  onChanged,
}: {
  code: string | null;
  canEnd: boolean;
  /** The report is for the authority and auditors (supervision of emergency use). */
  canReport: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [ending, setEnding] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const detail = useAsync(
    async (signal) =>
      code
        ? api.get<ShareEmergency>(`/share/emergencies/${encodeURIComponent(code)}`, { signal })
        : null,
    code ?? '',
  );
  const report = useAsync(
    async (signal) =>
      code && canReport
        ? api.get<EmergencyReport>(`/share/emergencies/${encodeURIComponent(code)}/report`, {
            signal,
            query: { format: 'json' },
          })
        : null,
    code ?? '',
  );
  const emergency = detail.data;
  const num = (n: number | null) => formatNumber(n, i18n.language);

  const download = async () => {
    if (!emergency) return;
    setDownloading(true);
    try {
      const file = await downloadRequest(
        `/share/emergencies/${encodeURIComponent(emergency.code)}/report`,
        { format: 'xlsx' },
      );
      downloadFile(
        file.blob,
        file.fileName ?? t('shareAdmin.emergencies.reportFile', { code: emergency.code }),
      );
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setDownloading(false);
    }
  };

  const orgNames = new Map(emergency?.responders.map((r) => [r.orgCode, r.orgName]) ?? []);
  const resourceNames = new Map(
    emergency?.resources.map((r) => [r.resourceCode, r.resourceName]) ?? [],
  );

  const items: DescriptionsProps['items'] = emergency
    ? [
        {
          key: 'type',
          label: t('shareAdmin.emergencies.type'),
          children: <EmergencyTypeTag type={emergency.type} />,
        },
        {
          key: 'status',
          label: t('shareAdmin.emergencies.status'),
          children: (
            <Space size={4}>
              <EmergencyStatusTag status={emergency.status} />
              <EmergencyCountdown plannedEndAt={emergency.plannedEndAt} status={emergency.status} />
            </Space>
          ),
        },
        {
          key: 'title',
          label: t('shareAdmin.emergencies.titleLabel'),
          span: 2,
          children: emergency.title,
        },
        {
          key: 'area',
          label: t('shareAdmin.emergencies.area'),
          span: 2,
          children: emergency.area,
        },
        {
          key: 'starts',
          label: t('shareAdmin.emergencies.startsAt'),
          children: formatDateTime(emergency.startsAt),
        },
        {
          key: 'planned',
          label: t('shareAdmin.emergencies.plannedEnd'),
          children: formatDateTime(emergency.plannedEndAt),
        },
        ...(emergency.endedAt
          ? [
              {
                key: 'ended',
                label: t('shareAdmin.emergencies.endedAt'),
                span: 2,
                children: (
                  <Space orientation="vertical" size={0}>
                    <span>{formatDateTime(emergency.endedAt)}</span>
                    {emergency.endNote ? (
                      <span className="pre-wrap">{emergency.endNote}</span>
                    ) : null}
                  </Space>
                ),
              },
            ]
          : []),
        {
          key: 'declared',
          label: t('shareAdmin.emergencies.declaredBy'),
          span: 2,
          children: `${emergency.declaredBy} · ${formatDateTime(emergency.createdAt)}`,
        },
        {
          key: 'resources',
          label: t('shareAdmin.emergencies.resources'),
          span: 2,
          children: (
            <Space orientation="vertical" size={4}>
              {emergency.resources.map((r) => (
                <div key={r.resourceCode}>
                  <span>{r.resourceName}</span> <Mono>{r.resourceCode}</Mono>
                  <div>
                    <ItemNames resourceCode={r.resourceCode} columns={r.items} />
                  </div>
                </div>
              ))}
            </Space>
          ),
        },
        {
          key: 'responders',
          label: t('shareAdmin.emergencies.responders'),
          span: 2,
          children: (
            <Space size={[4, 4]} wrap>
              {emergency.responders.map((r) => (
                <Tag key={r.orgCode}>{r.orgName}</Tag>
              ))}
            </Space>
          ),
        },
      ]
    : [];

  const summary = report.data?.summary ?? [];

  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      size={800}
      title={code ? t('shareAdmin.emergencies.detailTitle', { code }) : ''}
      destroyOnHidden
      data-testid="emergency-drawer"
      extra={
        emergency ? (
          <Space>
            {canReport ? (
              <Button
                icon={<DownloadOutlined />}
                loading={downloading}
                onClick={() => {
                  void download();
                }}
                data-testid="emergency-report"
              >
                {t('shareAdmin.emergencies.downloadReport')}
              </Button>
            ) : null}
            {canEnd && emergency.status === 'active' ? (
              <Button
                danger
                type="primary"
                icon={<PoweroffOutlined />}
                onClick={() => {
                  setEnding(true);
                }}
                data-testid="emergency-end"
              >
                {t('shareAdmin.emergencies.end')}
              </Button>
            ) : null}
          </Space>
        ) : null
      }
    >
      {detail.error ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : !emergency ? (
        <div className="page-loading">
          <Spin />
        </div>
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {emergency.status === 'active' ? (
            <Alert type="warning" showIcon title={t('shareAdmin.emergencies.activeNotice')} />
          ) : (
            <Alert type="info" showIcon title={t('shareAdmin.emergencies.endedNotice')} />
          )}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={items}
            styles={{ label: { width: 120 } }}
          />
          <Space size={48}>
            <Statistic
              title={t('shareAdmin.emergencies.grantCount')}
              value={emergency.grants.length}
            />
            <Statistic
              title={t('shareAdmin.emergencies.accessCount')}
              value={num(emergency.accessCount)}
              data-testid="emergency-access-count"
            />
          </Space>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('shareAdmin.emergencies.grantsTitle')}
          </Typography.Title>
          <Table<EmergencyGrant>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={emergency.grants}
            locale={{ emptyText: t('shareAdmin.emergencies.noGrants') }}
            data-testid="emergency-grants"
            columns={[
              {
                title: t('shareAdmin.emergencies.responder'),
                key: 'org',
                render: (_: unknown, g) => orgNames.get(g.consumerOrgCode) ?? g.consumerOrgCode,
              },
              {
                title: t('shareAdmin.emergencies.resource'),
                key: 'resource',
                render: (_: unknown, g) => resourceNames.get(g.resourceCode) ?? g.resourceCode,
              },
              {
                title: t('shareAdmin.emergencies.grantStatus'),
                dataIndex: 'status',
                width: 100,
                render: (s: string) => <GrantStatusTag status={s} />,
              },
              {
                title: t('shareAdmin.emergencies.grantId'),
                dataIndex: 'id',
                width: 160,
                render: (id: string) => (
                  <Typography.Text
                    className="mono"
                    copyable={{ text: id }}
                    style={{ fontSize: 12 }}
                  >
                    {id.length > 12 ? `${id.slice(0, 12)}…` : id}
                  </Typography.Text>
                ),
              },
            ]}
          />
          {canReport ? (
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('shareAdmin.emergencies.summaryTitle')}
            </Typography.Title>
          ) : null}
          {!canReport ? null : report.error ? (
            <LoadError error={report.error} onRetry={report.reload} />
          ) : report.loading && !report.data ? (
            <Spin />
          ) : summary.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={t('shareAdmin.emergencies.noAccess')}
              data-testid="emergency-summary-empty"
            />
          ) : (
            <Table<SummaryRow>
              rowKey={(r) => `${r.consumerOrgCode ?? ''}|${r.resourceCode ?? ''}`}
              size="small"
              pagination={false}
              dataSource={summary}
              data-testid="emergency-summary"
              columns={[
                {
                  title: t('shareAdmin.emergencies.responder'),
                  key: 'org',
                  render: (_: unknown, r) => r.consumerOrgName ?? r.consumerOrgCode ?? '—',
                },
                {
                  title: t('shareAdmin.emergencies.resource'),
                  key: 'resource',
                  render: (_: unknown, r) => r.resourceName ?? r.resourceCode ?? '—',
                },
                {
                  title: t('shareAdmin.emergencies.calls'),
                  dataIndex: 'calls',
                  align: 'right',
                  width: 100,
                  render: (n: number) => num(n),
                },
                {
                  title: t('shareAdmin.emergencies.denied'),
                  dataIndex: 'denied',
                  align: 'right',
                  width: 100,
                  render: (n: number) =>
                    n > 0 ? <Typography.Text type="danger">{num(n)}</Typography.Text> : '0',
                },
                {
                  title: t('shareAdmin.emergencies.rows'),
                  dataIndex: 'rows',
                  align: 'right',
                  width: 100,
                  render: (n: number) => num(n),
                },
              ]}
            />
          )}
        </Space>
      )}
      {emergency ? (
        <EndModal
          emergency={emergency}
          open={ending}
          onClose={() => {
            setEnding(false);
          }}
          onEnded={(ended) => {
            setEnding(false);
            message.success(t('shareAdmin.emergencies.ended', { title: ended.title }));
            detail.reload();
            report.reload();
            onChanged();
          }}
        />
      ) : null}
    </Drawer>
  );
}
