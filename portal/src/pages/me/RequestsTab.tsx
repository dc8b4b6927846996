/**
 * 数据需求 (R5.6): ask any department for data that is not in the open catalog; after a refusal,
 * ask the authority to coordinate (提请协调).
 */
import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Descriptions,
  Form,
  Input,
  Space,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorText } from '../../../../console/src/errors';
import { formatDate, formatDateTime } from '../../../../console/src/format';
import { useAsync, useRetained } from '../../../../console/src/hooks';
import { api, listOf } from '../../api';
import { LoadError } from '../../components/common';
import { datasetPath } from '../../components/DatasetList';
import type { DataRequest, OpenOrg, RequestStatus } from '../../types';
import { DueDate } from './ApplicationsTab';
import { usePagedList } from './paged';
import { FormModal, useFormSubmit } from '../../components/FormModal';

const STATUS_COLORS: Record<RequestStatus, string> = {
  pending: 'processing',
  provided: 'green',
  refused: 'red',
  disputed: 'orange',
  ruled: 'purple',
};

interface RequestValues {
  orgCode: string;
  title: string;
  description: string;
  purpose: string;
  confidentiality: string;
}

function NewRequestModal({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (request: DataRequest) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RequestValues>();
  const { submitting, error, run } = useFormSubmit(form);
  const orgs = useAsync(async (signal) => {
    try {
      return listOf<OpenOrg>(await api.get<unknown>('/open/orgs', { signal }));
    } catch (e) {
      if (signal.aborted) throw e;
      return [];
    }
  }, 'orgs');

  async function submit(values: RequestValues) {
    await run(async () => {
      const created = await api.post<DataRequest>('/open/requests', {
        orgCode: values.orgCode.trim(),
        title: values.title.trim(),
        description: values.description.trim(),
        purpose: values.purpose.trim(),
        confidentiality: values.confidentiality.trim(),
      });
      form.resetFields();
      onCreated(created);
    });
  }

  return (
    <FormModal
      open={open}
      title={t('requests.newTitle')}
      onClose={onClose}
      width={640}
      submitting={submitting}
      submitLabel={t('requests.submit')}
      submitTestId="request-submit"
      onSubmit={() => {
        form.submit();
      }}
    >
      <Alert type="info" showIcon className="block-gap" title={t('requests.hint')} />
      <Form<RequestValues>
        form={form}
        layout="vertical"
        data-testid="request-form"
        onFinish={(values) => {
          void submit(values);
        }}
      >
        <Form.Item
          name="orgCode"
          label={t('requests.org')}
          extra={t('requests.orgHint')}
          rules={[{ required: true, whitespace: true, message: t('requests.orgRequired') }]}
        >
          <AutoComplete
            data-testid="request-org"
            placeholder={t('requests.orgPlaceholder')}
            options={(orgs.data ?? []).map((o) => ({
              value: o.code,
              label: `${o.name}（${o.code}）`,
            }))}
            showSearch={{
              filterOption: (input, option) =>
                typeof option?.label === 'string' &&
                option.label.toLowerCase().includes(input.trim().toLowerCase()),
            }}
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('requests.title')}
          rules={[{ required: true, whitespace: true, message: t('requests.titleRequired') }]}
        >
          <Input maxLength={200} data-testid="request-title" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('requests.description')}
          rules={[{ required: true, whitespace: true, message: t('requests.descriptionRequired') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            showCount
            placeholder={t('requests.descriptionHint')}
            data-testid="request-description"
          />
        </Form.Item>
        <Form.Item
          name="purpose"
          label={t('requests.purpose')}
          rules={[{ required: true, whitespace: true, message: t('requests.purposeRequired') }]}
        >
          <Input.TextArea rows={2} maxLength={2000} showCount data-testid="request-purpose" />
        </Form.Item>
        <Form.Item
          name="confidentiality"
          label={t('requests.confidentiality')}
          rules={[
            { required: true, whitespace: true, message: t('requests.confidentialityRequired') },
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={2000}
            showCount
            placeholder={t('requests.confidentialityHint')}
            data-testid="request-confidentiality"
          />
        </Form.Item>
        {error ? <Alert type="error" showIcon title={errorText(t, error)} /> : null}
      </Form>
    </FormModal>
  );
}

function DisputeModal({
  request,
  onClose,
  onDone,
}: {
  request: DataRequest | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const { submitting, error, run } = useFormSubmit(form);
  const shown = useRetained(request);

  async function submit(values: { reason: string }) {
    if (!request) return;
    await run(async () => {
      await api.post(`/open/requests/${encodeURIComponent(request.code)}/dispute`, {
        reason: values.reason.trim(),
      });
      message.success(t('requests.disputed'));
      form.resetFields();
      onDone();
    });
  }

  return (
    <FormModal
      open={request !== null}
      title={t('requests.disputeTitle', { code: shown?.code ?? '' })}
      onClose={onClose}
      submitting={submitting}
      submitLabel={t('requests.disputeSubmit')}
      submitTestId="dispute-submit"
      onSubmit={() => {
        form.submit();
      }}
    >
      <Alert type="info" showIcon className="block-gap" title={t('requests.disputeHint')} />
      {shown?.reasons ? (
        <Descriptions
          size="small"
          column={1}
          className="block-gap"
          items={[
            {
              key: 'reasons',
              label: t('requests.reasons'),
              children: <span className="pre-wrap">{shown.reasons}</span>,
            },
          ]}
        />
      ) : null}
      <Form<{ reason: string }>
        form={form}
        layout="vertical"
        onFinish={(values) => {
          void submit(values);
        }}
      >
        <Form.Item
          name="reason"
          label={t('requests.disputeReason')}
          rules={[{ required: true, whitespace: true, message: t('requests.disputeRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="dispute-reason" />
        </Form.Item>
        {error ? <Alert type="error" showIcon title={errorText(t, error)} /> : null}
      </Form>
    </FormModal>
  );
}

function RequestDetails({ r }: { r: DataRequest }) {
  const { t } = useTranslation();
  const text = (v: string | null) => <span className="pre-wrap">{v}</span>;
  const items = [
    { key: 'description', label: t('requests.description'), children: text(r.description) },
    { key: 'purpose', label: t('requests.purpose'), children: text(r.purpose) },
    {
      key: 'confidentiality',
      label: t('requests.confidentiality'),
      children: text(r.confidentiality),
    },
  ];
  if (r.answer)
    items.push({ key: 'answer', label: t('requests.answer'), children: text(r.answer) });
  if (r.reasons) {
    items.push({ key: 'reasons', label: t('requests.reasons'), children: text(r.reasons) });
  }
  if (r.resourceCode) {
    items.push({
      key: 'resource',
      label: t('requests.resource'),
      children: <Link to={datasetPath(r.resourceCode)}>{r.resourceCode}</Link>,
    });
  }
  if (r.answeredAt) {
    items.push({
      key: 'answeredAt',
      label: t('requests.answeredAt'),
      children: <span>{formatDateTime(r.answeredAt)}</span>,
    });
  }
  if (r.disputeReason) {
    items.push({
      key: 'dispute',
      label: t('requests.disputeReason'),
      children: text(r.disputeReason),
    });
  }
  if (r.ruling) {
    items.push({
      key: 'ruling',
      label: t('requests.ruling'),
      children: (
        <span>
          {t(`requests.rulings.${r.ruling as 'provide' | 'refuse'}`, { defaultValue: r.ruling })}
          {r.rulingReasons ? <span className="pre-wrap">：{r.rulingReasons}</span> : null}
          {r.ruledAt ? ` (${formatDateTime(r.ruledAt)})` : null}
        </span>
      ),
    });
  }
  return <Descriptions size="small" column={1} items={items} />;
}

export function RequestsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [disputing, setDisputing] = useState<DataRequest | null>(null);
  const { list, pagination } = usePagedList<DataRequest>(
    '/open/requests',
    { box: 'mine' },
    'requests',
  );

  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('requests.intro')} />
      <div>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="request-new"
          onClick={() => {
            setOpen(true);
          }}
        >
          {t('requests.new')}
        </Button>
      </div>
      <Table<DataRequest>
        size="small"
        rowKey="code"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        data-testid="requests-table"
        locale={{ emptyText: t('requests.empty') }}
        pagination={pagination}
        expandable={{ expandedRowRender: (r) => <RequestDetails r={r} /> }}
        columns={[
          {
            title: t('requests.code'),
            dataIndex: 'code',
            key: 'code',
            render: (v: string) => <span className="mono">{v}</span>,
          },
          { title: t('requests.title'), dataIndex: 'title', key: 'title' },
          { title: t('requests.org'), dataIndex: 'orgName', key: 'orgName' },
          {
            title: t('requests.status'),
            dataIndex: 'status',
            key: 'status',
            render: (v: RequestStatus) => (
              <Tag color={STATUS_COLORS[v]} data-testid="request-status" data-value={v}>
                {t(`requests.statuses.${v}`)}
              </Tag>
            ),
          },
          {
            title: t('requests.createdAt'),
            dataIndex: 'createdAt',
            key: 'createdAt',
            render: (v: string) => formatDate(v),
          },
          {
            title: t('requests.dueDate'),
            dataIndex: 'dueDate',
            key: 'dueDate',
            render: (_v: string, r) => (
              <DueDate
                dueDate={r.dueDate}
                daysLeft={r.workingDaysLeft}
                overdue={r.overdue}
                waiting={r.status === 'pending'}
              />
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_v, r) =>
              r.status === 'refused' ? (
                <Button
                  size="small"
                  data-testid="request-dispute"
                  onClick={() => {
                    setDisputing(r);
                  }}
                >
                  {t('requests.dispute')}
                </Button>
              ) : null,
          },
        ]}
      />
      <NewRequestModal
        open={open}
        onClose={() => {
          setOpen(false);
        }}
        onCreated={(r) => {
          setOpen(false);
          message.success(t('requests.created', { code: r.code, date: formatDate(r.dueDate) }));
          list.reload();
        }}
      />
      <DisputeModal
        request={disputing}
        onClose={() => {
          setDisputing(null);
        }}
        onDone={() => {
          setDisputing(null);
          list.reload();
        }}
      />
    </Space>
  );
}
