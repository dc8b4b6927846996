import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  DeleteOutlined,
  PlusOutlined,
  RollbackOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  Popconfirm,
  Result,
  Row,
  Select,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError, api } from '../../api';
import { useMe } from '../../auth';
import { ResourceView } from '../../catalog/ResourceView';
import { VersionDiff } from '../../catalog/VersionDiff';
import { CONTENT_FIELDS, pathLabel } from '../../catalog/fields';
import { StatusTag } from '../../catalog/labels';
import type { ResourceContent, ResourceVersion } from '../../catalog/model';
import { DuplicateFlagsAlert, ReviewCommentsAlert } from '../../catalog/parts';
import { canReview } from '../../catalog/roles';
import {
  ForbiddenResult,
  LoadError,
  Mono,
  NotFoundResult,
  PageHeader,
} from '../../components/common';
import { errorText } from '../../errors';
import { filterOptionByLabel, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';

interface ReviewValues {
  comment?: string;
  fieldComments?: { path?: string; comment?: string }[];
}

interface Loaded {
  submitted: ResourceVersion;
  live: ResourceVersion | null;
}

function fieldOptions(
  t: ReturnType<typeof useTranslation>['t'],
  content: ResourceContent,
): { value: string; label: string }[] {
  return [
    ...CONTENT_FIELDS.map((f) => ({ value: f.path, label: pathLabel(t, f.path) })),
    ...content.items.map((item, i) => ({
      value: `items.${String(i)}`,
      label: `${pathLabel(t, `items.${String(i)}`)}（${item.name}）`,
    })),
  ];
}

function ReviewPanel({ version, onDone }: { version: ResourceVersion; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReviewValues>();
  const [busy, setBusy] = useState<'return' | 'publish' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const options = fieldOptions(t, version.content);
  const path = `/catalog/resources/${encodeURIComponent(version.code)}`;

  const collectFieldComments = (values: ReviewValues): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const row of values.fieldComments ?? []) {
      const text = row.comment?.trim();
      if (row.path && text) out[row.path] = out[row.path] ? `${out[row.path]}；${text}` : text;
    }
    return out;
  };

  const onReturn = async () => {
    form.setFields([{ name: 'comment', errors: [] }]);
    let values: ReviewValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const comment = values.comment?.trim();
    if (!comment) {
      form.setFields([{ name: 'comment', errors: [t('review.commentRequired')] }]);
      return;
    }
    setBusy('return');
    setError(null);
    try {
      await api.post<ResourceVersion>(`${path}/return`, {
        comment,
        fieldComments: collectFieldComments(values),
      });
      message.success(t('review.returnedMsg', { name: version.content.name }));
      onDone();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  const onPublish = async () => {
    const comment = (form.getFieldValue('comment') as string | undefined)?.trim();
    setBusy('publish');
    setError(null);
    try {
      await api.post<ResourceVersion>(`${path}/publish`, comment ? { comment } : {});
      message.success(t('review.publishedMsg', { name: version.content.name }));
      onDone();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title={t('review.panelTitle')}
      size="small"
      className="review-panel"
      data-testid="review-panel"
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Form<ReviewValues> form={form} layout="vertical" initialValues={{ fieldComments: [] }}>
        <Form.Item name="comment" label={t('review.comment')}>
          <Input.TextArea
            rows={4}
            maxLength={2000}
            placeholder={t('review.commentHint')}
            data-testid="review-comment"
          />
        </Form.Item>
        <Typography.Text strong>{t('review.fieldComments')}</Typography.Text>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t('review.fieldCommentsHint')}
        </Typography.Paragraph>
        <Form.List name="fieldComments">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <div key={field.key} className="field-comment-row">
                  <Form.Item
                    name={[field.name, 'path']}
                    style={{ marginBottom: 6 }}
                    rules={[{ required: true, message: t('review.fieldRequired') }]}
                  >
                    <Select
                      showSearch={{ filterOption: filterOptionByLabel }}
                      placeholder={t('review.chooseField')}
                      options={options}
                      data-testid={`review-field-path-${String(field.name)}`}
                    />
                  </Form.Item>
                  <Space.Compact style={{ width: '100%' }}>
                    <Form.Item
                      name={[field.name, 'comment']}
                      style={{ marginBottom: 0, flex: 1 }}
                      rules={[
                        {
                          required: true,
                          whitespace: true,
                          message: t('review.fieldCommentRequired'),
                        },
                      ]}
                    >
                      <Input
                        maxLength={1000}
                        placeholder={t('review.fieldCommentPlaceholder')}
                        data-testid={`review-field-comment-${String(field.name)}`}
                      />
                    </Form.Item>
                    <Button
                      icon={<DeleteOutlined />}
                      aria-label={t('common.delete')}
                      onClick={() => {
                        remove(field.name);
                      }}
                    />
                  </Space.Compact>
                </div>
              ))}
              <Button
                type="dashed"
                block
                icon={<PlusOutlined />}
                onClick={() => {
                  add({});
                }}
                data-testid="review-add-field-comment"
              >
                {t('review.addFieldComment')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
      <div className="review-actions">
        <Button
          danger
          icon={<RollbackOutlined />}
          loading={busy === 'return'}
          disabled={busy !== null}
          onClick={() => {
            void onReturn();
          }}
          data-testid="review-return"
        >
          {t('review.return')}
        </Button>
        <Popconfirm
          title={t('review.publishConfirm')}
          description={t('review.publishConfirmHint')}
          okText={t('review.publish')}
          okButtonProps={{ 'data-testid': 'review-publish-confirm' }}
          onConfirm={() => {
            void onPublish();
          }}
        >
          <Button
            type="primary"
            icon={<CheckCircleOutlined />}
            loading={busy === 'publish'}
            disabled={busy !== null}
            data-testid="review-publish"
          >
            {t('review.publish')}
          </Button>
        </Popconfirm>
      </div>
    </Card>
  );
}

