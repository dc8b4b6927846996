/** API 密钥: keys for programs (`Authorization: Bearer gdxo_...`); the secret is shown once. */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../../../console/src/errors';
import { formatDateTime } from '../../../../console/src/format';
import { useAsync } from '../../../../console/src/hooks';
import { api, listOf } from '../../api';
import { CodeBlock, LoadError } from '../../components/common';
import type { ApiKey } from '../../types';

/** The secret of a creation answer, whichever of the usual names the server used. */
function secretOf(answer: unknown): string | null {
  if (typeof answer !== 'object' || answer === null) return null;
  const a = answer as Record<string, unknown>;
  for (const name of ['secret', 'token', 'apiKey']) {
    const v = a[name];
    if (typeof v === 'string') return v;
  }
  if (typeof a.key === 'string') return a.key;
  return null;
}

export function KeysTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string }>();
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const keys = useAsync(
    async (signal) => listOf<ApiKey>(await api.get<unknown>('/open/me/keys', { signal })),
    'keys',
  );

  async function create(values: { name: string }) {
    setCreating(true);
    setError(null);
    try {
      const answer = await api.post<unknown>('/open/me/keys', { name: values.name.trim() });
      form.resetFields();
      setOpen(false);
      setSecret(secretOf(answer) ?? JSON.stringify(answer));
      keys.reload();
    } catch (e) {
      setError(e);
    } finally {
      setCreating(false);
    }
  }

  async function revoke(key: ApiKey) {
    try {
      await api.del(`/open/me/keys/${encodeURIComponent(key.id)}`);
      message.success(t('keys.revoked'));
      keys.reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  }

  if (keys.error) return <LoadError error={keys.error} onRetry={keys.reload} />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('keys.hint')} />
      <div>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="key-create"
          onClick={() => {
            setError(null);
            setOpen(true);
          }}
        >
          {t('keys.create')}
        </Button>
      </div>
      <Table<ApiKey>
        size="small"
        rowKey="id"
        loading={keys.loading}
        dataSource={keys.data ?? []}
        data-testid="keys-table"
        pagination={false}
        locale={{ emptyText: t('keys.empty') }}
        columns={[
          {
            title: t('keys.name'),
            dataIndex: 'name',
            key: 'name',
            render: (v: string | undefined) => v ?? '—',
          },
          {
            title: t('keys.prefix'),
            dataIndex: 'prefix',
            key: 'prefix',
            render: (v: string | undefined) => (v ? <span className="mono">{v}…</span> : '—'),
          },
          {
            title: t('keys.createdAt'),
            dataIndex: 'createdAt',
            key: 'createdAt',
            render: (v: string | undefined) => formatDateTime(v),
          },
          {
            title: t('keys.lastUsedAt'),
            dataIndex: 'lastUsedAt',
            key: 'lastUsedAt',
            render: (v: string | null | undefined) => formatDateTime(v),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_v, key) =>
              key.revokedAt ? (
                <Tag>{t('keys.revokedTag')}</Tag>
              ) : (
                <Popconfirm
                  title={t('keys.revokeConfirm')}
                  okText={t('keys.revoke')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => {
                    void revoke(key);
                  }}
                >
                  <Button size="small" danger data-testid="key-revoke">
                    {t('keys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={open}
        title={t('keys.create')}
        onCancel={() => {
          setOpen(false);
        }}
        okText={t('keys.createOk')}
        cancelText={t('common.cancel')}
        confirmLoading={creating}
        okButtonProps={{ 'data-testid': 'key-create-submit' }}
        onOk={() => {
          form.submit();
        }}
        destroyOnHidden
      >
        <Form<{ name: string }>
          form={form}
          layout="vertical"
          onFinish={(values) => {
            void create(values);
          }}
        >
          <Form.Item
            name="name"
            label={t('keys.name')}
            extra={t('keys.nameHint')}
            rules={[{ required: true, whitespace: true, message: t('keys.nameRequired') }]}
          >
            <Input maxLength={100} data-testid="key-name" />
          </Form.Item>
        </Form>
        {error ? <Alert type="error" showIcon title={errorText(t, error)} /> : null}
      </Modal>
      <Modal
        open={secret !== null}
        title={t('keys.secretTitle')}
        closable={false}
        maskClosable={false}
        footer={
          <Button
            type="primary"
            data-testid="key-secret-done"
            onClick={() => {
              setSecret(null);
            }}
          >
            {t('keys.secretDone')}
          </Button>
        }
      >
        <Alert type="warning" showIcon className="block-gap" title={t('keys.secretWarning')} />
        {secret ? <CodeBlock text={secret} testId="key-secret" /> : null}
      </Modal>
    </Space>
  );
}
