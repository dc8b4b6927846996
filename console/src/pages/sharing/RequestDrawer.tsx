import { CheckOutlined, CloseOutlined, CommentOutlined, RollbackOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { DescriptionsProps } from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { LoadError, Mono } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { beforePlatformToday, formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { ShareDispute, ShareMasking, ShareRequest, ShareRequestDetail } from './share';
import { defaultMasking, loadLiveVersion } from './share';
import type { ScopeRow } from './ShareParts';
import {
  OperationTags,
  OperationsChecklist,
  RequestCountdown,
  RequestStatusTag,
  ScopeEditor,
  ShareTimeline,
  deliveryLabel,
} from './ShareParts';

type Step = 'approve' | 'refuse' | 'dispute';

interface StepValues {
  scope?: ScopeRow[];
  operations?: string[];
  periodTo?: Dayjs;
  rateLimitPerMinute?: number | null;
  note?: string;
  reason?: string;
  legalBasis?: string;
  argument?: string;
}

/**
 * Rows of the scope editor for the items asked for, each with the catalog's default masking; loaded
 * as soon as the record is shown, so that the form opens with them.
 */
export function useScopeRows(resourceCode: string, items: { column: string; name: string }[]) {
  return useAsync(
    async (signal) => {
      const version = await loadLiveVersion(resourceCode, signal);
      const byColumn = new Map(version.content.items.map((item) => [item.column, item]));
      return items.map((item): ScopeRow => {
        const catalog = byColumn.get(item.column);
        const rule: ShareMasking = catalog ? defaultMasking(catalog) : 'none';
        return {
          column: item.column,
          name: item.name,
          include: true,
          masking: rule,
          defaultMasking: rule,
        };
      });
    },
    `${resourceCode}|${items.map((i) => i.column).join(',')}`,
  );
}

export const scopeRequired = (message: string) => ({
  validator: (_: unknown, rows: ScopeRow[] | undefined) =>
    rows?.some((r) => r.include) ? Promise.resolve() : Promise.reject(new Error(message)),
});

/** 批准 (narrowing allowed), 拒绝 (reasons and legal basis, R4.4), 提请协调 (R4.6). */
function StepModal({
  step,
  request,
  onClose,
  onDone,
}: {
  step: Step | null;
  request: ShareRequest;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StepValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const scope = useScopeRows(request.resourceCode, request.items);

  const submit = async () => {
    if (!step) return;
    let values: StepValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (step === 'approve') {
        const included = (values.scope ?? []).filter((r) => r.include);
        const updated = await api.post<ShareRequest>(`/share/requests/${request.code}/approve`, {
          items: included.map((r) => r.column),
          masking: Object.fromEntries(included.map((r) => [r.column, r.masking])),
          operations: values.operations,
          ...(values.periodTo ? { periodTo: values.periodTo.format('YYYY-MM-DD') } : {}),
          ...(values.rateLimitPerMinute ? { rateLimitPerMinute: values.rateLimitPerMinute } : {}),
          ...(values.note?.trim() ? { note: values.note.trim() } : {}),
        });
        onDone(t('share.request.approved', { code: updated.code }));
      } else if (step === 'refuse') {
        await api.post<ShareRequest>(`/share/requests/${request.code}/refuse`, {
          reason: values.reason?.trim(),
          legalBasis: values.legalBasis?.trim(),
        });
        onDone(t('share.request.refused', { code: request.code }));
      } else {
        const dispute = await api.post<ShareDispute>('/share/disputes', {
          requestCode: request.code,
          argument: values.argument?.trim(),
          consumerOrgCode: request.consumerOrgCode,
        });
        onDone(t('share.request.disputed', { code: dispute.code }));
      }
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const title = step ? t(`share.request.stepTitle.${step}`, { code: request.code }) : '';
  const ready = step !== 'approve' || scope.data !== undefined;
  return (
    <Modal
      open={step !== null}
      title={title}
      okText={step ? t(`share.request.stepOk.${step}`) : ''}
      okButtonProps={{
        danger: step === 'refuse',
        disabled: !ready,
        'data-testid': 'share-step-submit',
      }}
      confirmLoading={busy}
      width={step === 'approve' ? 760 : 560}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {step ? (
        <Typography.Paragraph type="secondary">
          {t(`share.request.stepHint.${step}`)}
        </Typography.Paragraph>
      ) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="share-step-error"
        />
      ) : null}
      {step === 'approve' && scope.error ? (
        <LoadError error={scope.error} onRetry={scope.reload} />
      ) : !ready ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : (
        <Form<StepValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            scope: scope.data,
            operations: request.operations,
            periodTo: dayjs(request.periodTo),
          }}
        >
          {step === 'approve' ? (
            <>
              <Form.Item
                name="scope"
                label={t('share.request.scopeLabel')}
                extra={t('share.request.scopeHint')}
                rules={[scopeRequired(t('share.form.itemsRequired'))]}
              >
                <ScopeEditor />
              </Form.Item>
              <Form.Item
                name="operations"
                label={t('share.field.operations')}
                rules={[
                  {
                    required: true,
                    type: 'array',
                    min: 1,
                    message: t('share.form.operationsRequired'),
                  },
                ]}
              >
                <OperationsChecklist allowed={request.operations} />
              </Form.Item>
              <Space size={16} wrap>
                <Form.Item
                  name="periodTo"
                  label={t('share.request.periodToLabel')}
                  extra={t('share.request.periodToHint', { date: formatDate(request.periodTo) })}
                  rules={[{ required: true, message: t('share.form.periodRequired') }]}
                >
                  <DatePicker
                    style={{ width: 200 }}
                    disabledDate={(d) =>
                      beforePlatformToday(d) || d.isAfter(dayjs(request.periodTo), 'day')
                    }
                    data-testid="share-approve-period"
                  />
                </Form.Item>
                <Form.Item
                  name="rateLimitPerMinute"
                  label={t('share.field.rateLimit')}
                  extra={t('share.request.rateLimitHint')}
                >
                  <InputNumber min={1} max={1_000_000} style={{ width: 200 }} />
                </Form.Item>
              </Space>
              <Form.Item name="note" label={t('share.field.note')}>
                <Input.TextArea rows={2} maxLength={2000} showCount data-testid="share-note" />
              </Form.Item>
            </>
          ) : null}
          {step === 'refuse' ? (
            <>
              <Form.Item
                name="reason"
                label={t('share.field.refusalReason')}
                rules={[
                  { required: true, whitespace: true, message: t('share.form.reasonRequired') },
                  { min: 5, message: t('share.form.reasonRequired') },
                ]}
              >
                <Input.TextArea rows={3} maxLength={2000} showCount data-testid="share-reason" />
              </Form.Item>
              <Form.Item
                name="legalBasis"
                label={t('share.field.refusalLegalBasis')}
                rules={[
                  { required: true, whitespace: true, message: t('share.form.legalBasisRequired') },
                  { min: 2, message: t('share.form.legalBasisRequired') },
                ]}
              >
                <Input.TextArea
                  rows={2}
                  maxLength={2000}
                  showCount
                  data-testid="share-refusal-basis"
                />
              </Form.Item>
            </>
          ) : null}
          {step === 'dispute' ? (
            <Form.Item
              name="argument"
              label={t('share.field.argument')}
              extra={t('share.form.argumentHint')}
              rules={[
                { required: true, whitespace: true, message: t('share.form.argumentRequired') },
                { min: 10, message: t('share.form.argumentRequired') },
              ]}
            >
              <Input.TextArea rows={4} maxLength={4000} showCount data-testid="share-argument" />
            </Form.Item>
          ) : null}
        </Form>
      )}
    </Modal>
  );
}

/** 共享申请详情: the request, its deadline, the decision, the timeline and the next step. */
export function RequestDrawer({
  code,
  onClose,
  onChanged,
}: {
  code: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const detail = useAsync(
    async (signal) =>
      code ? api.get<ShareRequestDetail>(`/share/requests/${code}`, { signal }) : null,
    code ?? '',
  );
  const [step, setStep] = useState<Step | null>(null);
  const request = detail.data;

  const withdraw = () => {
    if (!request) return;
    modal.confirm({
      title: t('share.request.withdrawTitle', { code: request.code }),
      content: t('share.request.withdrawHint'),
      okText: t('share.request.withdraw'),
      okButtonProps: { danger: true, 'data-testid': 'share-withdraw-ok' },
      onOk: async () => {
        try {
          await api.post<ShareRequest>(`/share/requests/${request.code}/withdraw`, {});
          message.success(t('share.request.withdrawn', { code: request.code }));
          detail.reload();
          onChanged();
        } catch (e) {
          message.error(errorText(t, e));
        }
      },
    });
  };

  const items: DescriptionsProps['items'] = request
    ? [
        {
          key: 'resource',
          label: t('share.field.resource'),
          span: 2,
          children: (
            <Link to={`/catalog/resources/${encodeURIComponent(request.resourceCode)}`}>
              {request.resourceName}（{request.resourceCode}）
            </Link>
          ),
        },
        { key: 'consumer', label: t('share.field.consumer'), children: request.consumerOrgName },
        { key: 'provider', label: t('share.field.provider'), children: request.providerOrgName },
        {
          key: 'status',
          label: t('share.field.status'),
          children: (
            <Space size={4} wrap>
              <RequestStatusTag status={request.status} />
              {request.autoApproved ? (
                <Tag color="purple">
                  {t('share.request.autoBadge', { code: request.scenarioCode ?? '' })}
                </Tag>
              ) : null}
            </Space>
          ),
        },
        {
          key: 'due',
          label: t('share.field.dueDate'),
          children: (
            <Space size={4} wrap>
              <span>{formatDate(request.dueDate)}</span>
              <RequestCountdown request={request} />
              {request.escalatedAt ? (
                <Tag color="red">{t('share.request.escalated')}</Tag>
              ) : request.remindedAt ? (
                <Tag color="orange">{t('share.request.reminded')}</Tag>
              ) : null}
            </Space>
          ),
        },
        {
          key: 'items',
          label: t('share.field.items'),
          span: 2,
          children: (
            <Space size={[4, 4]} wrap>
              {request.items.map((item) => (
                <Tag key={item.column}>
                  {item.name} <span className="mono">{item.column}</span>
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          key: 'operations',
          label: t('share.field.operations'),
          children: <OperationTags operations={request.operations} />,
        },
        {
          key: 'delivery',
          label: t('share.field.deliveryMethod'),
          children: deliveryLabel(t, request.deliveryMethod),
        },
        {
          key: 'purpose',
          label: t('share.field.purpose'),
          span: 2,
          children: <span className="pre-wrap">{request.purpose}</span>,
        },
        {
          key: 'scenario',
          label: t('share.field.scenario'),
          span: 2,
          children: <span className="pre-wrap">{request.scenario}</span>,
        },
        {
          key: 'process',
          label: t('share.field.businessProcess'),
          span: 2,
          children: <span className="pre-wrap">{request.businessProcess}</span>,
        },
        {
          key: 'legal',
          label: t('share.field.dutyLegalBasis'),
          span: 2,
          children: <span className="pre-wrap">{request.legalBasis}</span>,
        },
        {
          key: 'period',
          label: t('share.field.period'),
          children: `${formatDate(request.periodFrom)} ~ ${formatDate(request.periodTo)}`,
        },
        {
          key: 'contact',
          label: t('share.field.contact'),
          children: `${request.contactName} · ${request.contactPhone}`,
        },
        {
          key: 'created',
          label: t('share.field.createdAt'),
          children: formatDateTime(request.createdAt),
        },
        {
          key: 'decided',
          label: t('share.field.decidedAt'),
          children: request.decidedAt
            ? `${formatDateTime(request.decidedAt)} · ${request.decidedBy ?? ''}`
            : '—',
        },
      ]
    : [];

  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      size={760}
      title={code ? t('share.request.detailTitle', { code }) : ''}
      destroyOnHidden
      data-testid="request-drawer"
      extra={
        request ? (
          <Space>
            {request.can.approve ? (
              <Button
                type="primary"
                icon={<CheckOutlined />}
                onClick={() => {
                  setStep('approve');
                }}
                data-testid="request-approve"
              >
                {t('share.request.approve')}
              </Button>
            ) : null}
            {request.can.refuse ? (
              <Button
                danger
                icon={<CloseOutlined />}
                onClick={() => {
                  setStep('refuse');
                }}
                data-testid="request-refuse"
              >
                {t('share.request.refuse')}
              </Button>
            ) : null}
            {request.can.withdraw ? (
              <Button icon={<RollbackOutlined />} onClick={withdraw} data-testid="request-withdraw">
                {t('share.request.withdraw')}
              </Button>
            ) : null}
            {request.can.dispute ? (
              <Button
                type="primary"
                icon={<CommentOutlined />}
                onClick={() => {
                  setStep('dispute');
                }}
                data-testid="request-dispute"
              >
                {t('share.request.dispute')}
              </Button>
            ) : null}
          </Space>
        ) : null
      }
    >
      {detail.error ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : request ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {request.status === 'pending' && request.overdue ? (
            <Alert type="error" showIcon title={t('share.request.overdueNotice')} />
          ) : null}
          {request.status === 'refused' || request.refusalReason ? (
            <Alert
              type="warning"
              showIcon
              title={t('share.request.refusalTitle')}
              data-testid="request-refusal"
              description={
                <Space orientation="vertical" size={2}>
                  <span className="pre-wrap">
                    {t('share.field.refusalReason')}：{request.refusalReason}
                  </span>
                  <span className="pre-wrap">
                    {t('share.field.refusalLegalBasis')}：{request.refusalLegalBasis}
                  </span>
                </Space>
              }
            />
          ) : null}
          {request.grantId ? (
            <Alert
              type="success"
              showIcon
              title={
                <Space wrap>
                  <span>{t('share.request.grantIssued')}</span>
                  <Link
                    to={`/sharing/grants?id=${request.grantId}`}
                    data-testid="request-grant-link"
                  >
                    {t('share.request.openGrant')}
                  </Link>
                </Space>
              }
              description={request.decisionNote ?? undefined}
            />
          ) : null}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={items}
            styles={{ label: { width: 120 } }}
          />
          {request.tokenId ? (
            <Typography.Text type="secondary">
              {t('share.request.tokenNamed')} <Mono>{request.tokenId}</Mono>
            </Typography.Text>
          ) : null}
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('share.common.timeline')}
          </Typography.Title>
          <ShareTimeline events={request.timeline} testId="request-timeline" />
        </Space>
      ) : (
        <Skeleton active paragraph={{ rows: 10 }} />
      )}
      {request ? (
        <StepModal
          step={step}
          request={request}
          onClose={() => {
            setStep(null);
          }}
          onDone={(text) => {
            setStep(null);
            message.success(text);
            detail.reload();
            onChanged();
          }}
        />
      ) : null}
    </Drawer>
  );
}
