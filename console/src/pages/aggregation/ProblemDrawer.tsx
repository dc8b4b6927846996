import { CheckCircleOutlined, RedoOutlined, SolutionOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Timeline,
  Typography,
} from 'antd';
import type { DescriptionsProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { LoadError } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { ProblemDetail, ProblemEvent, ProblemReport, ProblemResolution } from './problems';
import { PROBLEM_RESOLUTIONS } from './problems';
import { CategoryTag, ProblemCountdown, ProblemStatusTag, UrgencyTag } from './ProblemTags';

type Step = 'resolve' | 'reopen' | 'accept';

interface StepValues {
  resolution?: ProblemResolution;
  note?: string;
  batchId?: string;
  reason?: string;
  comment?: string;
}

/** One modal for the three steps of the loop: answer (provider), reopen or accept (reporter). */
function StepModal({
  step,
  report,
  onClose,
  onDone,
}: {
  step: Step | null;
  report: ProblemReport;
  onClose: () => void;
  onDone: (updated: ProblemReport) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StepValues>();
  const resolution = Form.useWatch('resolution', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
      let body: Record<string, unknown>;
      if (step === 'resolve') {
        body = {
          resolution: values.resolution,
          ...(values.note?.trim() ? { note: values.note.trim() } : {}),
          ...(values.resolution === 'fixed' && values.batchId?.trim()
            ? { batchId: values.batchId.trim() }
            : {}),
        };
      } else if (step === 'reopen') {
        body = { reason: values.reason?.trim() };
      } else {
        body = values.comment?.trim() ? { comment: values.comment.trim() } : {};
      }
      onDone(await api.post<ProblemReport>(`/problems/${report.code}/${step}`, body));
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  const title =
    step === 'resolve'
      ? t('problems.resolveTitle')
      : step === 'reopen'
        ? t('problems.reopenTitle')
        : t('problems.acceptTitle');
  return (
    <Modal
      open={step !== null}
      title={title}
      okText={title}
      confirmLoading={busy}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'problem-step-submit' }}
    >
      {step === 'reopen' ? (
        <Typography.Paragraph type="secondary">{t('problems.reopenHint')}</Typography.Paragraph>
      ) : null}
      {step === 'accept' ? (
        <Typography.Paragraph type="secondary">{t('problems.acceptHint')}</Typography.Paragraph>
      ) : null}
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form<StepValues>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ resolution: 'confirmed_correct' }}
      >
        {step === 'resolve' ? (
          <>
            <Form.Item name="resolution" label={t('problems.resolutionLabel')}>
              <Select
                options={PROBLEM_RESOLUTIONS.map((r) => ({
                  value: r,
                  label: t(`problems.resolution.${r}`),
                }))}
                data-testid="problem-resolution"
              />
            </Form.Item>
            {resolution === 'fixed' ? (
              <Form.Item
                name="batchId"
                label={t('problems.batchId')}
                extra={t('problems.batchIdHint')}
                rules={[{ required: true, whitespace: true, message: t('problems.batchRequired') }]}
              >
                <Input className="mono" maxLength={36} data-testid="problem-batch" />
              </Form.Item>
            ) : null}
            <Form.Item
              name="note"
              label={t('problems.note')}
              extra={t('problems.noteHint')}
              rules={
                resolution === 'fixed'
                  ? []
                  : [
                      { required: true, whitespace: true, message: t('problems.noteRequired') },
                      { min: 2, message: t('problems.noteRequired') },
                    ]
              }
            >
              <Input.TextArea rows={4} maxLength={4000} showCount data-testid="problem-note" />
            </Form.Item>
          </>
        ) : null}
        {step === 'reopen' ? (
          <Form.Item
            name="reason"
            label={t('problems.reopenReason')}
            rules={[
              { required: true, whitespace: true, message: t('problems.reasonRequired') },
              { min: 2, message: t('problems.reasonRequired') },
            ]}
          >
            <Input.TextArea rows={3} maxLength={4000} showCount data-testid="problem-reason" />
          </Form.Item>
        ) : null}
        {step === 'accept' ? (
          <Form.Item name="comment" label={t('problems.acceptComment')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

function EventText({ event }: { event: ProblemEvent }) {
  const { t } = useTranslation();
  const known = ['problem.report', 'problem.resolve', 'problem.reopen', 'problem.accept'];
  const action = known.includes(event.action)
    ? t(`problems.event.${event.action.slice('problem.'.length) as 'report'}`)
    : event.action;
  return (
    <Space orientation="vertical" size={0}>
      <span>
        <strong>{action}</strong> · {event.actorName}
      </span>
      {event.resolution ? (
        <span>
          {t(`problems.resolution.${event.resolution as ProblemResolution}`, {
            defaultValue: event.resolution,
          })}
          {event.batchId ? (
            <Typography.Text type="secondary" className="mono">
              {' '}
              {t('problems.batchShort', { id: event.batchId })}
            </Typography.Text>
          ) : null}
        </span>
      ) : null}
      {event.note ? <span className="pre-wrap">{event.note}</span> : null}
      {event.reason ? <span className="pre-wrap">{event.reason}</span> : null}
      {event.dueDate ? (
        <Typography.Text type="secondary">
          {t('problems.dueOn', { date: formatDate(event.dueDate) })}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/** 问题详情: the report, its timeline, and the step the caller may take now. */
export function ProblemDrawer({
  code,
  onClose,
  onChanged,
}: {
  code: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const detail = useAsync(
    async (signal) => (code ? api.get<ProblemDetail>(`/problems/${code}`, { signal }) : null),
    code ?? '',
  );
  const [step, setStep] = useState<Step | null>(null);
  const report = detail.data;

  const items: DescriptionsProps['items'] = report
    ? [
        {
          key: 'resource',
          label: t('problems.resource'),
          span: 2,
          children: (
            <Link to={`/catalog/resources/${report.resourceCode}`}>
              {report.resourceName}（{report.resourceCode}）
            </Link>
          ),
        },
        { key: 'provider', label: t('problems.provider'), children: report.providerOrgName },
        {
          key: 'reporter',
          label: t('problems.reporter'),
          children: (
            <Space orientation="vertical" size={0}>
              <span>
                {report.reporterOrgName ?? t(`problems.reporterKind.${report.reporterKind}`)}
              </span>
              <Typography.Text type="secondary">
                {report.reporterName}
                {report.reporterContact ? ` · ${report.reporterContact}` : ''}
              </Typography.Text>
            </Space>
          ),
        },
        {
          key: 'category',
          label: t('problems.categoryLabel'),
          children: (
            <Space size={4}>
              <CategoryTag category={report.category} />
              <UrgencyTag urgency={report.urgency} />
            </Space>
          ),
        },
        {
          key: 'status',
          label: t('problems.statusLabel'),
          children: <ProblemStatusTag status={report.status} />,
        },
        {
          key: 'due',
          label: t('problems.dueDate'),
          span: 2,
          children: (
            <Space>
              <span>{formatDate(report.dueDate)}</span>
              <ProblemCountdown report={report} />
            </Space>
          ),
        },
        {
          key: 'description',
          label: t('problems.descriptionLabel'),
          span: 2,
          children: <span className="pre-wrap">{report.description}</span>,
        },
        ...(report.recordKeys.length
          ? [
              {
                key: 'records',
                label: t('problems.recordKeys'),
                span: 2,
                children: (
                  <pre className="mono" style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
                    {report.recordKeys.map((k) => JSON.stringify(k)).join('\n')}
                  </pre>
                ),
              },
            ]
          : []),
        ...(report.resolution
          ? [
              {
                key: 'resolution',
                label: t('problems.resolutionLabel'),
                span: 2,
                children: (
                  <Space orientation="vertical" size={0}>
                    <span>
                      {t(`problems.resolution.${report.resolution}`)} · {report.resolvedBy}（
                      {formatDateTime(report.resolvedAt)}）
                    </span>
                    {report.resolutionBatchId ? (
                      <Typography.Text type="secondary" className="mono">
                        {t('problems.batchShort', { id: report.resolutionBatchId })}
                      </Typography.Text>
                    ) : null}
                    {report.resolutionNote ? (
                      <span className="pre-wrap">{report.resolutionNote}</span>
                    ) : null}
                  </Space>
                ),
              },
            ]
          : []),
      ]
    : [];

  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      size={720}
      title={code ? t('problems.detailTitle', { code }) : ''}
      destroyOnHidden
      data-testid="problem-drawer"
      extra={
        report ? (
          <Space>
            {report.can.resolve ? (
              <Button
                type="primary"
                icon={<SolutionOutlined />}
                onClick={() => {
                  setStep('resolve');
                }}
                data-testid="problem-resolve"
              >
                {t('problems.resolve')}
              </Button>
            ) : null}
            {report.can.accept ? (
              <Button
                type="primary"
                icon={<CheckCircleOutlined />}
                onClick={() => {
                  setStep('accept');
                }}
                data-testid="problem-accept"
              >
                {t('problems.accept')}
              </Button>
            ) : null}
            {report.can.reopen ? (
              <Button
                icon={<RedoOutlined />}
                onClick={() => {
                  setStep('reopen');
                }}
                data-testid="problem-reopen"
              >
                {t('problems.reopen')}
              </Button>
            ) : null}
          </Space>
        ) : null
      }
    >
      {detail.error ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : report ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {report.status === 'resolved' && report.can.accept ? (
            <Alert type="info" showIcon title={t('problems.awaitingReporter')} />
          ) : null}
          {report.reopenCount > 0 && report.reopenReason ? (
            <Alert
              type="warning"
              showIcon
              title={t('problems.reopenedNotice')}
              description={report.reopenReason}
            />
          ) : null}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={items}
            styles={{ label: { width: 110 } }}
          />
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('problems.timeline')}
          </Typography.Title>
          <Timeline
            data-testid="problem-timeline"
            items={report.timeline.map((event, index) => ({
              key: index,
              color:
                event.action === 'problem.reopen'
                  ? 'red'
                  : event.action === 'problem.accept'
                    ? 'green'
                    : 'blue',
              title: formatDateTime(event.at),
              content: <EventText event={event} />,
            }))}
          />
        </Space>
      ) : null}
      {report ? (
        <StepModal
          step={step}
          report={report}
          onClose={() => {
            setStep(null);
          }}
          onDone={(updated) => {
            setStep(null);
            message.success(t(`problems.done.${updated.status}`));
            detail.reload();
            onChanged();
          }}
        />
      ) : null}
    </Drawer>
  );
}
