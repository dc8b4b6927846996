import { AimOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Form,
  Input,
  Result,
  Row,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Mono } from '../../components/common';
import type { TraceMatch, TraceResult } from './adminApi';
import { submitErrorText } from './adminApi';
import { MAX_TRACE_ROWS, WATERMARK_COLUMN, parseLeak } from './adminTrace';

interface TraceValues {
  resourceCode: string;
  text: string;
}

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * 水印溯源: each row of an exchange export carries a watermark keyed to the grant it was exported
 * under (_govdx_wm). Pasting rows of a leaked copy finds the grant, hence the consumer that let
 * the data out (R4.8: no third party in any form; R6.6 use beyond the stated purpose).
 */
export function AdminTraceTab() {
  const { t } = useTranslation();
  const [form] = Form.useForm<TraceValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<(TraceResult & { sent: number; truncated: number }) | null>(
    null,
  );
  const text = Form.useWatch('text', form) ?? '';
  const preview = useMemo(() => (text.trim() ? parseLeak(text) : null), [text]);

  /** Takes the resource code from the export's provenance line when none was entered. */
  const detectCode = (content: string) => {
    const code = parseLeak(content).resourceCode;
    const current = (form.getFieldValue('resourceCode') as string | undefined) ?? '';
    if (code && !current.trim()) form.setFieldValue('resourceCode', code);
  };
  const fill = (content: string) => {
    form.setFieldValue('text', content);
    detectCode(content);
  };

  const submit = async () => {
    let values: TraceValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const parsed = parseLeak(values.text);
    if (parsed.rows.length === 0) {
      form.setFields([{ name: 'text', errors: [t('shareAdmin.trace.noRows')] }]);
      return;
    }
    if (parsed.marked === 0) {
      form.setFields([
        { name: 'text', errors: [t('shareAdmin.trace.noMark', { column: WATERMARK_COLUMN })] },
      ]);
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const answer = await api.post<TraceResult>('/share/watermark/trace', {
        resourceCode: values.resourceCode.trim().toUpperCase(),
        rows: parsed.rows,
      });
      setResult({ ...answer, sent: parsed.rows.length, truncated: parsed.truncated });
    } catch (e) {
      setError(submitErrorText(t, form, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Row gutter={[24, 16]} data-testid="trace-tab">
      <Col xs={24} xl={12}>
        <Typography.Paragraph type="secondary">
          {t('shareAdmin.trace.hint', { column: WATERMARK_COLUMN, max: MAX_TRACE_ROWS })}
        </Typography.Paragraph>
        <Form<TraceValues>
          form={form}
          layout="vertical"
          onValuesChange={(changed: Partial<TraceValues>) => {
            if (changed.text !== undefined) detectCode(changed.text);
          }}
        >
          <Form.Item
            name="resourceCode"
            label={t('shareAdmin.trace.resourceCode')}
            extra={t('shareAdmin.trace.resourceCodeHint')}
            normalize={(v: string) => v.toUpperCase()}
            rules={[
              { required: true, whitespace: true, message: t('shareAdmin.trace.resourceRequired') },
              { pattern: /^[A-Z0-9-]{2,40}$/, message: t('shareAdmin.trace.resourcePattern') },
            ]}
          >
            <Input
              className="mono"
              maxLength={40}
              style={{ width: 260 }}
              data-testid="trace-resource"
            />
          </Form.Item>
          <Form.Item
            name="text"
            label={t('shareAdmin.trace.rows')}
            rules={[{ required: true, whitespace: true, message: t('shareAdmin.trace.noRows') }]}
          >
            <Input.TextArea
              rows={12}
              className="mono"
              placeholder={t('shareAdmin.trace.placeholder', { column: WATERMARK_COLUMN })}
              style={{ fontSize: 12 }}
              data-testid="trace-text"
            />
          </Form.Item>
          {preview ? (
            <Typography.Paragraph type="secondary" data-testid="trace-preview">
              {t('shareAdmin.trace.preview', {
                format: preview.format.toUpperCase(),
                rows: preview.rows.length,
                marked: preview.marked,
              })}
              {preview.truncated > 0
                ? ` ${t('shareAdmin.trace.truncated', { count: preview.truncated, max: MAX_TRACE_ROWS })}`
                : ''}
              {preview.badLines.length > 0
                ? ` ${t('shareAdmin.trace.badLines', { lines: preview.badLines.slice(0, 10).join(', ') })}`
                : ''}
            </Typography.Paragraph>
          ) : null}
          <Space>
            <Button
              type="primary"
              icon={<AimOutlined />}
              loading={busy}
              onClick={() => {
                void submit();
              }}
              data-testid="trace-submit"
            >
              {t('shareAdmin.trace.submit')}
            </Button>
            <Upload
              accept=".csv,.ndjson,.jsonl,.txt"
              showUploadList={false}
              beforeUpload={(file) => {
                if (file.size > MAX_FILE_BYTES) {
                  setError(t('shareAdmin.trace.fileTooLarge'));
                } else {
                  void file.text().then(fill);
                }
                return false;
              }}
            >
              <Button icon={<UploadOutlined />}>{t('shareAdmin.trace.readFile')}</Button>
            </Upload>
          </Space>
        </Form>
      </Col>
      <Col xs={24} xl={12}>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
        {result ? (
          <Card size="small" title={t('shareAdmin.trace.resultTitle')} data-testid="trace-result">
            <Typography.Paragraph type="secondary">
              {t('shareAdmin.trace.checked', {
                checked: result.checked ?? result.sent,
                unmarked: result.unmarked ?? 0,
              })}
            </Typography.Paragraph>
            {result.matches.length === 0 ? (
              <Result
                status="warning"
                title={t('shareAdmin.trace.noMatch')}
                subTitle={t('shareAdmin.trace.noMatchHint')}
              />
            ) : (
              <>
                <Alert
                  type="error"
                  showIcon
                  title={t('shareAdmin.trace.found', {
                    org: result.matches[0]?.consumerOrgName ?? '',
                    rows: result.matches[0]?.rows ?? 0,
                  })}
                  style={{ marginBottom: 12 }}
                />
                <Table<TraceMatch>
                  rowKey="grantId"
                  size="small"
                  pagination={false}
                  dataSource={result.matches}
                  data-testid="trace-matches"
                  columns={[
                    {
                      title: t('shareAdmin.trace.consumer'),
                      key: 'consumer',
                      render: (_: unknown, m) => (
                        <Space orientation="vertical" size={0}>
                          <span>{m.consumerOrgName}</span>
                          <Mono>{m.consumerOrgCode}</Mono>
                        </Space>
                      ),
                    },
                    {
                      title: t('shareAdmin.trace.grant'),
                      dataIndex: 'grantId',
                      render: (id: string) => (
                        <Typography.Text className="mono" copyable style={{ fontSize: 12 }}>
                          {id}
                        </Typography.Text>
                      ),
                    },
                    {
                      title: t('shareAdmin.trace.grantStatus'),
                      dataIndex: 'grantStatus',
                      width: 100,
                      render: (s: string | undefined) =>
                        s === 'active' || s === 'expired' || s === 'revoked' ? (
                          <Tag
                            color={
                              s === 'active' ? 'success' : s === 'revoked' ? 'error' : 'default'
                            }
                          >
                            {t(`shareAdmin.grantStatus.${s}`)}
                          </Tag>
                        ) : (
                          (s ?? '—')
                        ),
                    },
                    {
                      title: t('shareAdmin.trace.matchedRows'),
                      dataIndex: 'rows',
                      width: 100,
                      align: 'right',
                    },
                  ]}
                />
              </>
            )}
            {result.truncated > 0 ? (
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {t('shareAdmin.trace.truncated', { count: result.truncated, max: MAX_TRACE_ROWS })}
              </Typography.Paragraph>
            ) : null}
          </Card>
        ) : (
          <Card size="small">
            <Result
              icon={<AimOutlined style={{ color: '#bfbfbf' }} />}
              subTitle={t('shareAdmin.trace.idle')}
            />
          </Card>
        )}
      </Col>
    </Row>
  );
}
