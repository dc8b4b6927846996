import { AuditOutlined, MessageOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
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
import { useMe } from '../../auth';
import { ShareClassTag } from '../../catalog/labels';
import { LoadError } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { beforePlatformToday, formatDate, formatDateTime, platformToday } from '../../format';
import { useAsync } from '../../hooks';
import { scopeRequired, useScopeRows } from './RequestDrawer';
import type { ShareDispute, ShareDisputeDetail } from './share';
import { isAuthorityAdmin, isMemberOf } from './share';
import type { ScopeRow } from './ShareParts';
import {
  DisputeKindTag,
  DisputeStatusTag,
  OperationTags,
  OperationsChecklist,
  ScopeEditor,
  ShareTimeline,
} from './ShareParts';

type Step = 'statement' | 'decide';

interface StepValues {
  statement?: string;
  decision?: 'grant' | 'refuse';
  reason?: string;
  legalBasis?: string;
  scope?: ScopeRow[];
  operations?: string[];
  periodTo?: Dayjs;
}

function StepModal({
  step,
  dispute,
  onClose,
  onDone,
}: {
  step: Step | null;
  dispute: ShareDispute;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StepValues>();
  const decision = Form.useWatch('decision', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const scope = useScopeRows(dispute.resourceCode, dispute.items);

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
      if (step === 'statement') {
        await api.post<ShareDispute>(`/share/disputes/${dispute.code}/statement`, {
          statement: values.statement?.trim(),
        });
        onDone(t('share.dispute.stated'));
      } else {
        const grant = values.decision === 'grant';
        const included = (values.scope ?? []).filter((r) => r.include);
        const updated = await api.post<ShareDispute>(`/share/disputes/${dispute.code}/decide`, {
          decision: values.decision,
          reason: values.reason?.trim(),
          ...(values.legalBasis?.trim() ? { legalBasis: values.legalBasis.trim() } : {}),
          ...(grant
            ? {
                items: included.map((r) => r.column),
                masking: Object.fromEntries(included.map((r) => [r.column, r.masking])),
                operations: values.operations,
                ...(values.periodTo ? { periodTo: values.periodTo.format('YYYY-MM-DD') } : {}),
              }
            : {}),
        });
        onDone(
          t(`share.dispute.decidedMsg.${updated.status === 'granted' ? 'granted' : 'refused'}`),
        );
      }
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const ready = step !== 'decide' || scope.data !== undefined;
  return (
    <Modal
      open={step !== null}
      title={step ? t(`share.dispute.stepTitle.${step}`, { code: dispute.code }) : ''}
      okText={step ? t(`share.dispute.stepOk.${step}`) : ''}
      okButtonProps={{ disabled: !ready, 'data-testid': 'share-step-submit' }}
      confirmLoading={busy}
      width={step === 'decide' ? 760 : 560}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {step === 'decide' ? (
        <Alert
          type="warning"
          showIcon
          title={t('share.dispute.bindingWarning')}
          style={{ marginBottom: 16 }}
        />
      ) : step ? (
        <Typography.Paragraph type="secondary">
          {t('share.dispute.statementHint')}
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
      {step === 'decide' && scope.error ? (
        <LoadError error={scope.error} onRetry={scope.reload} />
      ) : !ready ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : (
        <Form<StepValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            decision: 'grant',
            scope: scope.data,
            operations: dispute.operations,
            periodTo: dispute.periodTo ? dayjs(dispute.periodTo) : platformToday().add(1, 'year'),
          }}
        >
          {step === 'statement' ? (
            <Form.Item
              name="statement"
              label={t('share.field.providerStatement')}
              rules={[
                { required: true, whitespace: true, message: t('share.dispute.statementRequired') },
                { min: 5, message: t('share.dispute.statementRequired') },
              ]}
            >
              <Input.TextArea
                rows={5}
                maxLength={4000}
                showCount
                data-testid="dispute-statement-text"
              />
            </Form.Item>
          ) : null}
          {step === 'decide' ? (
            <>
              <Form.Item name="decision" label={t('share.dispute.decisionLabel')}>
                <Radio.Group
                  optionType="button"
                  buttonStyle="solid"
                  options={[
                    {
                      value: 'grant',
                      label: (
                        <span data-testid="dispute-decision-grant">
                          {t('share.dispute.decision.grant')}
                        </span>
                      ),
                    },
                    {
                      value: 'refuse',
                      label: (
                        <span data-testid="dispute-decision-refuse">
                          {t('share.dispute.decision.refuse')}
                        </span>
                      ),
                    },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="reason"
                label={t('share.dispute.decisionReason')}
                rules={[
                  { required: true, whitespace: true, message: t('share.form.reasonRequired') },
                  { min: 5, message: t('share.form.reasonRequired') },
                ]}
              >
                <Input.TextArea rows={3} maxLength={4000} showCount data-testid="dispute-reason" />
              </Form.Item>
              <Form.Item
                name="legalBasis"
                label={t('share.field.legalBasis')}
                extra={decision === 'refuse' ? t('share.dispute.legalBasisHint') : undefined}
                rules={[{ min: 2, message: t('share.form.legalBasisRequired') }]}
              >
                <Input.TextArea
                  rows={2}
                  maxLength={2000}
                  showCount
                  data-testid="dispute-legal-basis"
                />
              </Form.Item>
              {decision !== 'refuse' ? (
                <>
                  <Form.Item
                    name="scope"
                    label={t('share.dispute.scopeLabel')}
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
                    <OperationsChecklist allowed={dispute.operations} />
                  </Form.Item>
                  <Form.Item
                    name="periodTo"
                    label={t('share.field.periodTo')}
                    rules={[{ required: true, message: t('share.form.periodRequired') }]}
                  >
                    <DatePicker
                      style={{ width: 200 }}
                      disabledDate={(d) => beforePlatformToday(d)}
                    />
                  </Form.Item>
                </>
              ) : null}
            </>
          ) : null}
        </Form>
      )}
    </Modal>
  );
}

/** 争议详情: the consumer's argument, the provider's statement, and the authority's decision. */
export function DisputeDrawer({
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
      code ? api.get<ShareDisputeDetail>(`/share/disputes/${code}`, { signal }) : null,
    code ?? '',
  );
  const [step, setStep] = useState<Step | null>(null);
  const dispute = detail.data;
  const open = dispute?.status === 'open';
  // The server says what the caller may do; without `can` the console falls back to the roles.
  const canState =
    dispute?.can?.state ?? (open && dispute ? isMemberOf(me, dispute.providerOrgCode) : false);
  const canDecide = dispute?.can?.decide ?? (open ? isAuthorityAdmin(me) : false);

  const items: DescriptionsProps['items'] = dispute
    ? [
        {
          key: 'kind',
          label: t('share.dispute.kindLabel'),
          children: <DisputeKindTag kind={dispute.kind} />,
        },
        {
          key: 'status',
          label: t('share.field.status'),
          children: <DisputeStatusTag status={dispute.status} />,
        },
        {
          key: 'resource',
          label: t('share.field.resource'),
          span: 2,
          children: (
            <Space size={6} wrap>
              <Link to={`/catalog/resources/${encodeURIComponent(dispute.resourceCode)}`}>
                {dispute.resourceName}（{dispute.resourceCode}）
              </Link>
              <ShareClassTag value={dispute.shareClass} />
            </Space>
          ),
        },
        { key: 'consumer', label: t('share.field.consumer'), children: dispute.consumerOrgName },
        { key: 'provider', label: t('share.field.provider'), children: dispute.providerOrgName },
        ...(dispute.requestCode
          ? [
              {
                key: 'request',
                label: t('share.dispute.requestLabel'),
                span: 2,
                children: (
                  <Link
                    to={`/sharing/requests?code=${dispute.requestCode}`}
                    className="mono"
                    data-testid="dispute-request-link"
                  >
                    {dispute.requestCode}
                  </Link>
                ),
              },
            ]
          : []),
        {
          key: 'items',
          label: t('share.field.items'),
          span: 2,
          children: (
            <Space size={[4, 4]} wrap>
              {dispute.items.map((item) => (
                <Tag key={item.column}>{item.name}</Tag>
              ))}
            </Space>
          ),
        },
        {
          key: 'operations',
          label: t('share.field.operations'),
          children: <OperationTags operations={dispute.operations} />,
        },
        {
          key: 'period',
          label: t('share.field.periodTo'),
          children: formatDate(dispute.periodTo),
        },
        {
          key: 'purpose',
          label: t('share.field.purpose'),
          span: 2,
          children: <span className="pre-wrap">{dispute.purpose}</span>,
        },
        {
          key: 'legal',
          label: t('share.field.dutyLegalBasis'),
          span: 2,
          children: <span className="pre-wrap">{dispute.legalBasis}</span>,
        },
        {
          key: 'created',
          label: t('share.field.createdAt'),
          span: 2,
          children: formatDateTime(dispute.createdAt),
        },
      ]
    : [];

  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      size={760}
      title={code ? t('share.dispute.detailTitle', { code }) : ''}
      destroyOnHidden
      data-testid="dispute-drawer"
      extra={
        dispute ? (
          <Space>
            {canState ? (
              <Button
                icon={<MessageOutlined />}
                onClick={() => {
                  setStep('statement');
                }}
                data-testid="dispute-statement"
              >
                {t('share.dispute.state')}
              </Button>
            ) : null}
            {canDecide ? (
              <Button
                type="primary"
                icon={<AuditOutlined />}
                onClick={() => {
                  setStep('decide');
                }}
                data-testid="dispute-decide"
              >
                {t('share.dispute.decide')}
              </Button>
            ) : null}
          </Space>
        ) : null
      }
    >
      {detail.error ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : dispute ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Alert
            type={dispute.status === 'open' ? 'info' : 'success'}
            showIcon
            title={
              dispute.status === 'open' ? t('share.dispute.openNotice') : t('share.dispute.binding')
            }
            data-testid="dispute-binding"
          />
          <Descriptions
            bordered
            size="small"
            column={2}
            items={items}
            styles={{ label: { width: 120 } }}
          />
          <Card
            size="small"
            title={t('share.dispute.argumentTitle', { org: dispute.consumerOrgName })}
          >
            <span className="pre-wrap" data-testid="dispute-argument">
              {dispute.argument}
            </span>
          </Card>
          <Card
            size="small"
            title={t('share.dispute.statementTitle', { org: dispute.providerOrgName })}
          >
            {dispute.providerStatement ? (
              <span className="pre-wrap" data-testid="dispute-provider-statement">
                {dispute.providerStatement}
              </span>
            ) : (
              <Typography.Text type="secondary">{t('share.dispute.noStatement')}</Typography.Text>
            )}
          </Card>
          {dispute.decidedAt ? (
            <Card
              size="small"
              title={t('share.dispute.decisionTitle')}
              data-testid="dispute-decision"
            >
              <Space orientation="vertical" size={4}>
                <Space wrap>
                  <DisputeStatusTag status={dispute.status} />
                  <Typography.Text type="secondary">
                    {dispute.decidedBy} · {formatDateTime(dispute.decidedAt)}
                  </Typography.Text>
                </Space>
                {dispute.decisionReason ? (
                  <span className="pre-wrap">
                    {t('share.dispute.decisionReason')}：{dispute.decisionReason}
                  </span>
                ) : null}
                {dispute.decisionLegalBasis ? (
                  <span className="pre-wrap">
                    {t('share.field.legalBasis')}：{dispute.decisionLegalBasis}
                  </span>
                ) : null}
                {dispute.grantId ? (
                  <Link
                    to={`/sharing/grants?id=${dispute.grantId}`}
                    data-testid="dispute-grant-link"
                  >
                    {t('share.request.openGrant')}
                  </Link>
                ) : null}
              </Space>
            </Card>
          ) : null}
          {dispute.timeline ? (
            <>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {t('share.common.timeline')}
              </Typography.Title>
              <ShareTimeline events={dispute.timeline} testId="dispute-timeline" />
            </>
          ) : null}
        </Space>
      ) : (
        <Skeleton active paragraph={{ rows: 10 }} />
      )}
      {dispute ? (
        <StepModal
          step={step}
          dispute={dispute}
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
