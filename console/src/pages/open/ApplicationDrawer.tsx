import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
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
import { useMe } from '../../auth';
import { LoadError } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { beforePlatformToday, formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { RequestCountdown, ShareTimeline } from '../sharing/ShareParts';
import type { OpenApplication } from './open';
import { applicationTimeline, mayDecide } from './open';
import { Applicant, ApplicationStatusTag, openEventLabel } from './OpenParts';

type Step = 'approve' | 'refuse';

interface DecideValues {
  validTo?: Dayjs | null;
  reasons?: string;
}

/** Reasons a provider commonly gives; a click puts one in the text box. */
const REFUSAL_PRESETS = ['notEligible', 'purposeMismatch', 'measures', 'incomplete'] as const;

/** 批准 (optionally valid to a date no later than the period applied for) or 拒绝 (with reasons). */
function DecideModal({
  step,
  application,
  onClose,
  onDone,
}: {
  step: Step | null;
  application: OpenApplication;
  onClose: () => void;
  onDone: (updated: OpenApplication) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DecideValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const periodTo = dayjs(application.periodTo);

  const submit = async () => {
    if (!step) return;
    let values: DecideValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body =
        step === 'approve'
          ? {
              approve: true,
              ...(values.validTo ? { validTo: values.validTo.format('YYYY-MM-DD') } : {}),
            }
          : { approve: false, reasons: values.reasons?.trim() };
      onDone(
        await api.post<OpenApplication>(
          `/open/applications/${encodeURIComponent(application.code)}/decide`,
          body,
        ),
      );
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={step !== null}
      title={step ? t(`open.app.stepTitle.${step}`, { code: application.code }) : ''}
      okText={step ? t(`open.app.${step}`) : ''}
      okButtonProps={{ danger: step === 'refuse', 'data-testid': 'open-app-decide-submit' }}
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
      {step ? (
        <Typography.Paragraph type="secondary">
          {t(`open.app.stepHint.${step}`)}
        </Typography.Paragraph>
      ) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="open-app-decide-error"
        />
      ) : null}
      <Form<DecideValues> form={form} layout="vertical" preserve={false}>
        {step === 'approve' ? (
          <Form.Item
            name="validTo"
            label={t('open.app.validToLabel')}
            extra={t('open.app.validToHint', { date: formatDate(application.periodTo) })}
            rules={[
              {
                validator: (_: unknown, value: Dayjs | null | undefined) =>
                  !value || !value.isAfter(periodTo, 'day')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('open.app.validToAfterPeriod'))),
              },
            ]}
          >
            <DatePicker
              style={{ width: 220 }}
              disabledDate={(d) => beforePlatformToday(d) || d.isAfter(periodTo, 'day')}
              data-testid="open-app-valid-to"
            />
          </Form.Item>
        ) : null}
        {step === 'refuse' ? (
          <>
            <Form.Item
              name="reasons"
              label={t('open.field.reasons')}
              extra={t('open.app.reasonsHint')}
              rules={[
                { required: true, whitespace: true, message: t('open.common.reasonsRequired') },
                { min: 5, message: t('open.common.reasonsRequired') },
              ]}
            >
              <Input.TextArea rows={4} maxLength={2000} showCount data-testid="open-app-reasons" />
            </Form.Item>
            <Space size={[6, 6]} wrap>
              <Typography.Text type="secondary">{t('open.app.presetLabel')}</Typography.Text>
              {REFUSAL_PRESETS.map((preset) => (
                <Button
                  key={preset}
                  size="small"
                  type="dashed"
                  onClick={() => {
                    const current = (form.getFieldValue('reasons') as string | undefined) ?? '';
                    const text = t(`open.app.preset.${preset}`);
                    form.setFieldValue(
                      'reasons',
                      current.trim() ? `${current.trim()}；${text}` : text,
                    );
                    void form.validateFields(['reasons']).catch(() => undefined);
                  }}
                  data-testid={`open-app-preset-${preset}`}
                >
                  {t(`open.app.preset.${preset}`)}
                </Button>
              ))}
            </Space>
          </>
        ) : null}
      </Form>
    </Modal>
  );
}

