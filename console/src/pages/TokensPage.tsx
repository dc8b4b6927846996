import { CopyOutlined, PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useMe } from '../auth';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../components/common';
import { applyFieldErrors, errorText, isForbidden } from '../errors';
import { beforePlatformToday, filterOptionByLabel, formatDate, formatDateTime } from '../format';
import { useAsync, useOrgs, useRetained } from '../hooks';
import type { ListResponse, Org, Token } from '../types';

type TokenStatus = 'active' | 'revoked' | 'expired';

function tokenStatus(token: Token): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && dayjs(token.expiresAt).endOf('day').isBefore(dayjs())) return 'expired';
  return 'active';
}

const STATUS_COLOR: Record<TokenStatus, string> = {
  active: 'success',
  revoked: 'error',
  expired: 'default',
};

interface CreateValues {
  orgCode: string;
  name: string;
  expiresAt?: Dayjs | null;
}

function CreateTokenModal({
  open,
  orgOptions,
  defaultOrg,
  onClose,
  onCreated,
}: {
  open: boolean;
  orgOptions: { value: string; label: string }[];
  defaultOrg: string | undefined;
  onClose: () => void;
  onCreated: (result: { token: Token; secret: string }) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    let values: CreateValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const result = await api.post<{ token: Token; secret: string }>('/tokens', {
        orgCode: values.orgCode,
        name: values.name.trim(),
        ...(values.expiresAt ? { expiresAt: values.expiresAt.format('YYYY-MM-DD') } : {}),
      });
      onCreated(result);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('tokens.create')}
      okText={t('common.create')}
      confirmLoading={submitting}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'token-form-submit' }}
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ orgCode: defaultOrg }}
      >
        <Form.Item
          name="orgCode"
          label={t('tokens.org')}
          rules={[{ required: true, message: t('tokens.orgRequired') }]}
        >
          <Select
            showSearch={{ filterOption: filterOptionByLabel }}
            options={orgOptions}
            data-testid="token-form-org"
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('tokens.name')}
          rules={[{ required: true, whitespace: true, message: t('tokens.nameRequired') }]}
        >
          <Input maxLength={100} data-testid="token-form-name" />
        </Form.Item>
        <Form.Item name="expiresAt" label={t('tokens.expiresAt')} extra={t('tokens.expiresHint')}>
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => beforePlatformToday(d)}
            data-testid="token-form-expires"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function SecretModal({
  created,
  onClose,
}: {
  created: { token: Token; secret: string } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const shown = useRetained(created);
  const secret = shown?.secret ?? null;
  const token = shown?.token ?? null;
  const { message } = App.useApp();

  const secretRef = useRef<HTMLDivElement>(null);

  const copy = async () => {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
      message.success(t('common.copied'));
    } catch {
      // No clipboard access (e.g. plain http on a non-local host): select the text instead.
      const box = secretRef.current;
      if (box) window.getSelection()?.selectAllChildren(box);
      message.warning(t('common.copyFailed'));
    }
  };

  return (
    <Modal
      open={created !== null}
      title={t('tokens.secretTitle')}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      width={600}
      footer={
        <Button type="primary" onClick={onClose} data-testid="token-secret-done">
          {t('tokens.secretDone')}
        </Button>
      }
    >
      <Alert
        type="warning"
        showIcon
        title={t('tokens.secretWarning')}
        style={{ marginBottom: 16 }}
      />
      {token ? (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {token.name} · {token.orgCode}
        </Typography.Paragraph>
      ) : null}
      <Typography.Text strong>{t('tokens.secretLabel')}</Typography.Text>
      <div
        ref={secretRef}
        className="secret-box mono"
        style={{ marginTop: 8 }}
        data-testid="token-secret"
      >
        {secret}
      </div>
      <Button
        icon={<CopyOutlined />}
        style={{ marginTop: 12 }}
        onClick={() => {
          void copy();
        }}
        data-testid="token-secret-copy"
      >
        {t('common.copy')}
      </Button>
    </Modal>
  );
}

