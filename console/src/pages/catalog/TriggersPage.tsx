import { CheckOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { TriggerKindTag } from '../../catalog/labels';
import type { CatalogTrigger, TriggerKind } from '../../catalog/model';
import { canRecordTrigger, canResolveTrigger, canSeeTriggers } from '../../catalog/roles';
import { ForbiddenResult, LoadError, PageHeader } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { filterOptionByLabel, formatDate, formatDateTime } from '../../format';
import { useAsync, useOrgs, useRetained } from '../../hooks';

/** How close the due date is: 红色 overdue, 橙色 within three working days. */
export function Countdown({ trigger }: { trigger: CatalogTrigger }) {
  const { t } = useTranslation();
  if (trigger.resolvedAt) {
    return <Tag color="success">{t('triggers.resolved')}</Tag>;
  }
  const left = trigger.workingDaysLeft;
  if (trigger.overdue || (left !== null && left < 0)) {
    return (
      <Tag color="red" data-testid="trigger-overdue">
        {t('triggers.overdue', { count: Math.abs(left ?? 0) })}
      </Tag>
    );
  }
  if (left === null) return <Tag>{t('triggers.unknownLeft')}</Tag>;
  if (left === 0) return <Tag color="orange">{t('triggers.dueToday')}</Tag>;
  return (
    <Tag color={left <= 3 ? 'orange' : 'blue'} data-testid={left <= 3 ? 'trigger-soon' : undefined}>
      {t('triggers.left', { count: left })}
    </Tag>
  );
}

interface CreateValues {
  orgCode: string;
  kind: TriggerKind;
  description: string;
  effectiveDate?: Dayjs | null;
}

function CreateTriggerModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (trigger: CatalogTrigger) => void;
}) {
  const { t } = useTranslation();
  const orgs = useOrgs();
  const [form] = Form.useForm<CreateValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    let values: CreateValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<CatalogTrigger>('/catalog/triggers', {
        orgCode: values.orgCode,
        kind: values.kind,
        description: values.description.trim(),
        ...(values.effectiveDate
          ? { effectiveDate: values.effectiveDate.format('YYYY-MM-DD') }
          : {}),
      });
      onCreated(created);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('triggers.create')}
      okText={t('common.create')}
      confirmLoading={busy}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'trigger-submit' }}
    >
      <Typography.Paragraph type="secondary">{t('triggers.createHint')}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<CreateValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ kind: 'law' }}
      >
        <Form.Item
          name="orgCode"
          label={t('triggers.org')}
          rules={[{ required: true, message: t('triggers.orgRequired') }]}
        >
          <Select
            showSearch={{ filterOption: filterOptionByLabel }}
            loading={orgs.loading}
            options={(orgs.data ?? [])
              .filter((o) => o.kind !== 'authority')
              .map((o) => ({ value: o.code, label: `${o.name}（${o.code}）` }))}
            data-testid="trigger-org"
          />
        </Form.Item>
        <Form.Item name="kind" label={t('triggers.kind')}>
          <Radio.Group
            options={(['law', 'duty'] as const).map((k) => ({
              value: k,
              label: t(`catalog.triggerKind.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('triggers.descriptionLabel')}
          rules={[
            { required: true, whitespace: true, message: t('triggers.descriptionRequired') },
            { min: 2, message: t('triggers.descriptionRequired') },
          ]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="trigger-description" />
        </Form.Item>
        <Form.Item
          name="effectiveDate"
          label={t('triggers.effectiveDate')}
          extra={t('triggers.effectiveDateHint')}
        >
          <DatePicker style={{ width: '100%' }} data-testid="trigger-date" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ResolveModal({
  target,
  onClose,
  onResolved,
}: {
  target: CatalogTrigger | null;
  onClose: () => void;
  onResolved: (late: boolean) => void;
}) {
  const { t } = useTranslation();
  const trigger = useRetained(target);
  const [form] = Form.useForm<{ resolution: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!trigger) return;
    let values: { resolution: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ ok: boolean; late: boolean }>(
        `/catalog/triggers/${String(trigger.id)}/resolve`,
        { resolution: values.resolution.trim() },
      );
      onResolved(res.late);
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={target !== null}
      title={t('triggers.resolveTitle')}
      okText={t('triggers.resolve')}
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
      {trigger ? (
        <Typography.Paragraph>
          <TriggerKindTag kind={trigger.kind} /> {trigger.orgName}：{trigger.description}
        </Typography.Paragraph>
      ) : null}
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="resolution"
          label={t('triggers.resolution')}
          extra={t('triggers.resolutionHint')}
          rules={[
            { required: true, whitespace: true, message: t('triggers.resolutionRequired') },
            { min: 2, message: t('triggers.resolutionRequired') },
          ]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="trigger-resolution" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 目录更新督办: catalog updates owed after a law or duty change (R2.4), with countdowns. */
export function TriggersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const openOnly = params.get('all') !== '1';
  const list = useAsync(
    async (signal) =>
      (
        await api.get<{ items: CatalogTrigger[] }>('/catalog/triggers', {
          signal,
          query: { openOnly: openOnly ? 'true' : undefined },
        })
      ).items,
    String(openOnly),
  );
  const [creating, setCreating] = useState(false);
  const [resolving, setResolving] = useState<CatalogTrigger | null>(null);

  if (!canSeeTriggers(me)) return <ForbiddenResult />;
  const items = list.data ?? [];
  const overdue = items.filter((i) => !i.resolvedAt && i.overdue).length;
  const soon = items.filter(
    (i) => !i.resolvedAt && !i.overdue && i.workingDaysLeft !== null && i.workingDaysLeft <= 3,
  ).length;

  const columns: TableColumnsType<CatalogTrigger> = [
    { title: t('triggers.org'), dataIndex: 'orgName', width: 200 },
    {
      title: t('triggers.kind'),
      dataIndex: 'kind',
      width: 130,
      render: (k: TriggerKind) => <TriggerKindTag kind={k} />,
    },
    {
      title: t('triggers.descriptionLabel'),
      dataIndex: 'description',
      render: (d: string, r) => (
        <Space orientation="vertical" size={0}>
          <span className="pre-wrap">{d}</span>
          {r.resolution ? (
            <Typography.Text type="secondary">
              {t('triggers.resolutionShort')}：{r.resolution}（{formatDateTime(r.resolvedAt)}）
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('triggers.recordedAt'),
      key: 'recorded',
      width: 170,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{formatDateTime(r.recordedAt)}</span>
          <Typography.Text type="secondary">{r.recordedBy}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('triggers.dueDate'),
      dataIndex: 'dueDate',
      width: 110,
      render: (d: string) => formatDate(d),
    },
    {
      title: t('triggers.countdown'),
      key: 'countdown',
      width: 160,
      render: (_: unknown, r) => <Countdown trigger={r} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      fixed: 'right',
      render: (_: unknown, r) =>
        !r.resolvedAt && canResolveTrigger(me, r.orgCode) ? (
          <Button
            type="link"
            size="small"
            icon={<CheckOutlined />}
            onClick={() => {
              setResolving(r);
            }}
            data-testid={`trigger-resolve-${String(r.id)}`}
          >
            {t('triggers.resolve')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('triggers.title')}
        description={t('triggers.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            {canRecordTrigger(me) ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => {
                  setCreating(true);
                }}
                data-testid="triggers-create"
              >
                {t('triggers.create')}
              </Button>
            ) : null}
          </>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Space wrap>
            {overdue > 0 ? (
              <Tag color="red">{t('triggers.overdueCount', { count: overdue })}</Tag>
            ) : null}
            {soon > 0 ? <Tag color="orange">{t('triggers.soonCount', { count: soon })}</Tag> : null}
          </Space>
          <Space>
            <Switch
              checked={openOnly}
              onChange={(on) => {
                setParams(on ? {} : { all: '1' }, { replace: true });
              }}
              data-testid="triggers-open-only"
            />
            <span>{t('triggers.openOnly')}</span>
          </Space>
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<CatalogTrigger>
            rowKey="id"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1100 }}
            rowClassName={(r) => (!r.resolvedAt && r.overdue ? 'row-overdue' : '')}
            locale={{ emptyText: openOnly ? t('triggers.emptyOpen') : t('triggers.empty') }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="triggers-table"
          />
        )}
      </Card>
      <CreateTriggerModal
        open={creating}
        onClose={() => {
          setCreating(false);
        }}
        onCreated={(tr) => {
          setCreating(false);
          message.success(t('triggers.created', { org: tr.orgName, date: tr.dueDate }));
          list.reload();
        }}
      />
      <ResolveModal
        target={resolving}
        onClose={() => {
          setResolving(null);
        }}
        onResolved={(late) => {
          setResolving(null);
          if (late) message.warning(t('triggers.resolvedLate'));
          else message.success(t('triggers.resolvedMsg'));
          list.reload();
        }}
      />
    </>
  );
}