/** 开放申请详情: every field, the agreement version accepted, the decision and the next step. */
export function ApplicationDrawer({
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
      code
        ? api.get<OpenApplication>(`/open/applications/${encodeURIComponent(code)}`, { signal })
        : null,
    code ?? '',
  );
  const [step, setStep] = useState<Step | null>(null);
  const app = detail.data;
  const decidable = app ? mayDecide(me, app) : false;

  const items: DescriptionsProps['items'] = app
    ? [
        {
          key: 'dataset',
          label: t('open.field.dataset'),
          span: 2,
          children: (
            <span>
              {app.datasetName}（<span className="mono">{app.datasetCode}</span>）
            </span>
          ),
        },
        { key: 'provider', label: t('open.field.provider'), children: app.orgName },
        {
          key: 'applicant',
          label: t('open.field.applicant'),
          children: <Applicant applicant={app.applicant} />,
        },
        {
          key: 'status',
          label: t('open.field.status'),
          children: <ApplicationStatusTag status={app.status} />,
        },
        {
          key: 'due',
          label: t('open.field.dueDate'),
          children: (
            <Space size={4} wrap>
              <span>{formatDate(app.dueDate)}</span>
              <RequestCountdown request={app} />
            </Space>
          ),
        },
        {
          key: 'purpose',
          label: t('open.field.purpose'),
          span: 2,
          children: <span className="pre-wrap">{app.purpose}</span>,
        },
        {
          key: 'measures',
          label: t('open.field.measures'),
          span: 2,
          children: <span className="pre-wrap">{app.measures}</span>,
        },
        {
          key: 'period',
          label: t('open.field.period'),
          children: `${formatDate(app.periodFrom)} ~ ${formatDate(app.periodTo)}`,
        },
        {
          key: 'agreement',
          label: t('open.field.agreementVersion'),
          children: (
            <Space orientation="vertical" size={0}>
              <Link
                to={`/open/agreements?version=${String(app.agreementVersion)}`}
                data-testid="open-app-agreement-link"
              >
                {t('open.agreement.versionTag', { version: app.agreementVersion })}
              </Link>
              {app.agreementAcceptedAt ? (
                <Typography.Text type="secondary">
                  {t('open.app.acceptedAt', { time: formatDateTime(app.agreementAcceptedAt) })}
                </Typography.Text>
              ) : null}
            </Space>
          ),
        },
        {
          key: 'created',
          label: t('open.field.createdAt'),
          children: formatDateTime(app.createdAt),
        },
        {
          key: 'decided',
          label: t('open.field.decidedAt'),
          children: app.decidedAt
            ? `${formatDateTime(app.decidedAt)}${app.decidedBy ? ` · ${app.decidedBy}` : ''}`
            : '—',
        },
        ...(app.status === 'approved'
          ? [
              {
                key: 'validTo',
                label: t('open.field.validTo'),
                span: 2,
                children: app.validTo ? formatDate(app.validTo) : t('open.app.validToPeriod'),
              },
            ]
          : []),
      ]
    : [];

  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      size={760}
      title={code ? t('open.app.detailTitle', { code }) : ''}
      destroyOnHidden
      data-testid="open-app-drawer"
      extra={
        app && decidable ? (
          <Space>
            <Button
              type="primary"
              icon={<CheckOutlined />}
              onClick={() => {
                setStep('approve');
              }}
              data-testid="open-app-approve"
            >
              {t('open.app.approve')}
            </Button>
            <Button
              danger
              icon={<CloseOutlined />}
              onClick={() => {
                setStep('refuse');
              }}
              data-testid="open-app-refuse"
            >
              {t('open.app.refuse')}
            </Button>
          </Space>
        ) : null
      }
    >
      {detail.error ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : app ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {app.status === 'pending' && app.overdue ? (
            <Alert type="error" showIcon title={t('open.app.overdueNotice')} />
          ) : null}
          {app.status === 'refused' && app.reasons ? (
            <Alert
              type="warning"
              showIcon
              title={t('open.app.refusalTitle')}
              description={<span className="pre-wrap">{app.reasons}</span>}
              data-testid="open-app-refusal"
            />
          ) : null}
          {app.status === 'approved' ? (
            <Alert
              type="success"
              showIcon
              title={t('open.app.approvedNotice')}
              description={
                app.validTo ? t('open.app.validUntil', { date: formatDate(app.validTo) }) : null
              }
            />
          ) : null}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={items}
            styles={{ label: { width: 120 } }}
          />
          <Space size={4}>
            <Tag color="blue">
              {t('open.agreement.versionTag', { version: app.agreementVersion })}
            </Tag>
            <Typography.Text type="secondary">{t('open.app.agreementKept')}</Typography.Text>
          </Space>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('open.common.timeline')}
          </Typography.Title>
          <ShareTimeline
            events={applicationTimeline(app)}
            testId="open-app-timeline"
            label={(action) => openEventLabel(t, action)}
          />
        </Space>
      ) : (
        <Skeleton active paragraph={{ rows: 10 }} />
      )}
      {app ? (
        <DecideModal
          step={step}
          application={app}
          onClose={() => {
            setStep(null);
          }}
          onDone={(updated) => {
            setStep(null);
            message.success(
              t(updated.status === 'refused' ? 'open.app.refused' : 'open.app.approved', {
                code: app.code,
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
