import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  Modal,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { LoadError, PageHeader } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { Agreement, Listed } from './open';
import { isOpenAuthority, listItems } from './open';

interface PublishValues {
  title: string;
  body: string;
}

/** 发布新版本: the authority writes the next version; the earlier ones stay as they were. */
function PublishModal({
  open,
  current,
  onClose,
  onPublished,
}: {
  open: boolean;
  current: Agreement | undefined;
  onClose: () => void;
  onPublished: (agreement: Agreement) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PublishValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    let values: PublishValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onPublished(
        await api.post<Agreement>('/open/agreements', {
          title: values.title.trim(),
          body: values.body.trim(),
        }),
      );
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('open.agreement.publishTitle')}
      okText={t('open.agreement.publish')}
      okButtonProps={{ 'data-testid': 'open-agreement-submit' }}
      confirmLoading={busy}
      width={760}
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
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('open.agreement.publishHint', {
          version: (current?.version ?? 0) + 1,
        })}
      />
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="open-agreement-error"
        />
      ) : null}
      <Form<PublishValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ title: current?.title ?? '', body: current?.body ?? '' }}
      >
        <Form.Item
          name="title"
          label={t('open.agreement.titleLabel')}
          rules={[{ required: true, whitespace: true, message: t('open.agreement.titleRequired') }]}
        >
          <Input maxLength={200} data-testid="open-agreement-title" />
        </Form.Item>
        <Form.Item
          name="body"
          label={t('open.agreement.bodyLabel')}
          extra={t('open.agreement.bodyHint')}
          rules={[
            { required: true, whitespace: true, message: t('open.agreement.bodyRequired') },
            { min: 20, message: t('open.agreement.bodyRequired') },
          ]}
        >
          <Input.TextArea
            rows={16}
            maxLength={50_000}
            showCount
            data-testid="open-agreement-body"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * 数据开放 › 数据使用协议 (R5.5): the versions of the agreement applicants accept for conditional
 * data, newest first, and the text of each. An application keeps the version it accepted; a new
 * version applies to applications submitted after it.
 */
export function AgreementsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const [publishing, setPublishing] = useState(false);
  const authority = isOpenAuthority(me);
  const list = useAsync(
    async (signal) =>
      listItems(
        await api.get<Listed<Agreement> | Agreement[]>('/open/agreements', { signal }),
      ).sort((a, b) => b.version - a.version),
    'agreements',
  );
  const versions = list.data ?? [];
  const latest = versions[0];
  const wanted = Number(params.get('version'));
  const selected = versions.find((v) => v.version === wanted) ?? latest;

  const select = (version: number) => {
    const next = new URLSearchParams(params);
    next.set('version', String(version));
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={t('open.agreement.title')}
        description={t('open.agreement.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            {authority ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                disabled={list.loading && !list.data}
                onClick={() => {
                  setPublishing(true);
                }}
                data-testid="open-agreement-publish"
              >
                {t('open.agreement.publish')}
              </Button>
            ) : null}
          </>
        }
      />
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('open.agreement.keptNotice')}
        data-testid="open-agreement-kept"
      />
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={8}>
            <Card size="small" title={t('open.agreement.versions')}>
              <Table<Agreement>
                rowKey="version"
                size="small"
                loading={list.loading}
                dataSource={versions}
                pagination={false}
                showHeader={false}
                locale={{ emptyText: t('open.agreement.none') }}
                rowClassName={(v) => (v.version === selected?.version ? 'row-current' : '')}
                onRow={(v) => ({
                  onClick: () => {
                    select(v.version);
                  },
                  style: { cursor: 'pointer' },
                })}
                data-testid="open-agreement-versions"
                columns={[
                  {
                    key: 'version',
                    render: (_: unknown, v) => (
                      <Space
                        orientation="vertical"
                        size={2}
                        data-testid={`open-agreement-version-${String(v.version)}`}
                      >
                        <Space size={6} wrap>
                          <Tag color="blue">
                            {t('open.agreement.versionTag', { version: v.version })}
                          </Tag>
                          {v.version === latest?.version ? (
                            <Tag color="green">{t('open.agreement.current')}</Tag>
                          ) : null}
                          <span>{v.title}</span>
                        </Space>
                        <Typography.Text type="secondary">
                          {t('open.agreement.publishedAt', {
                            time: formatDateTime(v.publishedAt),
                          })}
                        </Typography.Text>
                      </Space>
                    ),
                  },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={16}>
            <Card
              size="small"
              title={
                selected ? (
                  <Space size={6} wrap>
                    <Tag color="blue">
                      {t('open.agreement.versionTag', { version: selected.version })}
                    </Tag>
                    <span>{selected.title}</span>
                  </Space>
                ) : (
                  t('open.agreement.text')
                )
              }
              extra={
                selected ? (
                  <Typography.Text type="secondary">
                    {t('open.agreement.publishedAt', {
                      time: formatDateTime(selected.publishedAt),
                    })}
                    {selected.publishedBy ? ` · ${selected.publishedBy}` : ''}
                  </Typography.Text>
                ) : null
              }
            >
              {list.loading && !list.data ? (
                <Skeleton active paragraph={{ rows: 12 }} />
              ) : selected ? (
                <div
                  className="pre-wrap"
                  style={{ lineHeight: 1.8, maxHeight: 640, overflowY: 'auto' }}
                  data-testid="open-agreement-text"
                >
                  {selected.body}
                </div>
              ) : (
                <Empty description={t('open.agreement.none')} />
              )}
            </Card>
          </Col>
        </Row>
      )}
      <PublishModal
        open={publishing}
        current={latest}
        onClose={() => {
          setPublishing(false);
        }}
        onPublished={(agreement) => {
          setPublishing(false);
          message.success(t('open.agreement.published', { version: agreement.version }));
          select(agreement.version);
          list.reload();
        }}
      />
    </>
  );
}