function RevokeModal({
  target,
  onClose,
  onRevoked,
}: {
  target: Token | null;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const { t } = useTranslation();
  const token = useRetained(target);
  const [form] = Form.useForm<{ reason: string }>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (!token) return;
    let values: { reason: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await api.post<Token>(`/tokens/${encodeURIComponent(token.id)}/revoke`, {
        reason: values.reason.trim(),
      });
      onRevoked();
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={token ? t('tokens.revokeTitle', { name: token.name }) : ''}
      okText={t('tokens.revoke')}
      okButtonProps={{ danger: true }}
      confirmLoading={submitting}
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
        title={t('tokens.revokeWarning')}
        style={{ marginBottom: 16 }}
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={t('tokens.revokeReason')}
          rules={[{ required: true, whitespace: true, message: t('tokens.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="token-revoke-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function TokensPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [orgCode, setOrgCode] = useState<string | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: Token; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const orgs = useOrgs();
  const list = useAsync(
    async (signal) =>
      (await api.get<ListResponse<Token>>('/tokens', { signal, query: { orgCode } })).items,
    orgCode ?? '',
  );

  const orgOptions = useMemo(() => {
    const source: Pick<Org, 'code' | 'name'>[] =
      orgs.data && orgs.data.length > 0
        ? orgs.data
        : me.memberships.map((m) => ({ code: m.orgCode, name: m.orgName }));
    return source.map((o) => ({ value: o.code, label: `${o.name}（${o.code}）` }));
  }, [orgs.data, me]);
  const orgName = useMemo(() => {
    const map = new Map<string, string>();
    for (const m of me.memberships) map.set(m.orgCode, m.orgName);
    for (const o of orgs.data ?? []) map.set(o.code, o.name);
    return map;
  }, [orgs.data, me]);

  if (list.error && isForbidden(list.error)) return <ForbiddenResult />;

  const columns: TableColumnsType<Token> = [
    { title: t('tokens.name'), dataIndex: 'name', width: 170, ellipsis: true },
    {
      title: t('tokens.org'),
      dataIndex: 'orgCode',
      width: 170,
      ellipsis: { showTitle: false },
      render: (code: string) => (
        <Tooltip title={code} placement="topLeft">
          <span>{orgName.get(code) ?? code}</span>
        </Tooltip>
      ),
    },
    {
      title: t('tokens.prefix'),
      dataIndex: 'prefix',
      width: 120,
      render: (p: string) => <Mono>{p}…</Mono>,
    },
    {
      title: t('tokens.status'),
      key: 'status',
      width: 90,
      render: (_: unknown, tok) => {
        const status = tokenStatus(tok);
        const tag = <Tag color={STATUS_COLOR[status]}>{t(`tokens.${status}`)}</Tag>;
        return tok.revokeReason ? (
          <Tooltip title={`${t('tokens.revokeReason')}：${tok.revokeReason}`}>{tag}</Tooltip>
        ) : (
          tag
        );
      },
    },
    {
      title: t('tokens.expiresAt'),
      dataIndex: 'expiresAt',
      width: 110,
      render: (v: string | null) => (v ? formatDate(v) : t('tokens.never')),
    },
    {
      title: t('tokens.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      width: 165,
      render: (v: string | null) =>
        v ? (
          formatDateTime(v)
        ) : (
          <Typography.Text type="secondary">{t('tokens.neverUsed')}</Typography.Text>
        ),
    },
    {
      title: t('common.createdAt'),
      dataIndex: 'createdAt',
      width: 165,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_: unknown, tok) =>
        tok.revokedAt ? null : (
          <Button
            type="link"
            size="small"
            danger
            icon={<StopOutlined />}
            onClick={() => {
              setRevoking(tok);
            }}
            data-testid={`token-revoke-${tok.id}`}
          >
            {t('tokens.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('tokens.title')}
        description={t('tokens.description')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setCreating(true);
            }}
            data-testid="tokens-create"
          >
            {t('tokens.create')}
          </Button>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Select
            allowClear
            showSearch={{ filterOption: filterOptionByLabel }}
            style={{ width: 260 }}
            placeholder={t('tokens.filterOrg')}
            value={orgCode}
            onChange={(v: string | undefined) => {
              setOrgCode(v);
            }}
            loading={orgs.loading}
            options={orgOptions}
            data-testid="tokens-filter-org"
          />
          <Space>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
          </Space>
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<Token>
            rowKey="id"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data ?? []}
            scroll={{ x: 1050 }}
            locale={{ emptyText: t('tokens.empty') }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="tokens-table"
          />
        )}
      </Card>
      <CreateTokenModal
        open={creating}
        orgOptions={orgOptions}
        defaultOrg={orgCode ?? me.memberships[0]?.orgCode}
        onClose={() => {
          setCreating(false);
        }}
        onCreated={(result) => {
          setCreating(false);
          setCreated(result);
          list.reload();
        }}
      />
      <SecretModal
        created={created}
        onClose={() => {
          setCreated(null);
        }}
      />
      <RevokeModal
        target={revoking}
        onClose={() => {
          setRevoking(null);
        }}
        onRevoked={() => {
          setRevoking(null);
          message.success(t('tokens.revokeOk'));
          list.reload();
        }}
      />
    </>
  );
}
