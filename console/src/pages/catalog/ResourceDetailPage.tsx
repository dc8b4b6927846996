import {
  ArrowLeftOutlined,
  AuditOutlined,
  BranchesOutlined,
  EditOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Modal, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../../api';
import { useMe } from '../../auth';
import { ResourceView } from '../../catalog/ResourceView';
import { VersionDiff } from '../../catalog/VersionDiff';
import { StatusTag } from '../../catalog/labels';
import { EDITABLE_STATUSES } from '../../catalog/model';
import type { ResourceVersion } from '../../catalog/model';
import { DuplicateFlagsAlert, ReviewCommentsAlert, VersionHistory } from '../../catalog/parts';
import { canCompile, canReview, canWithdraw } from '../../catalog/roles';
import { LoadError, Mono, NotFoundResult, PageHeader } from '../../components/common';
import { errorText } from '../../errors';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';

type TabKey = 'info' | 'history' | 'diff';

function WithdrawModal({
  target,
  onClose,
  onDone,
}: {
  target: ResourceVersion | null;
  onClose: () => void;
  onDone: (v: ResourceVersion) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!target) return;
    let values: { reason: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(
        await api.post<ResourceVersion>(
          `/catalog/resources/${encodeURIComponent(target.code)}/withdraw`,
          { reason: values.reason.trim() },
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
      open={target !== null}
      title={t('resource.withdrawTitle', { name: target?.content.name ?? '' })}
      okText={t('resource.withdraw')}
      okButtonProps={{ danger: true, 'data-testid': 'withdraw-submit' }}
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
      <Typography.Paragraph type="secondary">{t('resource.withdrawHint')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={t('resource.withdrawReason')}
          rules={[
            { required: true, whitespace: true, message: t('resource.withdrawReasonRequired') },
            { min: 2, message: t('resource.withdrawReasonRequired') },
          ]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="withdraw-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function ResourceDetailPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { code = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [withdrawing, setWithdrawing] = useState<ResourceVersion | null>(null);
  const [creatingVersion, setCreatingVersion] = useState(false);
  const [compare, setCompare] = useState<{ from: number; to: number } | null>(null);

  const versions = useAsync(
    async (signal) =>
      (
        await api.get<{ items: ResourceVersion[] }>(
          `/catalog/resources/${encodeURIComponent(code)}/versions`,
          { signal },
        )
      ).items,
    code,
  );

  if (versions.error instanceof ApiError && versions.error.code === 'NOT_FOUND') {
    return <NotFoundResult />;
  }
  if (versions.error) return <LoadError error={versions.error} onRetry={versions.reload} />;
  const list = versions.data ?? [];
  const latest = list.reduce<ResourceVersion | undefined>(
    (acc, v) => (!acc || v.version > acc.version ? v : acc),
    undefined,
  );
  const wanted = Number(params.get('version'));
  const current = list.find((v) => v.version === wanted) ?? latest;
  const tabParam = params.get('tab');
  const tab: TabKey = tabParam === 'history' || tabParam === 'diff' ? tabParam : 'info';

  const setQuery = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { replace: true });
  };

  if (!current) {
    return (
      <>
        <PageHeader title={<Mono>{code}</Mono>} />
        <div className="page-loading">
          <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
        </div>
      </>
    );
  }

  const isLatest = current.version === current.latestVersion;
  const compiler = canCompile(me, current.orgCode);
  const editable = compiler && isLatest && EDITABLE_STATUSES.includes(current.status);
  const mayNewVersion = compiler && isLatest && current.status === 'published';
  const mayReview = canReview(me) && current.status === 'submitted';
  const mayWithdraw = canWithdraw(me, current.orgCode) && current.status === 'published';

  const newVersion = async () => {
    setCreatingVersion(true);
    try {
      const draft = await api.post<ResourceVersion>(
        `/catalog/resources/${encodeURIComponent(current.code)}/versions`,
      );
      message.success(t('resource.newVersionCreated', { version: draft.version }));
      void navigate(`/catalog/mine/${encodeURIComponent(draft.code)}/edit`);
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setCreatingVersion(false);
    }
  };

  const diffFrom = compare?.from ?? (current.version > 1 ? current.version - 1 : current.version);
  const diffTo = compare?.to ?? current.version;

  return (
    <>
      <PageHeader
        title={
          <Space size={8} wrap>
            <span data-testid="resource-name">{current.content.name}</span>
            <StatusTag status={current.status} />
            <Tag>{t('resource.versionN', { version: current.version })}</Tag>
            {current.liveVersion === current.version ? (
              <Tag color="green">{t('resource.liveVersion')}</Tag>
            ) : null}
          </Space>
        }
        description={
          <Space size={16} wrap>
            <Mono>{current.code}</Mono>
            <span>{current.orgName}</span>
            {current.publishedAt ? (
              <span>
                {t('resource.publishedOn', { time: formatDateTime(current.publishedAt) })}
              </span>
            ) : (
              <span>{t('resource.updatedOn', { time: formatDateTime(current.updatedAt) })}</span>
            )}
            {current.liveVersion !== null && current.liveVersion !== current.version ? (
              <Button
                type="link"
                size="small"
                style={{ padding: 0 }}
                onClick={() => {
                  setQuery({ version: String(current.liveVersion) });
                }}
              >
                {t('resource.showLive', { version: current.liveVersion })}
              </Button>
            ) : null}
          </Space>
        }
        extra={
          <>
            <Button
              icon={<ArrowLeftOutlined />}
              onClick={() => {
                void navigate(-1);
              }}
            >
              {t('common.back')}
            </Button>
            {mayReview ? (
              <Button
                type="primary"
                icon={<AuditOutlined />}
                onClick={() => {
                  void navigate(`/catalog/review/${encodeURIComponent(current.code)}`);
                }}
              >
                {t('review.open')}
              </Button>
            ) : null}
            {editable ? (
              <Button
                type="primary"
                icon={<EditOutlined />}
                onClick={() => {
                  void navigate(`/catalog/mine/${encodeURIComponent(current.code)}/edit`);
                }}
                data-testid="resource-edit"
              >
                {t('common.edit')}
              </Button>
            ) : null}
            {mayNewVersion ? (
              <Button
                icon={<BranchesOutlined />}
                loading={creatingVersion}
                onClick={() => {
                  void newVersion();
                }}
                data-testid="resource-new-version"
              >
                {t('resource.newVersion')}
              </Button>
            ) : null}
            {mayWithdraw ? (
              <Button
                danger
                icon={<StopOutlined />}
                onClick={() => {
                  setWithdrawing(current);
                }}
                data-testid="resource-withdraw"
              >
                {t('resource.withdraw')}
              </Button>
            ) : null}
          </>
        }
      />
      {current.status === 'withdrawn' ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('resource.withdrawnNotice', { time: formatDateTime(current.withdrawnAt) })}
          description={current.withdrawReason}
        />
      ) : null}
      {current.status === 'superseded' && latest ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('resource.supersededNotice')}
        />
      ) : null}
      <Tabs
        activeKey={tab}
        onChange={(key) => {
          setQuery({ tab: key === 'info' ? null : key });
        }}
        items={[
          {
            key: 'info',
            label: t('resource.tabs.info'),
            children: (
              <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                {current.status === 'returned' ? <ReviewCommentsAlert version={current} /> : null}
                {(compiler || canReview(me)) && current.status === 'submitted' ? (
                  <DuplicateFlagsAlert flags={current.duplicateFlags} />
                ) : null}
                <ResourceView
                  code={current.code}
                  orgName={current.orgName}
                  content={current.content}
                  fieldComments={current.status === 'returned' ? current.fieldComments : {}}
                />
              </Space>
            ),
          },
          {
            key: 'history',
            label: t('resource.tabs.history', { count: list.length }),
            children: (
              <VersionHistory
                versions={list}
                current={current.version}
                onShow={(v) => {
                  setQuery({ version: String(v), tab: null });
                }}
                onCompare={(v) => {
                  setCompare({ from: v - 1, to: v });
                  setQuery({ tab: 'diff' });
                }}
              />
            ),
          },
          {
            key: 'diff',
            label: t('resource.tabs.diff'),
            children: (
              <VersionDiff
                key={`${String(diffFrom)}-${String(diffTo)}`}
                versions={list}
                from={diffFrom}
                to={diffTo}
              />
            ),
          },
        ]}
        data-testid="resource-tabs"
      />
      <WithdrawModal
        target={withdrawing}
        onClose={() => {
          setWithdrawing(null);
        }}
        onDone={(v) => {
          setWithdrawing(null);
          message.success(t('resource.withdrawn'));
          setQuery({ version: String(v.version) });
          versions.reload();
        }}
      />
    </>
  );
}