/** Reviewing one submitted entry: content, changes against the live version, 一数一源 flags. */
export function ReviewPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const { code = '' } = useParams();
  const loaded = useAsync<Loaded>(async (signal) => {
    const base = `/catalog/resources/${encodeURIComponent(code)}`;
    const submitted = await api.get<ResourceVersion>(base, { signal });
    const live =
      submitted.liveVersion !== null && submitted.liveVersion !== submitted.version
        ? await api.get<ResourceVersion>(base, {
            signal,
            query: { version: submitted.liveVersion },
          })
        : null;
    return { submitted, live };
  }, code);

  if (!canReview(me)) return <ForbiddenResult />;
  if (loaded.error instanceof ApiError && loaded.error.code === 'NOT_FOUND')
    return <NotFoundResult />;
  if (loaded.error) return <LoadError error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data || loaded.loading) return <Card loading style={{ minHeight: 320 }} />;
  const { submitted, live } = loaded.data;

  if (submitted.status !== 'submitted') {
    return (
      <Result
        status="info"
        title={t('review.notSubmitted', { status: t(`catalog.status.${submitted.status}`) })}
        extra={
          <Space>
            <Button
              onClick={() => {
                void navigate('/catalog/review');
              }}
            >
              {t('review.backToQueue')}
            </Button>
            <Button
              type="primary"
              onClick={() => {
                void navigate(`/catalog/resources/${encodeURIComponent(submitted.code)}`);
              }}
            >
              {t('editor.viewEntry')}
            </Button>
          </Space>
        }
      />
    );
  }

  return (
    <>
      <PageHeader
        title={
          <Space size={8} wrap>
            <span>{t('review.pageTitle', { name: submitted.content.name })}</span>
            <StatusTag status={submitted.status} />
            <Tag>{t('resource.versionN', { version: submitted.version })}</Tag>
          </Space>
        }
        description={
          <Space size={16} wrap>
            <Mono>{submitted.code}</Mono>
            <span>{submitted.orgName}</span>
            <span>
              {t('review.submittedBy', {
                name: submitted.createdBy,
                time: formatDateTime(submitted.submittedAt),
              })}
            </span>
          </Space>
        }
        extra={
          <Button
            icon={<ArrowLeftOutlined />}
            onClick={() => {
              void navigate('/catalog/review');
            }}
          >
            {t('review.backToQueue')}
          </Button>
        }
      />
      <Row gutter={16}>
        <Col xs={24} xl={17}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <DuplicateFlagsAlert flags={submitted.duplicateFlags} />
            <ReviewCommentsAlert version={submitted} />
            {live ? (
              <Alert
                type="info"
                showIcon
                title={t('review.changeNotice', { live: live.version, version: submitted.version })}
              />
            ) : null}
            <Tabs
              defaultActiveKey={live ? 'diff' : 'content'}
              items={[
                {
                  key: 'content',
                  label: t('review.tabContent'),
                  children: (
                    <ResourceView
                      code={submitted.code}
                      orgName={submitted.orgName}
                      content={submitted.content}
                      compact
                    />
                  ),
                },
                ...(live
                  ? [
                      {
                        key: 'diff',
                        label: t('review.tabDiff', { version: live.version }),
                        children: (
                          <VersionDiff
                            versions={[live, submitted]}
                            from={live.version}
                            to={submitted.version}
                            fixed
                          />
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Space>
        </Col>
        <Col xs={24} xl={7}>
          <div className="sticky-panel">
            <ReviewPanel
              version={submitted}
              onDone={() => {
                void navigate('/catalog/review');
              }}
            />
          </div>
        </Col>
      </Row>
    </>
  );
}
