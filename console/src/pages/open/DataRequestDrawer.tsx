import { AuditOutlined, SolutionOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Skeleton,
  Space,
  Spin,
  Typography,
} from 'antd';
import type { DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { LoadError } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { useResourceSearch } from '../aggregation/ReportProblemModal';
import { RequestCountdown, ShareTimeline } from '../sharing/ShareParts';
import type { DataRequest } from './open';
import { mayAnswer, mayRule, requestTimeline } from './open';
import { DataRequestStatusTag, openEventLabel } from './OpenParts';

type Step = 'answer' | 'rule';

interface StepValues {
  decision?: 'provided' | 'refused' | 'provide' | 'refuse';
  answer?: string;
  reasons?: string;
  resourceCode?: string;
}

/**
 * 答复 (the department: 提供 with the answer and optionally the catalog entry that now holds the
 * data, or 拒绝 with reasons) and 裁决 (the authority, on a disputed refusal; binds both sides).
 */
function StepModal({
  step,
  request,
  onClose,
  onDone,
}: {
  step: Step | null;
  request: DataRequest;
  onClose: () => void;
  onDone: (updated: DataRequest) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StepValues>();
  const decision = Form.useWatch('decision', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // R5.6: the data provided must be in the open catalog now, among the department's datasets.
  const resources = useResourceSearch(undefined, {
    path: '/open/datasets',
    query: { provider: request.orgCode },
  });
  const refusing = decision === 'refused' || decision === 'refuse';

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
    const path = `/open/requests/${encodeURIComponent(request.code)}/${step}`;
    try {
      const body =
        step === 'answer'
          ? {
              decision: values.decision,
              answer: values.answer?.trim(),
              ...(values.decision === 'refused' ? { reasons: values.reasons?.trim() } : {}),
              ...(values.decision === 'provided' && values.resourceCode
                ? { resourceCode: values.resourceCode }
                : {}),
            }
          : { decision: values.decision, reasons: values.reasons?.trim() };
      onDone(await api.post<DataRequest>(path, body));
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={step !== null}
      title={step ? t(`open.request.stepTitle.${step}`, { code: request.code }) : ''}
      okText={step ? t(`open.request.stepOk.${step}`) : ''}
      okButtonProps={{ danger: refusing, 'data-testid': 'open-req-step-submit' }}
      confirmLoading={busy}
      width={640}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {step === 'rule' ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('open.request.bindingTitle')}
          description={t('open.request.bindingHint')}
          data-testid="open-req-binding"
        />
      ) : step ? (
        <Typography.Paragraph type="secondary">{t('open.request.answerHint')}</Typography.Paragraph>
      ) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="open-req-step-error"
        />
      ) : null}
      <Form<StepValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ decision: step === 'rule' ? 'provide' : 'provided' }}
      >
        {step === 'answer' ? (
          <>
            <Form.Item name="decision" label={t('open.request.decisionLabel')}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={[
                  {
                    value: 'provided',
                    label: (
                      <span data-testid="open-req-decision-provided">
                        {t('open.request.decision.provided')}
                      </span>
                    ),
                  },
                  {
                    value: 'refused',
                    label: (
                      <span data-testid="open-req-decision-refused">
                        {t('open.request.decision.refused')}
                      </span>
                    ),
                  },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="answer"
              label={t('open.field.answer')}
              extra={t(
                refusing ? 'open.request.answerRefuseHint' : 'open.request.answerProvideHint',
              )}
              rules={[
                { required: true, whitespace: true, message: t('open.request.answerRequired') },
                { min: 2, message: t('open.request.answerRequired') },
              ]}
            >
              <Input.TextArea rows={4} maxLength={4000} showCount data-testid="open-req-answer" />
            </Form.Item>
            {refusing ? (
              <Form.Item
                name="reasons"
                label={t('open.field.reasons')}
                extra={t('open.request.reasonsHint')}
                rules={[
                  { required: true, whitespace: true, message: t('open.common.reasonsRequired') },
                  { min: 5, message: t('open.common.reasonsRequired') },
                ]}
              >
                <Input.TextArea
                  rows={3}
                  maxLength={2000}
                  showCount
                  data-testid="open-req-reasons"
                />
              </Form.Item>
            ) : (
              <Form.Item
                name="resourceCode"
                label={t('open.field.resourceCode')}
                extra={t('open.request.resourceHint')}
              >
                <Select
                  allowClear
                  showSearch={{ filterOption: false, onSearch: resources.search }}
                  options={resources.options}
                  placeholder={t('open.request.resourcePlaceholder')}
                  notFoundContent={resources.loading ? <Spin size="small" /> : undefined}
                  data-testid="open-req-resource"
                />
              </Form.Item>
            )}
          </>
        ) : null}
        {step === 'rule' ? (
          <>
            <Form.Item name="decision" label={t('open.request.rulingLabel')}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={[
                  {
                    value: 'provide',
                    label: (
                      <span data-testid="open-req-ruling-provide">
                        {t('open.request.ruling.provide')}
                      </span>
                    ),
                  },
                  {
                    value: 'refuse',
                    label: (
                      <span data-testid="open-req-ruling-refuse">
                        {t('open.request.ruling.refuse')}
                      </span>
                    ),
                  },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="reasons"
              label={t('open.field.rulingReasons')}
              rules={[
                { required: true, whitespace: true, message: t('open.common.reasonsRequired') },
                { min: 5, message: t('open.common.reasonsRequired') },
              ]}
            >
              <Input.TextArea
                rows={4}
                maxLength={4000}
                showCount
                data-testid="open-req-rule-reasons"
              />
            </Form.Item>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}

/** 未开放数据需求详情: the request, the answer, a dispute and the ruling, and the next step. */
export function DataRequestDrawer({
  code,
  onClose,
  onChanged,
}: {
  code: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const detail = useAsync(
    async (signal) =>
      code ? api.get<DataRequest>(`/open/requests/${encodeURIComponent(code)}`, { signal }) : null,
    code ?? '',
  );
  const [step, setStep] = useState<Step | null>(null);
  const request = detail.data;

  const items: DescriptionsProps['items'] = request
    ? [
        {
          key: 'title',
          label: t('open.field.requestTitle'),
          span: 2,
          children: <span className="pre-wrap">{request.title}</span>,
        },
        { key: 'org', label: t('open.field.addressee'), children: request.orgName },
        {
          key: 'requester',
          label: t('open.field.requester'),
          children: request.requester.displayName,
        },
        {
          key: 'status',
          label: t('open.field.status'),
          children: <DataRequestStatusTag status={request.status} />,
        },
        {
          key: 'due',
          label: t('open.field.dueDate'),
          children: (
            <Space size={4} wrap>
              <span>{formatDate(request.dueDate)}</span>
              <RequestCountdown request={request} />
            </Space>
          ),
        },
        {
          key: 'description',
          label: t('open.field.description'),
          span: 2,
          children: <span className="pre-wrap">{request.description}</span>,
        },
        {
          key: 'purpose',
          label: t('open.field.purpose'),
          span: 2,
          children: <span className="pre-wrap">{request.purpose}</span>,
        },
        {
          key: 'confidentiality',
          label: t('open.field.confidentiality'),
          span: 2,
          children: <span className="pre-wrap">{request.confidentiality || '—'}</span>,
        },
        {
          key: 'created',
          label: t('open.field.createdAt'),
          children: formatDateTime(request.createdAt),
        },
        {
          key: 'answered',
          label: t('open.field.answeredAt'),
          children: formatDateTime(request.answeredAt),
        },
        ...(request.answer || request.reasons
          ? [
              {
                key: 'answer',
                label: t('open.field.answer'),
                span: 2,
                children: (
                  <Space orientation="vertical" size={2}>
                    {request.answer ? (
                      <span className="pre-wrap" data-testid="open-req-answer-text">
                        {request.answer}
                      </span>
                    ) : null}
                    {request.reasons ? (
                      <span className="pre-wrap">
                        {t('open.field.reasons')}：{request.reasons}
                      </span>
                    ) : null}
                    {request.resourceCode ? (
                      <Link to={`/catalog/resources/${encodeURIComponent(request.resourceCode)}`}>
                        {t('open.request.resourceLink', { code: request.resourceCode })}
                      </Link>
                    ) : null}
                  </Space>
                ),
              },
            ]
          : []),
      ]
    : [];

  const answerable = request ? mayAnswer(me, request) : false;
  const rulable = request ? mayRule(me, request) : false;

  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      size={760}
      title={code ? t('open.request.detailTitle', { code }) : ''}
      destroyOnHidden
      data-testid="open-req-drawer"
      extra={
        request ? (
          <Space>
            {answerable ? (
              <Button
                type="primary"
                icon={<SolutionOutlined />}
                onClick={() => {
                  setStep('answer');
                }}
                data-testid="open-req-answer"
              >
                {t('open.request.answer')}
              </Button>
            ) : null}
            {rulable ? (
              <Button
                type="primary"
                icon={<AuditOutlined />}
                onClick={() => {
                  setStep('rule');
                }}
                data-testid="open-req-rule"
              >
                {t('open.request.rule')}
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
            <Alert type="error" showIcon title={t('open.request.overdueNotice')} />
          ) : null}
          {request.disputeReason ? (
            <Alert
              type="warning"
              showIcon
              title={t('open.request.disputeTitle')}
              description={<span className="pre-wrap">{request.disputeReason}</span>}
              data-testid="open-req-dispute"
            />
          ) : null}
          {request.ruling ? (
            <Alert
              type={request.ruling === 'provide' ? 'success' : 'info'}
              showIcon
              title={t('open.request.rulingTitle', {
                ruling: t(`open.request.ruling.${request.ruling}`),
                time: formatDateTime(request.ruledAt),
              })}
              description={
                <Space orientation="vertical" size={2}>
                  {request.rulingReasons ? (
                    <span className="pre-wrap">{request.rulingReasons}</span>
                  ) : null}
                  <Typography.Text type="secondary">
                    {t('open.request.bindingHint')}
                  </Typography.Text>
                </Space>
              }
              data-testid="open-req-ruling"
            />
          ) : null}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={items}
            styles={{ label: { width: 120 } }}
          />
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('open.common.timeline')}
          </Typography.Title>
          <ShareTimeline
            events={requestTimeline(request)}
            testId="open-req-timeline"
            label={(action) => openEventLabel(t, action)}
          />
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
          onDone={(updated) => {
            setStep(null);
            message.success(
              t(`open.request.done.${step ?? 'answer'}`, {
                code: request.code,
                status: t(`open.requestStatus.${updated.status}`, { defaultValue: updated.status }),
              }),
            );
            detail.reload();
            onChanged();
          }}
        />
      ) : null}
    </Drawer>
  );
}
