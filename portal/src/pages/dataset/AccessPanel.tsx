/**
 * Access to a conditional dataset (R5.5): the state (`access.reason`) and, where the account may
 * apply, the application form with the current data use agreement.
 */
import { Alert, App, Button, Checkbox, DatePicker, Form, Input, Space, Spin } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import { errorText } from '../../../../console/src/errors';
import { beforePlatformToday, formatDate } from '../../../../console/src/format';
import { useAsync } from '../../../../console/src/hooks';
import { api } from '../../api';
import { loginPath } from '../../auth';
import type { Agreement, Application, DatasetDetail } from '../../types';
import { FormModal, useFormSubmit } from '../../components/FormModal';

interface ApplyValues {
  purpose: string;
  measures: string;
  period: [Dayjs, Dayjs];
  accept: boolean;
}

function ApplyModal({
  dataset,
  open,
  onClose,
  onSubmitted,
}: {
  dataset: DatasetDetail;
  open: boolean;
  onClose: () => void;
  onSubmitted: (application: Application) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ApplyValues>();
  const { submitting, error, run } = useFormSubmit(form);
  const agreement = useAsync(
    (signal) => api.get<Agreement>('/open/agreement', { signal }),
    open ? 'agreement' : 'agreement-closed',
  );

  async function submit(values: ApplyValues) {
    const version = agreement.data?.version;
    if (version === undefined) return;
    await run(async () => {
      const application = await api.post<Application>('/open/applications', {
        datasetCode: dataset.code,
        purpose: values.purpose.trim(),
        measures: values.measures.trim(),
        periodFrom: values.period[0].format('YYYY-MM-DD'),
        periodTo: values.period[1].format('YYYY-MM-DD'),
        agreementVersion: version,
        acceptAgreement: true,
      });
      message.success(t('apply.submitted'));
      form.resetFields();
      onSubmitted(application);
    });
  }

  return (
    <FormModal
      open={open}
      title={t('apply.title', { name: dataset.name })}
      onClose={onClose}
      width={720}
      submitting={submitting}
      submitDisabled={!agreement.data}
      submitLabel={t('apply.submit')}
      submitTestId="apply-submit"
      onSubmit={() => {
        form.submit();
      }}
    >
      <Form<ApplyValues>
        form={form}
        layout="vertical"
        onFinish={(values) => {
          void submit(values);
        }}
        data-testid="apply-form"
      >
        {dataset.conditions ? (
          <Alert
            type="info"
            showIcon
            className="block-gap"
            title={t('dataset.conditions')}
            description={<span className="pre-wrap">{dataset.conditions}</span>}
          />
        ) : null}
        <Form.Item
          name="purpose"
          label={t('apply.purpose')}
          rules={[{ required: true, whitespace: true, message: t('apply.purposeRequired') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            showCount
            placeholder={t('apply.purposeHint')}
            data-testid="apply-purpose"
          />
        </Form.Item>
        <Form.Item
          name="measures"
          label={t('apply.measures')}
          rules={[{ required: true, whitespace: true, message: t('apply.measuresRequired') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            showCount
            placeholder={t('apply.measuresHint')}
            data-testid="apply-measures"
          />
        </Form.Item>
        <div data-testid="apply-period">
          <Form.Item
            name="period"
            label={t('apply.period')}
            rules={[{ required: true, message: t('apply.periodRequired') }]}
          >
            <DatePicker.RangePicker
              format="YYYY-MM-DD"
              style={{ width: '100%' }}
              disabledDate={(d) => beforePlatformToday(d)}
            />
          </Form.Item>
        </div>
        <Form.Item label={t('apply.agreement')} required>
          {agreement.error ? (
            <Alert type="error" showIcon title={errorText(t, agreement.error)} />
          ) : !agreement.data ? (
            <Spin />
          ) : (
            <div className="agreement-box" data-testid="agreement-text" tabIndex={0}>
              <div className="agreement-title">{agreement.data.title}</div>
              <div className="agreement-meta">
                {t('apply.agreementVersion', {
                  version: agreement.data.version,
                  date: formatDate(agreement.data.publishedAt),
                })}
              </div>
              <div className="pre-wrap">{agreement.data.body}</div>
            </div>
          )}
        </Form.Item>
        <Form.Item
          name="accept"
          valuePropName="checked"
          rules={[
            {
              validator: (_rule, value) =>
                value === true
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('apply.acceptRequired'))),
            },
          ]}
        >
          <Checkbox disabled={!agreement.data} data-testid="agreement-checkbox">
            {t('apply.accept', { version: agreement.data?.version ?? '' })}
          </Checkbox>
        </Form.Item>
        {error ? (
          <Alert type="error" showIcon title={errorText(t, error)} data-testid="apply-error" />
        ) : null}
      </Form>
    </FormModal>
  );
}

/** The state of an application, with its due date or validity when known. */
function ApplicationState({
  dataset,
  known,
}: {
  dataset: DatasetDetail;
  known: Application | null;
}) {
  const { t } = useTranslation();
  const code = known?.code ?? dataset.access.application?.code ?? null;
  // The dataset only names the application; its due date and reasons come from the application.
  const details = useAsync(
    async (signal) => {
      if (known) return known;
      if (!code) return null;
      try {
        return await api.get<Application>(`/open/applications/${encodeURIComponent(code)}`, {
          signal,
        });
      } catch {
        return null;
      }
    },
    `${code ?? ''}:${known?.status ?? ''}`,
  );
  const app = details.data ?? null;
  const reason = known ? 'pending' : dataset.access.reason;
  const validTo = app?.validTo ?? dataset.access.application?.validTo ?? null;

  if (reason === 'pending' && app?.status === 'approved') {
    // Approved, but its period has not begun yet.
    return (
      <Alert
        type="info"
        showIcon
        data-testid="access-approved-later"
        title={t('access.approvedLater', { code: code ?? '', date: formatDate(app.periodFrom) })}
        description={validTo ? t('access.validTo', { date: formatDate(validTo) }) : undefined}
      />
    );
  }
  if (reason === 'pending') {
    return (
      <Alert
        type="info"
        showIcon
        data-testid="access-pending"
        title={t('access.pending', { code: code ?? '' })}
        description={
          app
            ? t('access.pendingDue', {
                date: formatDate(app.dueDate),
                days: app.workingDaysLeft,
              })
            : undefined
        }
      />
    );
  }
  if (reason === 'refused') {
    return (
      <Alert
        type="error"
        showIcon
        data-testid="access-refused"
        title={t('access.refused', { code: code ?? '' })}
        description={
          app?.reasons ? (
            <span className="pre-wrap">{t('access.refusedReasons', { reasons: app.reasons })}</span>
          ) : undefined
        }
      />
    );
  }
  if (reason === 'expired') {
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="access-expired"
        title={t('access.expired', { date: formatDate(validTo) })}
      />
    );
  }
  return (
    <Alert
      type="success"
      showIcon
      data-testid="access-approved"
      title={t('access.approved', { code: code ?? '' })}
      description={validTo ? t('access.validTo', { date: formatDate(validTo) }) : undefined}
    />
  );
}

/** What the visitor may do with a conditional dataset, and the way to get access. */
export function AccessPanel({
  dataset,
  onChanged,
}: {
  dataset: DatasetDetail;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [submitted, setSubmitted] = useState<Application | null>(null);
  const reason = dataset.access.reason;

  const applyButton = (label: string) => (
    <Button
      type="primary"
      data-testid="apply-button"
      onClick={() => {
        setOpen(true);
      }}
    >
      {label}
    </Button>
  );

  let body;
  if (submitted) {
    body = <ApplicationState dataset={dataset} known={submitted} />;
  } else if (reason === 'unconditional') {
    body = <Alert type="success" showIcon title={t('access.unconditional')} />;
  } else if (reason === 'login_required') {
    body = (
      <Alert
        type="info"
        showIcon
        data-testid="access-login-required"
        title={t('access.loginRequired')}
        action={
          <Link to={loginPath(`${location.pathname}${location.search}`)} data-testid="access-login">
            <Button type="primary">{t('access.login')}</Button>
          </Link>
        }
      />
    );
  } else if (reason === 'verification_required') {
    body = (
      <Alert
        type="warning"
        showIcon
        data-testid="access-verification-required"
        title={t('access.verificationRequired')}
        description={t('access.verificationRequiredHint')}
      />
    );
  } else if (reason === 'apply') {
    body = (
      <Alert
        type="info"
        showIcon
        data-testid="access-apply"
        title={t('access.apply')}
        action={applyButton(t('access.applyButton'))}
      />
    );
  } else if (
    reason === 'pending' ||
    reason === 'refused' ||
    reason === 'expired' ||
    reason === 'approved'
  ) {
    body = (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <ApplicationState dataset={dataset} known={null} />
        {reason === 'refused' || reason === 'expired' ? (
          <div>{applyButton(t('access.applyAgain'))}</div>
        ) : null}
      </Space>
    );
  } else {
    body = <Alert type="warning" showIcon title={t('access.unavailable')} />;
  }

  return (
    <div data-testid="access-panel" data-reason={submitted ? 'pending' : reason}>
      {body}
      <ApplyModal
        dataset={dataset}
        open={open}
        onClose={() => {
          setOpen(false);
        }}
        onSubmitted={(application) => {
          setOpen(false);
          setSubmitted(application);
          onChanged();
        }}
      />
    </div>
  );
}

/** In the preview and download tabs: why the data is not shown, and where to get access. */
export function AccessNotice({ dataset }: { dataset: DatasetDetail }) {
  const { t } = useTranslation();
  const location = useLocation();
  const reason = dataset.access.reason;
  const login = reason === 'login_required';
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="access-notice"
      title={t('access.noticeTitle')}
      description={
        dataset.openClass === 'conditional'
          ? t('access.noticeConditional')
          : t('access.unavailable')
      }
      action={
        login ? (
          <Link to={loginPath(`${location.pathname}${location.search}`)}>
            <Button type="primary">{t('access.login')}</Button>
          </Link>
        ) : undefined
      }
    />
  );
}
